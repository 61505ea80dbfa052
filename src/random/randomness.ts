import type { Ptr } from "../runtime/abi.js";
import type { RandomFill } from "../nn/init.js";
import type { BrownianPath, BrownianSpan } from "../sde/brownian/path.js";

/**
 * Every random number of a run is a pure function of (seed, stream, counter). A stream word packs
 * the purpose (4 bits), an index such as the training step (20 bits) and a sub-index such as the
 * Monte-Carlo sample (8 bits), so that e.g. sample s of step k has its own noise whatever the
 * sharding of the samples over workers.
 */
export const Stream = {
  init: 1,
  data: 2,
  trainNoise: 3,
  evalNoise: 4,
  headNoise: 5,
  shuffle: 6,
  corruption: 7,
  evalHeadNoise: 8,
} as const;

export const STREAM_INDEX_LIMIT = 1 << 20;
export const STREAM_SUB_LIMIT = 1 << 8;

export function streamId(purpose: number, index: number, sub = 0): number {
  return ((purpose << 28) | ((index % STREAM_INDEX_LIMIT) << 8) | (sub % STREAM_SUB_LIMIT)) >>> 0;
}

/** The seeded random services a model needs, implemented over the wasm Philox generator. */
export interface Randomness {
  readonly seed: number;
  /**
   * A Brownian motion with `dim` components (regenerable in any order): on a fixed grid, or as a
   * virtual tree when the span gives a depth.
   */
  brownian(stream: number, dim: number, span: BrownianSpan): BrownianPath;
  /**
   * Independent Brownian motions for Monte-Carlo samples first..first+count-1 of one draw
   * (stream purpose/index, sub-index = sample), concatenated: count x dim components.
   */
  sampleBrownian(purpose: number, index: number, first: number, count: number, dim: number, span: BrownianSpan): BrownianPath;
  /** out <- n standard normals. */
  normals(stream: number, out: Ptr, n: number): void;
  /** Initialisation fills drawn from one stream. */
  init(stream: number): RandomFill;
}
