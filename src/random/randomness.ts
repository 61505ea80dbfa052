import type { Ptr } from "../runtime/abi.js";
import type { RandomFill } from "../nn/init.js";
import type { FixedGrid } from "../sde/integrate.js";
import type { BrownianSource } from "../sde/terms.js";

/**
 * Every random number of a run is a pure function of (seed, stream, counter). Streams separate
 * the purposes; the index (a training step, a sample batch) goes in the low 24 bits.
 */
export const Stream = {
  init: 1 << 24,
  data: 2 << 24,
  trainNoise: 3 << 24,
  evalNoise: 4 << 24,
  headNoise: 5 << 24,
  shuffle: 6 << 24,
  corruption: 7 << 24,
} as const;

export function streamId(purpose: number, index: number): number {
  return (purpose | (index & 0xffffff)) >>> 0;
}

/** The seeded random services a model needs, implemented over the wasm Philox generator. */
export interface Randomness {
  readonly seed: number;
  /** A Brownian motion with `dim` components on a fixed grid (regenerable in any order). */
  brownian(stream: number, dim: number, grid: FixedGrid): BrownianSource;
  /** out <- n standard normals. */
  normals(stream: number, out: Ptr, n: number): void;
  /** Initialisation fills drawn from one stream. */
  init(stream: number): RandomFill;
}
