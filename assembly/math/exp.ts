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
  const ki = <i32>select<f32>(k, 0, k == k); // NaN -> 0, as i32x4.trunc_sat does
  const k1 = ki >> 1;
  const k2 = ki - k1;
  return (e * reinterpret<f32>((k1 + 127) << 23)) * reinterpret<f32>((k2 + 127) << 23);
}

// @ts-ignore: decorator
@inline export function exp_v(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(X_MIN)), f32x4.splat(X_MAX));
  const k = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const e = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  const ki = i32x4.trunc_sat_f32x4_s(k); // NaN lanes -> 0, as in the scalar twin
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  const bias = i32x4.splat(127);
  return f32x4.mul(f32x4.mul(e, i32x4.shl(i32x4.add(k1, bias), 23)), i32x4.shl(i32x4.add(k2, bias), 23));
}
