// Raw Philox4x32-10 words (the generator and the coordinate mapping: philox_core.ts).

import { philox4x4, storeTransposed } from "./philox_core";

const WORDS = memory.data(64, 16);
const BLOCKS = memory.data(64, 16);

/**
 * Raw Philox4x32-10 words: block b (0 <= b < nblocks) is the counter (c0 + b mod 2^32, c1, c2, c3)
 * under key (k0, k1); its four words go to out[4b .. 4b+3] (u32).
 */
export function rng_philox(k0: u32, k1: u32, c0: u32, c1: u32, c2: u32, c3: u32, nblocks: i32, out: usize): void {
  const v1 = i32x4.splat(c1), v2 = i32x4.splat(c2), v3 = i32x4.splat(c3);
  const step = i32x4(0, 1, 2, 3);
  let b = 0;
  for (; b + 4 <= nblocks; b += 4) {
    philox4x4(i32x4.add(i32x4.splat(c0 + <u32>b), step), v1, v2, v3, k0, k1, WORDS);
    storeTransposed(out + (<usize>b << 4), v128.load(WORDS), v128.load(WORDS, 16), v128.load(WORDS, 32), v128.load(WORDS, 48));
  }
  if (b < nblocks) {
    philox4x4(i32x4.add(i32x4.splat(c0 + <u32>b), step), v1, v2, v3, k0, k1, WORDS);
    storeTransposed(BLOCKS, v128.load(WORDS), v128.load(WORDS, 16), v128.load(WORDS, 32), v128.load(WORDS, 48));
    memory.copy(out + (<usize>b << 4), BLOCKS, <usize>(nblocks - b) << 4);
  }
}
