// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
// counter-based generator of Random123: 4 x 32-bit counter + 2 x 32-bit key -> 4 x 32-bit words.
//
// Coordinates (the one mapping every random number in sdebnn goes through):
//   key     = (k0, k1) = (seed, stream)
//   counter = (c0, c1, c2, c3) = (element >> 2, step, sub, domain)
//   word    = element & 3
// so any word/normal is a pure function of (seed, stream, step, sub, domain, element) and does not
// depend on which or how many other values were asked for. Domains used by sdebnn are listed in
// assembly/rng/domains.ts.
//
// SIMD: four counters are evaluated at once, one per i32x4 lane. The 32x32 -> 64-bit products of a
// round come from i64x2.extmul_{low,high}_i32x4_u (high halves) and i32x4.mul (low halves).

export const PHILOX_M0: u32 = 0xD2511F53;
export const PHILOX_M1: u32 = 0xCD9E8D57;
export const PHILOX_W0: u32 = 0x9E3779B9;
export const PHILOX_W1: u32 = 0xBB67AE85;
export const PHILOX_ROUNDS: i32 = 10;

/** High 32 bits of the lane-wise u32 x u32 products. */
@inline function mulhi(a: v128, b: v128): v128 {
  return i32x4.shuffle(i64x2.extmul_low_i32x4_u(a, b), i64x2.extmul_high_i32x4_u(a, b), 1, 3, 5, 7);
}

/**
 * Philox4x32-10 of four counters (lane l of c0..c3 is counter l); the words are stored
 * word-major at dst: dst[16 w + 4 l] = word w of counter l (four v128 at dst, dst+16, +32, +48).
 */
@inline export function philox4x4(c0: v128, c1: v128, c2: v128, c3: v128, k0: u32, k1: u32, dst: usize): void {
  const m0 = i32x4.splat(PHILOX_M0);
  const m1 = i32x4.splat(PHILOX_M1);
  let x0 = c0, x1 = c1, x2 = c2, x3 = c3;
  let ka = k0, kb = k1;
  for (let r = 0; r < PHILOX_ROUNDS; r++) {
    const hi0 = mulhi(m0, x0), lo0 = i32x4.mul(m0, x0);
    const hi1 = mulhi(m1, x2), lo1 = i32x4.mul(m1, x2);
    x0 = v128.xor(v128.xor(hi1, x1), i32x4.splat(ka));
    x1 = lo1;
    x2 = v128.xor(v128.xor(hi0, x3), i32x4.splat(kb));
    x3 = lo0;
    ka += PHILOX_W0; // the key bump after the last round is never used
    kb += PHILOX_W1;
  }
  v128.store(dst, x0);
  v128.store(dst, x1, 16);
  v128.store(dst, x2, 32);
  v128.store(dst, x3, 48);
}

/**
 * Two independent philox4x4 (counters c0 = a0 and c0 = b0, the other counter words shared) in one
 * loop: a round of each is a chain of dependent multiplies, so running two side by side nearly
 * halves the time per word. Words of the first at dst (as philox4x4), of the second at dst + 64.
 */
@inline export function philox4x4x2(a0: v128, b0: v128, c1: v128, c2: v128, c3: v128, k0: u32, k1: u32, dst: usize): void {
  const m0 = i32x4.splat(PHILOX_M0);
  const m1 = i32x4.splat(PHILOX_M1);
  let x0 = a0, x1 = c1, x2 = c2, x3 = c3;
  let y0 = b0, y1 = c1, y2 = c2, y3 = c3;
  let ka = k0, kb = k1;
  for (let r = 0; r < PHILOX_ROUNDS; r++) {
    const hx0 = mulhi(m0, x0), lx0 = i32x4.mul(m0, x0);
    const hy0 = mulhi(m0, y0), ly0 = i32x4.mul(m0, y0);
    const hx1 = mulhi(m1, x2), lx1 = i32x4.mul(m1, x2);
    const hy1 = mulhi(m1, y2), ly1 = i32x4.mul(m1, y2);
    const va = i32x4.splat(ka), vb = i32x4.splat(kb);
    x0 = v128.xor(v128.xor(hx1, x1), va); x1 = lx1;
    x2 = v128.xor(v128.xor(hx0, x3), vb); x3 = lx0;
    y0 = v128.xor(v128.xor(hy1, y1), va); y1 = ly1;
    y2 = v128.xor(v128.xor(hy0, y3), vb); y3 = ly0;
    ka += PHILOX_W0;
    kb += PHILOX_W1;
  }
  v128.store(dst, x0); v128.store(dst, x1, 16); v128.store(dst, x2, 32); v128.store(dst, x3, 48);
  v128.store(dst, y0, 64); v128.store(dst, y1, 80); v128.store(dst, y2, 96); v128.store(dst, y3, 112);
}

/** 4x4 transpose of 32-bit lanes: word-major (a = word 0 of lanes 0..3, ...) to lane-major at dst. */
@inline export function storeTransposed(dst: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
  v128.store(dst, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
  v128.store(dst, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
}
