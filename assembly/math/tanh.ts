// tanh(x): |x| < 0.625 Cephes tanhf odd polynomial; otherwise sign(x) (1 - 2 / (e^{2|x|} + 1)),
// which saturates to +-1 (e^{2|x|} = +inf gives exactly 1) and never produces NaN from a finite x.
// tanh'(x) = 1 - tanh^2 = 4 sigmoid(2x) sigmoid(-2x), evaluated without cancellation.
// Scalar and f32x4 twins return the same bits.
import { exp_f32, exp_v } from "./exp";
import { dsigmoid_f32, dsigmoid_v } from "./sigmoid";

const SMALL: f32 = 0.625;
const T0: f32 = -5.70498872745e-3;
const T1: f32 = 2.06390887954e-2;
const T2: f32 = -5.37397155531e-2;
const T3: f32 = 1.33314422036e-1;
const T4: f32 = -3.33332819422e-1;

// @ts-ignore: decorator
@inline export function tanh_f32(x: f32): f32 {
  const ax = abs<f32>(x);
  const z = x * x;
  let p = T0 * z + T1;
  p = p * z + T2;
  p = p * z + T3;
  p = p * z + T4;
  const small = (p * z) * x + x;
  const e = exp_f32(ax + ax);
  const big = copysign<f32>(<f32>1 - <f32>2 / (e + <f32>1), x);
  return select<f32>(small, big, ax < SMALL);
}

// @ts-ignore: decorator
@inline export function tanh_v(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T0), z), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp_v(f32x4.add(ax, ax));
  const one = f32x4.splat(1);
  const t = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  const sign = i32x4.splat(0x80000000);
  const big = v128.or(v128.andnot(t, sign), v128.and(x, sign)); // copysign
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(SMALL)));
}

/** d tanh / dx at x. */
// @ts-ignore: decorator
@inline export function dtanh_f32(x: f32): f32 {
  return <f32>4 * dsigmoid_f32(x + x);
}

// @ts-ignore: decorator
@inline export function dtanh_v(x: v128): v128 {
  return f32x4.mul(f32x4.splat(4), dsigmoid_v(f32x4.add(x, x)));
}
