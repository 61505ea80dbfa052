// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(t), t = e^{-|x|} in (0, 1]: never overflows,
// keeps full relative accuracy for very negative x (where it equals e^x). softplus' = sigmoid.
// log1p(t) on (0, 1] without a general log: log1p(t) = 2 atanh(s), s = t / (2 + t) in (0, 1/3],
// with 2s formed as (t + t) / (2 + t) so that it is exactly t when t is tiny (subnormal results),
//   2 atanh(s) = 2s (1 + z/3 + z^2/5 + ... + z^6/13) + O(s^15 / 15),  z = s^2 <= 1/9,
// whose truncation is below 1.5e-8 relative (a quarter ulp). Scalar and f32x4 twins run the same
// IEEE operations in the same order, so they return the same bits.
import { exp_f32, exp_v, neg_abs_v } from "./exp";

const A1: f32 = 1.0 / 3.0, A2: f32 = 1.0 / 5.0, A3: f32 = 1.0 / 7.0, A4: f32 = 1.0 / 9.0;
const A5: f32 = 1.0 / 11.0, A6: f32 = 1.0 / 13.0;

// @ts-ignore: decorator
@inline export function softplus_f32(x: f32): f32 {
  const t = exp_f32(-abs<f32>(x));
  const s2 = (t + t) / (<f32>2 + t);
  const z = (s2 * s2) * <f32>0.25;
  let q = A6 * z + A5;
  q = q * z + A4;
  q = q * z + A3;
  q = q * z + A2;
  q = q * z + A1;
  return max<f32>(x, 0) + (s2 + s2 * (q * z));
}

// @ts-ignore: decorator
@inline export function softplus_v(x: v128): v128 {
  return softplus_from_t_v(x, exp_v(neg_abs_v(x)));
}

/** softplus_v given t = exp(-|x|) (shared with a sigmoid of the same x: the same bits). */
// @ts-ignore: decorator
@inline export function softplus_from_t_v(x: v128, t: v128): v128 {
  const s2 = f32x4.div(f32x4.add(t, t), f32x4.add(f32x4.splat(2), t));
  const z = f32x4.mul(f32x4.mul(s2, s2), f32x4.splat(0.25));
  let q = f32x4.add(f32x4.mul(f32x4.splat(A6), z), f32x4.splat(A5));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(A4));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(A3));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(A2));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(A1));
  return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), f32x4.add(s2, f32x4.mul(s2, f32x4.mul(q, z))));
}
