// sdebnn/infer: the smallest path from checkpoint bytes to predictions (no training, optimiser or
// dataset code). Runtime-neutral: Node, Deno, browsers, edge workers.
import { loadRuntime, type InitOptions, type Runtime, type WasmSource } from "./runtime/load.js";

export * from "./runtime/errors.js";
export { loadRuntime, Runtime, type InitOptions, type WasmSource } from "./runtime/load.js";
export { ImageClassifier, loadClassifier, type Prediction } from "./infer/classifier.js";
export { decodeCheckpoint, sha256Hex, type Checkpoint } from "./checkpoint/safetensors.js";
export type { ImageRunConfig } from "./models/image_config.js";

/** Loads the binary; without a source, fetches `sdebnn.wasm` next to this module. */
export function init(source?: WasmSource, options?: InitOptions): Promise<Runtime> {
  return loadRuntime(source ?? new URL("./sdebnn.wasm", import.meta.url), options);
}
