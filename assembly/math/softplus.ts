// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): never overflows, keeps full
// relative accuracy for very negative x (where it equals e^x). softplus' = sigmoid.
// Scalar and f32x4 twins return the same bits.
import { exp_f32, exp_v } from "./exp";
import { log1p_f32, log1p_v } from "./log";

// @ts-ignore: decorator
@inline export function softplus_f32(x: f32): f32 {
  return max<f32>(x, 0) + log1p_f32(exp_f32(-abs<f32>(x)));
}

// @ts-ignore: decorator
@inline export function softplus_v(x: v128): v128 {
  return f32x4.add(f32x4.max(x, f32x4.splat(0)), log1p_v(exp_v(f32x4.neg(f32x4.abs(x)))));
}
