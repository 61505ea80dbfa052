import type { InitSpec } from "../nn/layer.js";
import type { Stack } from "../nn/stack.js";

/**
 * How the weight diffusion of an SDE-BNN block is scaled per weight:
 * - "none": sigma for every weight (the reference code);
 * - "init": sigma s_i with s_i the standard deviation of weight i's initialisation (He-normal
 *   sqrt(2 / fan_in) for a convolution kernel, 0.01 for its bias, bound / sqrt(3) for a uniform
 *   init); a slot initialised to constants takes its layer's largest such scale (1 if none).
 *   Then sigma is relative to each layer's own weight scale, as a fan-in-scaled prior: the OU
 *   prior's stationary std is sigma s_i / sqrt(2 theta) instead of one sigma / sqrt(2 theta) for
 *   kernels of every size and for biases alike (measurements: bench/results/mnist_sigma_diagnosis.md).
 */
export type DiffusionScale = "none" | "init";

/** The init standard deviation of a slot, or null for constant inits. */
function initStd(init: InitSpec): number | null {
  switch (init.kind) {
    case "normal": return init.std;
    case "uniform": return init.bound / Math.sqrt(3);
    default: return null;
  }
}

/** s_i of every weight of a stack's parameter segment for the "init" rule (paramCount floats). */
export function initDiffusionScales(stack: Stack): Float32Array {
  const out = new Float32Array(stack.paramCount);
  const slots = stack.slots();
  const layerOf = (name: string) => name.slice(0, name.indexOf("."));
  const layerMax = new Map<string, number>();
  for (const s of slots) {
    const std = initStd(s.init);
    if (std !== null) layerMax.set(layerOf(s.name), Math.max(layerMax.get(layerOf(s.name)) ?? 0, std));
  }
  for (const s of slots) {
    const std = initStd(s.init) ?? layerMax.get(layerOf(s.name)) ?? 1;
    out.fill(std > 0 ? std : 1, s.offset, s.offset + s.size);
  }
  return out;
}
