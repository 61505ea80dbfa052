// exp(x) in f32, a scalar and an f32x4 twin that return the same bits (same IEEE operations in
// the same order; wasm never fuses a multiply-add). Cody-Waite reduction x = k ln2 + r with
// |r| <= ln2/2 (ln2 split so k * LN2_HI is exact), Cephes expf minimax polynomial for e^r, then
// scaling by 2^k in two exact halves so that results underflow gradually and overflow to +inf.
// Measured max error (test/kernels/math.test.ts): 1 ulp on normal results.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const X_MAX: f32 = 89.0;   // e^89 > f32 max: the two scalings give +inf
const X_MIN: f32 = -104.0; // e^-104 < half the smallest subnormal: gives +0
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const ROUND: f32 = 12582912.0; // 1.5 * 2^23: y + ROUND - ROUND rounds |y| < 2^22 to nearest-even

// @ts-ignore: decorator
@inline export function exp_f32(x: f32): f32 {
  const xc = min<f32>(max<f32>(x, X_MIN), X_MAX);
  const k = nearest<f32>(xc * LOG2E);
  const r = (xc - k * LN2_HI) - k * LN2_LO;
  const r2 = r * r;
  let p = P0 * r + P1;
  p = p * r + P2;
  p = p * r + P3;
  p = p * r + P4;
  p = p * r + P5;
  const e = (p * r2 + r) + <f32>1;
  const ki = <i32>select<f32>(k, 0, k == k); // a NaN x gives NaN either way; 0 avoids a trap
  const k1 = ki >> 1;
  const k2 = ki - k1;
  return (e * reinterpret<f32>((k1 + 127) << 23)) * reinterpret<f32>((k2 + 127) << 23);
}

// @ts-ignore: decorator
@inline export function exp_v(x: v128): v128 {
  // pmax/pmin (one instruction each) instead of max/min: the same clamp for every non-NaN x, and
  // a NaN x stays NaN because it is the first operand of both comparisons
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(X_MIN)), f32x4.splat(X_MAX));
  // k = nearest(xc log2 e) by the round-to-nearest-even of the addition; the integer k sits in the
  // low mantissa bits of s, so no float -> int conversion is needed (same k as the scalar twin)
  const s = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(ROUND));
  const k = f32x4.sub(s, f32x4.splat(ROUND));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const e = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  const ki = i32x4.sub(s, f32x4.splat(ROUND));
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  const bias = i32x4.splat(127);
  return f32x4.mul(f32x4.mul(e, i32x4.shl(i32x4.add(k1, bias), 23)), i32x4.shl(i32x4.add(k2, bias), 23));
}

/** -|x| lane-wise: the sign bit set (the same bits as neg(abs(x)) in one instruction). */
// @ts-ignore: decorator
@inline export function neg_abs_v(x: v128): v128 {
  return v128.or(x, i32x4.splat(0x80000000));
}
