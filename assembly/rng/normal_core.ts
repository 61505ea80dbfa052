// Standard normals from Philox words by the Box-Muller transform, entirely in f32x4 arithmetic
// (no relaxed SIMD, no fused multiply-add), so every engine produces the same bits.
//
// Counter block b = element >> 2 gives words (X0, X1, X2, X3); its four normals are
//   z[4b+0] = r(X0) cos phi(X1),  z[4b+1] = r(X0) sin phi(X1),
//   z[4b+2] = r(X2) cos phi(X3),  z[4b+3] = r(X2) sin phi(X3),
// with
//   u     = f32(X) * 2^-32 + 2^-33          in [2^-33, 1]   (exact for X < 2^23: the tail, r > 3.53)
//   r     = sqrt(max(0, -2 ln u))           ln: Cephes logf polynomial on [sqrt(1/2), sqrt(2))
//   phi   = q pi/2 + theta,  q = X >> 30,  theta = (X & 0x3fffffff - 2^29) * pi 2^-31 in [-pi/4, pi/4)
//   sin/cos(theta): Cephes sinf/cosf polynomials (|theta| <= pi/4, no range reduction needed);
//   the quadrant q rotates (cos theta, sin theta) exactly by swaps and sign flips.
// phi is uniform on [-pi/4, 7pi/4), i.e. uniform on the circle, so (z0, z1) are independent N(0, 1).
// Largest reachable |z| = sqrt(-2 ln 2^-33) = 6.7637. The radius is exact in distribution up to the
// 2^-32 grid of u, so P(|z| > x) is reproduced to about 2.4e-10 absolute (0.6% relative at x = 5.5,
// 12% at x = 6, zero beyond 6.76 where the true mass is 1.3e-11).

import { philox4x4, philox4x4x2, storeTransposed } from "./philox_core";

const SQRT_HALF: f32 = 0.707106781186547524;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const TWO_M32: f32 = 2.3283064365386963e-10; // 2^-32
const TWO_M33: f32 = 1.1641532182693481e-10; // 2^-33
const PI_2M31: f32 = 1.4629180792671596e-9;  // pi * 2^-31

/** Natural log of lanes in [2^-33, 1] (positive normal floats); Cephes logf. ln(1) = 0 exactly. */
@inline function ln4(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  const m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const small = f32x4.lt(m, f32x4.splat(SQRT_HALF));
  e = i32x4.add(e, small); // lanes with m < sqrt(1/2): e - 1, and m -> 2m
  const f = f32x4.sub(f32x4.add(m, v128.and(m, small)), f32x4.splat(1));
  const z = f32x4.mul(f, f);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.1514610310e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.1676998740e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(3.3333331174e-1));
  const fe = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(f, y), f32x4.mul(fe, f32x4.splat(LN2_HI)));
}

/** Radius sqrt(-2 ln u) of the Box-Muller pair from a word. */
@inline function radius4(x: v128): v128 {
  const u = f32x4.add(f32x4.mul(f32x4.convert_i32x4_u(x), f32x4.splat(TWO_M32)), f32x4.splat(TWO_M33));
  // pmax(0, v) = 0 < v ? v : 0: max(v, 0) for every non-NaN v (+0 for v = -0) in one instruction
  return f32x4.sqrt(f32x4.pmax(f32x4.splat(0), f32x4.mul(ln4(u), f32x4.splat(-2))));
}

/**
 * Box-Muller of one (radius word, angle word) pair per lane: stores r cos phi at dst and
 * r sin phi at dst + 16.
 */
@inline function boxMuller4(xr: v128, xa: v128, dst: usize): void {
  const r = radius4(xr);
  const q = i32x4.shr_u(xa, 30);
  const g = i32x4.sub(v128.and(xa, i32x4.splat(0x3fffffff)), i32x4.splat(0x20000000));
  const th = f32x4.mul(f32x4.convert_i32x4_s(g), f32x4.splat(PI_2M31));
  const z = f32x4.mul(th, th);
  let ps = f32x4.splat(-1.9515295891e-4);
  ps = f32x4.add(f32x4.mul(ps, z), f32x4.splat(8.3321608736e-3));
  ps = f32x4.add(f32x4.mul(ps, z), f32x4.splat(-1.6666654611e-1));
  const s = f32x4.add(f32x4.mul(f32x4.mul(ps, z), th), th);
  let pc = f32x4.splat(2.443315711809948e-5);
  pc = f32x4.add(f32x4.mul(pc, z), f32x4.splat(-1.388731625493765e-3));
  pc = f32x4.add(f32x4.mul(pc, z), f32x4.splat(4.166664568298827e-2));
  const c = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(pc, z), z), f32x4.mul(z, f32x4.splat(0.5))), f32x4.splat(1));
  // rotate by q quarter turns: cos phi = (c, -s, -c, s)[q], sin phi = (s, c, -s, -c)[q]
  const swap = i32x4.eq(v128.and(q, i32x4.splat(1)), i32x4.splat(1));
  const a = v128.bitselect(s, c, swap);
  const b = v128.bitselect(c, s, swap);
  const signCos = i32x4.shl(v128.and(v128.xor(q, i32x4.shr_u(q, 1)), i32x4.splat(1)), 31);
  const signSin = i32x4.shl(i32x4.shr_u(q, 1), 31);
  v128.store(dst, f32x4.mul(r, v128.xor(a, signCos)));
  v128.store(dst, f32x4.mul(r, v128.xor(b, signSin)), 16);
}

const WORDS = memory.data(128, 16);
const NORMALS = memory.data(128, 16);
const GROUP = memory.data(64, 16);

/**
 * The 16 standard normals of four counters (lane l of c0..c3 is counter l), lane-major:
 * dst[4 l + w] = normal w of counter l, times `scale`; with `acc`, added to what dst holds.
 */
@inline export function normals4x4(c0: v128, c1: v128, c2: v128, c3: v128, k0: u32, k1: u32,
                                   scale: f32, dst: usize, acc: bool): void {
  philox4x4(c0, c1, c2, c3, k0, k1, WORDS);
  groupOut(WORDS, NORMALS, scale, dst, acc);
}

/**
 * The 16 normals of one philox4x4 output (its words at words): Box-Muller into src (word-major),
 * then to dst lane-major, times scale (+= with acc).
 */
@inline function groupOut(words: usize, src: usize, scale: f32, dst: usize, acc: bool): void {
  boxMuller4(v128.load(words), v128.load(words, 16), src);
  boxMuller4(v128.load(words, 32), v128.load(words, 48), src + 32);
  storeTransposed(GROUP, v128.load(src), v128.load(src, 16), v128.load(src, 32), v128.load(src, 48));
  const vs = f32x4.splat(scale);
  if (acc) {
    v128.store(dst, f32x4.add(v128.load(dst), f32x4.mul(vs, v128.load(GROUP))));
    v128.store(dst, f32x4.add(v128.load(dst, 16), f32x4.mul(vs, v128.load(GROUP, 16))), 16);
    v128.store(dst, f32x4.add(v128.load(dst, 32), f32x4.mul(vs, v128.load(GROUP, 32))), 32);
    v128.store(dst, f32x4.add(v128.load(dst, 48), f32x4.mul(vs, v128.load(GROUP, 48))), 48);
  } else {
    v128.store(dst, f32x4.mul(vs, v128.load(GROUP)));
    v128.store(dst, f32x4.mul(vs, v128.load(GROUP, 16)), 16);
    v128.store(dst, f32x4.mul(vs, v128.load(GROUP, 32)), 32);
    v128.store(dst, f32x4.mul(vs, v128.load(GROUP, 48)), 48);
  }
}

/** normals4x4 of counters c0 and c0 + 4 (32 normals: two consecutive groups at dst, dst + 64). */
@inline function normals8x4(c0: v128, c1: v128, c2: v128, c3: v128, k0: u32, k1: u32, scale: f32, dst: usize, acc: bool): void {
  philox4x4x2(c0, i32x4.add(c0, i32x4.splat(4)), c1, c2, c3, k0, k1, WORDS);
  groupOut(WORDS, NORMALS, scale, dst, acc);
  groupOut(WORDS + 64, NORMALS + 64, scale, dst + 64, acc);
}

const PARTIAL = memory.data(64, 16);

/**
 * out[i] (op)= scale * z(first + i) for i < n, z(e) the normal of element e at counter
 * (e >> 2, c1, c2, c3) under key (k0, k1); op is = or += (acc). Whole aligned groups of 16
 * elements go straight to `out`; partial groups are computed in full and copied, so every
 * element gets the same bits whatever `first` and `n` are.
 */
export function fillNormals(k0: u32, k1: u32, c1: u32, c2: u32, c3: u32, first: u32, n: i32,
                            scale: f32, out: usize, acc: bool): void {
  const v1 = i32x4.splat(c1), v2 = i32x4.splat(c2), v3 = i32x4.splat(c3);
  const lanes = i32x4(0, 1, 2, 3);
  let i = 0;
  while (i < n) {
    const e = first + <u32>i; // element index (mod 2^32)
    const off = <i32>(e & 15);
    const b0 = (e >> 2) & ~3; // first block of the 16-element group
    const c0 = i32x4.add(i32x4.splat(b0), lanes);
    if (off == 0 && n - i >= 32) {
      normals8x4(c0, v1, v2, v3, k0, k1, scale, out + (<usize>i << 2), acc);
      i += 32;
    } else if (off == 0 && n - i >= 16) {
      normals4x4(c0, v1, v2, v3, k0, k1, scale, out + (<usize>i << 2), acc);
      i += 16;
    } else {
      normals4x4(c0, v1, v2, v3, k0, k1, 1, PARTIAL, false);
      const m = min(16 - off, n - i);
      for (let j = 0; j < m; j++) {
        const z = scale * load<f32>(PARTIAL + (<usize>(off + j) << 2));
        const p = out + (<usize>(i + j) << 2);
        store<f32>(p, acc ? load<f32>(p) + z : z);
      }
      i += m;
    }
  }
}
