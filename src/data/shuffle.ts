// Seeded shuffling and the validation split. All randomness here is integer-only (32-bit hashing
// via Math.imul), so every runtime produces the same permutation for a seed.
import { ArgumentError } from "../runtime/errors.js";
import { mix32 } from "./hash.js";

export { mix32 };

/** Stream tags: independent generators for independent purposes. */
export const STREAM_SPLIT = 0x53504c54; // "SPLT"
export const STREAM_EPOCH = 0x45504f43; // "EPOC"

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError(`seed must be a non-negative safe integer, got ${seed}`);
  }
}

/** The 32-bit key of (seed, stream, sub); seeds up to 2^53 use both halves. */
export function streamKey(seed: number, stream: number, sub = 0): number {
  checkSeed(seed);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let k = mix32(lo ^ 0x9e3779b9);
  k = mix32(k ^ hi);
  k = mix32(k ^ (stream >>> 0));
  return mix32(k ^ (sub >>> 0));
}

/** splitmix-style generator on 32-bit integers: a Weyl sequence hashed by mix32. */
export class IntRng {
  private state: number;
  constructor(key: number) { this.state = key >>> 0; }
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }
  /** Uniform integer in [0, bound) for 1 <= bound <= 2^32, unbiased (rejection sampling). */
  below(bound: number): number {
    const limit = 4294967296 - (4294967296 % bound); // a multiple of bound
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % bound;
    }
  }
}

/** A permutation of 0..n-1 from `key` (Fisher-Yates, drawing j uniformly in [0, i]). */
export function permutationFromKey(key: number, n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 4294967295) {
    throw new ArgumentError(`permutation length must be an integer in [0, 2^32), got ${n}`);
  }
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const rng = new IntRng(key);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** A seeded permutation of 0..n-1 for a (seed, stream, sub) triple. */
export function permutation(seed: number, n: number, stream = STREAM_EPOCH, sub = 0): Uint32Array {
  return permutationFromKey(streamKey(seed, stream, sub), n);
}

export interface Split {
  /** Training indices, ascending. */
  train: Uint32Array;
  /** Validation indices, ascending. */
  val: Uint32Array;
}

/**
 * A seeded train/validation split of n examples: round(n * valFraction) examples chosen
 * uniformly without replacement go to validation. A pure function of (seed, n, valFraction).
 */
export function trainValSplit(seed: number, n: number, valFraction = 0.1): Split {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new ArgumentError(`valFraction must be in [0, 1), got ${valFraction}`);
  }
  const p = permutation(seed, n, STREAM_SPLIT);
  const nVal = Math.round(n * valFraction);
  const val = p.slice(0, nVal).sort();
  const train = p.slice(nVal).sort();
  return { train, val };
}

/**
 * The seeded test share of a data set that has no separate test files: round(n * fraction)
 * examples (sub-stream 1 of the split stream, not the validation split's), both parts ascending.
 */
export function testSplit(seed: number, n: number, fraction: number): { train: Uint32Array; test: Uint32Array } {
  const p = permutation(seed, n, STREAM_SPLIT, 1), nTest = Math.round(n * fraction);
  return { train: p.slice(nTest).sort(), test: p.slice(0, nTest).sort() };
}

/** The visiting order of `indices` in epoch `epoch` (a seeded shuffle, fresh per epoch). */
export function epochOrder(seed: number, epoch: number, indices: Uint32Array): Uint32Array {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 4294967295) {
    throw new ArgumentError(`epoch must be an integer in [0, 2^32), got ${epoch}`);
  }
  const p = permutation(seed, indices.length, STREAM_EPOCH, epoch);
  const out = new Uint32Array(indices.length);
  for (let i = 0; i < out.length; i++) out[i] = indices[p[i]!]!;
  return out;
}

