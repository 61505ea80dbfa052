// sigmoid(x) = 1 / (1 + e^-x) and its derivative sigmoid(x) sigmoid(-x), both from
// e = exp(-|x|) <= 1 so nothing overflows: sigmoid = 1/(1+e) for x >= 0, e/(1+e) for x < 0;
// sigmoid' = e / (1+e)^2 (no cancellation, unlike s(1-s) near s = 1).
// Scalar and f32x4 twins return the same bits.
import { exp_f32, exp_v, neg_abs_v } from "./exp";

// @ts-ignore: decorator
@inline export function sigmoid_f32(x: f32): f32 {
  const e = exp_f32(-abs<f32>(x));
  const d = <f32>1 + e;
  return select<f32>(<f32>1 / d, e / d, x >= 0);
}

// @ts-ignore: decorator
@inline export function sigmoid_v(x: v128): v128 {
  return sigmoid_from_e_v(x, exp_v(neg_abs_v(x)));
}

/** sigmoid_v given e = exp(-|x|) (shared with a softplus of the same x: the same bits). */
// @ts-ignore: decorator
@inline export function sigmoid_from_e_v(x: v128, e: v128): v128 {
  const d = f32x4.add(f32x4.splat(1), e);
  return v128.bitselect(f32x4.div(f32x4.splat(1), d), f32x4.div(e, d), f32x4.ge(x, f32x4.splat(0)));
}

/** d sigmoid / dx at x. */
// @ts-ignore: decorator
@inline export function dsigmoid_f32(x: f32): f32 {
  const e = exp_f32(-abs<f32>(x));
  const d = <f32>1 + e;
  return e / (d * d);
}

// @ts-ignore: decorator
@inline export function dsigmoid_v(x: v128): v128 {
  const e = exp_v(neg_abs_v(x));
  const d = f32x4.add(f32x4.splat(1), e);
  return f32x4.div(e, f32x4.mul(d, d));
}
