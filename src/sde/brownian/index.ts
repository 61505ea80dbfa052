export type { BrownianPath, BrownianOut, BrownianSpan } from "./path.js";
export { GridBrownian, type GridBrownianOptions } from "./grid.js";
export { VirtualBrownianTree, TREE_MAX_DEPTH, type VirtualBrownianTreeOptions } from "./tree.js";
export { ReplayBrownian, type ReplayBrownianOptions, type IncrementsInput } from "./replay.js";
export { ScaledBrownian } from "./scaled.js";
