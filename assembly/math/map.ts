// Elementwise evaluation of the math library over a buffer, for tests and benchmarks:
// y[i] = f(x[i]) with f chosen by `fn` (MATH_* below). `scalar` != 0 forces the scalar twin for
// every element; otherwise f32x4 runs over blocks of 4 and the scalar twin over the tail.
import { exp_f32, exp_v } from "./exp";
import { log_f32, log_v, log1p_f32, log1p_v } from "./log";
import { sigmoid_f32, sigmoid_v, dsigmoid_f32, dsigmoid_v } from "./sigmoid";
import { tanh_f32, tanh_v, dtanh_f32, dtanh_v } from "./tanh";
import { softplus_f32, softplus_v } from "./softplus";

const MATH_EXP: i32 = 0;
const MATH_LOG: i32 = 1;
const MATH_LOG1P: i32 = 2;
const MATH_SIGMOID: i32 = 3;
const MATH_TANH: i32 = 4;
const MATH_SOFTPLUS: i32 = 5;
const MATH_DSIGMOID: i32 = 6;
const MATH_DTANH: i32 = 7;

// @ts-ignore: decorator
@inline function f1(fn: i32, x: f32): f32 {
  switch (fn) {
    case MATH_EXP: return exp_f32(x);
    case MATH_LOG: return log_f32(x);
    case MATH_LOG1P: return log1p_f32(x);
    case MATH_SIGMOID: return sigmoid_f32(x);
    case MATH_TANH: return tanh_f32(x);
    case MATH_SOFTPLUS: return softplus_f32(x);
    case MATH_DSIGMOID: return dsigmoid_f32(x);
    case MATH_DTANH: return dtanh_f32(x);
    default: return NaN;
  }
}

// @ts-ignore: decorator
@inline function f4(fn: i32, x: v128): v128 {
  switch (fn) {
    case MATH_EXP: return exp_v(x);
    case MATH_LOG: return log_v(x);
    case MATH_LOG1P: return log1p_v(x);
    case MATH_SIGMOID: return sigmoid_v(x);
    case MATH_TANH: return tanh_v(x);
    case MATH_SOFTPLUS: return softplus_v(x);
    case MATH_DSIGMOID: return dsigmoid_v(x);
    case MATH_DTANH: return dtanh_v(x);
    default: return f32x4.splat(NaN);
  }
}

export function math_map(fn: i32, x: usize, y: usize, n: i32, scalar: i32): void {
  let i = 0;
  if (!scalar) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f4(fn, v128.load(x + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, f1(fn, load<f32>(x + o)));
  }
}
