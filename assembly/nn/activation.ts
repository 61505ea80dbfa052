// Elementwise activations over n = rows * units values, forward y = f(x) and backward (VJP)
// dx = dy * f'(x). Backward takes the forward INPUT x (the solver recomputes in-step activations,
// so x is what it holds). Outputs may alias inputs (each element is loaded before it is stored).
// f32x4 over blocks of 4, the bit-identical scalar twin over the tail.
import { sigmoid_f32, sigmoid_v, sigmoid_from_e_v, dsigmoid_f32, dsigmoid_v } from "../math/sigmoid";
import { tanh_f32, tanh_v, dtanh_f32, dtanh_v } from "../math/tanh";
import { softplus_f32, softplus_v, softplus_from_t_v } from "../math/softplus";
import { exp_v, neg_abs_v } from "../math/exp";

// @ts-ignore: decorator
@inline function P(base: usize, i: i32): usize { return base + (<usize>i << 2); }

// The op codes of the shared loops below; each exported kernel passes a literal, so after
// inlining the optimiser keeps only that op's branch (one branch-free loop per kernel).
const SOFTPLUS = 0, SIGMOID = 1, TANH = 2;

// @ts-ignore: decorator
@inline function fv(op: i32, x: v128): v128 { return op == SOFTPLUS ? softplus_v(x) : op == SIGMOID ? sigmoid_v(x) : tanh_v(x); }
// @ts-ignore: decorator
@inline function fs(op: i32, x: f32): f32 { return op == SOFTPLUS ? softplus_f32(x) : op == SIGMOID ? sigmoid_f32(x) : tanh_f32(x); }
/** f'(x): softplus' = sigmoid. */
// @ts-ignore: decorator
@inline function dv(op: i32, x: v128): v128 { return op == SOFTPLUS ? sigmoid_v(x) : op == SIGMOID ? dsigmoid_v(x) : dtanh_v(x); }
// @ts-ignore: decorator
@inline function ds(op: i32, x: f32): f32 { return op == SOFTPLUS ? sigmoid_f32(x) : op == SIGMOID ? dsigmoid_f32(x) : dtanh_f32(x); }

/** y = f(x): eight independent vectors per iteration (the polynomial chains are latency-bound). */
// @ts-ignore: decorator
@inline function forwardLoop(op: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    const a = fv(op, v128.load(P(x, i))), b = fv(op, v128.load(P(x, i + 4)));
    const c = fv(op, v128.load(P(x, i + 8))), d = fv(op, v128.load(P(x, i + 12)));
    const e = fv(op, v128.load(P(x, i + 16))), f = fv(op, v128.load(P(x, i + 20)));
    const g = fv(op, v128.load(P(x, i + 24))), h = fv(op, v128.load(P(x, i + 28)));
    v128.store(P(y, i), a); v128.store(P(y, i + 4), b); v128.store(P(y, i + 8), c); v128.store(P(y, i + 12), d);
    v128.store(P(y, i + 16), e); v128.store(P(y, i + 20), f); v128.store(P(y, i + 24), g); v128.store(P(y, i + 28), h);
  }
  for (; i + 4 <= n; i += 4) v128.store(P(y, i), fv(op, v128.load(P(x, i))));
  for (; i < n; i++) store<f32>(P(y, i), fs(op, load<f32>(P(x, i))));
}

/** dx = dy f'(x), eight vectors per iteration. */
// @ts-ignore: decorator
@inline function backwardLoop(op: i32, x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    const a = f32x4.mul(v128.load(P(dy, i)), dv(op, v128.load(P(x, i))));
    const b = f32x4.mul(v128.load(P(dy, i + 4)), dv(op, v128.load(P(x, i + 4))));
    const c = f32x4.mul(v128.load(P(dy, i + 8)), dv(op, v128.load(P(x, i + 8))));
    const d = f32x4.mul(v128.load(P(dy, i + 12)), dv(op, v128.load(P(x, i + 12))));
    const e = f32x4.mul(v128.load(P(dy, i + 16)), dv(op, v128.load(P(x, i + 16))));
    const f = f32x4.mul(v128.load(P(dy, i + 20)), dv(op, v128.load(P(x, i + 20))));
    const g = f32x4.mul(v128.load(P(dy, i + 24)), dv(op, v128.load(P(x, i + 24))));
    const h = f32x4.mul(v128.load(P(dy, i + 28)), dv(op, v128.load(P(x, i + 28))));
    v128.store(P(dx, i), a); v128.store(P(dx, i + 4), b); v128.store(P(dx, i + 8), c); v128.store(P(dx, i + 12), d);
    v128.store(P(dx, i + 16), e); v128.store(P(dx, i + 20), f); v128.store(P(dx, i + 24), g); v128.store(P(dx, i + 28), h);
  }
  for (; i + 4 <= n; i += 4) v128.store(P(dx, i), f32x4.mul(v128.load(P(dy, i)), dv(op, v128.load(P(x, i)))));
  for (; i < n; i++) store<f32>(P(dx, i), load<f32>(P(dy, i)) * ds(op, load<f32>(P(x, i))));
}

export function softplus_forward(x: usize, y: usize, n: i32): void { forwardLoop(SOFTPLUS, x, y, n); }
export function softplus_backward(x: usize, dy: usize, dx: usize, n: i32): void { backwardLoop(SOFTPLUS, x, dy, dx, n); }
export function sigmoid_forward(x: usize, y: usize, n: i32): void { forwardLoop(SIGMOID, x, y, n); }
export function sigmoid_backward(x: usize, dy: usize, dx: usize, n: i32): void { backwardLoop(SIGMOID, x, dy, dx, n); }
export function tanh_forward(x: usize, y: usize, n: i32): void { forwardLoop(TANH, x, y, n); }
export function tanh_backward(x: usize, dy: usize, dx: usize, n: i32): void { backwardLoop(TANH, x, dy, dx, n); }

/**
 * y = softplus(x) and, in place of x, softplus'(x) = sigmoid(x), from one exponential: the forward
 * of a pass whose backward then needs only derivative_backward (the same bits as softplus_forward
 * followed by softplus_backward).
 */
export function softplus_forward_derivative(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) { // four vectors per iteration (eight measured slower here: register pressure)
    const x0 = v128.load(P(x, i)), x1 = v128.load(P(x, i + 4)), x2 = v128.load(P(x, i + 8)), x3 = v128.load(P(x, i + 12));
    const t0 = exp_v(neg_abs_v(x0)), t1 = exp_v(neg_abs_v(x1)), t2 = exp_v(neg_abs_v(x2)), t3 = exp_v(neg_abs_v(x3));
    v128.store(P(y, i), softplus_from_t_v(x0, t0)); v128.store(P(y, i + 4), softplus_from_t_v(x1, t1));
    v128.store(P(y, i + 8), softplus_from_t_v(x2, t2)); v128.store(P(y, i + 12), softplus_from_t_v(x3, t3));
    v128.store(P(x, i), sigmoid_from_e_v(x0, t0)); v128.store(P(x, i + 4), sigmoid_from_e_v(x1, t1));
    v128.store(P(x, i + 8), sigmoid_from_e_v(x2, t2)); v128.store(P(x, i + 12), sigmoid_from_e_v(x3, t3));
  }
  for (; i + 4 <= n; i += 4) {
    const xv = v128.load(P(x, i)), t = exp_v(neg_abs_v(xv));
    v128.store(P(y, i), softplus_from_t_v(xv, t));
    v128.store(P(x, i), sigmoid_from_e_v(xv, t));
  }
  for (; i < n; i++) {
    const xs = load<f32>(P(x, i));
    store<f32>(P(y, i), softplus_f32(xs));
    store<f32>(P(x, i), sigmoid_f32(xs));
  }
}

/** dx = dy * d, d an activation's derivative kept by its forward (softplus_forward_derivative). */
export function derivative_backward(d: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(P(dx, i), f32x4.mul(v128.load(P(dy, i)), v128.load(P(d, i))));
  for (; i < n; i++) store<f32>(P(dx, i), load<f32>(P(dy, i)) * load<f32>(P(d, i)));
}

export function relu_forward(x: usize, y: usize, n: i32): void {
  let i = 0;
  const zero = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) v128.store(P(y, i), f32x4.max(v128.load(P(x, i)), zero));
  for (; i < n; i++) store<f32>(P(y, i), max<f32>(load<f32>(P(x, i)), 0));
}

/** relu'(x) = 1 for x > 0, else 0 (0 at x = 0) */
export function relu_backward(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  const zero = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) {
    const pos = f32x4.gt(v128.load(P(x, i)), zero);
    v128.store(P(dx, i), v128.and(v128.load(P(dy, i)), pos));
  }
  for (; i < n; i++) store<f32>(P(dx, i), select<f32>(load<f32>(P(dy, i)), 0, load<f32>(P(x, i)) > 0));
}

// swish with a trainable slope per unit: y[r,u] = x * sigmoid(beta[u] x), x: [rows x units].
export function swish_forward(x: usize, beta: usize, y: usize, rows: i32, units: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = P(x, r * units), yr = P(y, r * units);
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const xv = v128.load(P(xr, u));
      v128.store(P(yr, u), f32x4.mul(xv, sigmoid_v(f32x4.mul(v128.load(P(beta, u)), xv))));
    }
    for (; u < units; u++) {
      const xs = load<f32>(P(xr, u));
      store<f32>(P(yr, u), xs * sigmoid_f32(load<f32>(P(beta, u)) * xs));
    }
  }
}

// dx = dy (s + beta x s'), dbeta[u] (+)= sum_r dy x^2 s', with s = sigmoid(beta x),
// s' = sigmoid'(beta x). dbeta is summed over rows in order r = 0, 1, ... (fixed); with
// accumulate == 0 it is overwritten, otherwise added to. dx == 0 skips the input gradient.
export function swish_backward(x: usize, beta: usize, dy: usize, dx: usize, dbeta: usize,
                               rows: i32, units: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(dbeta, 0, <usize>units << 2);
  for (let r = 0; r < rows; r++) {
    const off = r * units;
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const xv = v128.load(P(x, off + u)), gv = v128.load(P(dy, off + u)), bv = v128.load(P(beta, u));
      const z = f32x4.mul(bv, xv);
      // sigmoid_v(z) and dsigmoid_v(z) sharing one exponential (the same operations, same bits)
      const e = exp_v(neg_abs_v(z));
      const d = f32x4.add(f32x4.splat(1), e);
      const s = v128.bitselect(f32x4.div(f32x4.splat(1), d), f32x4.div(e, d), f32x4.ge(z, f32x4.splat(0)));
      const ds = f32x4.div(e, f32x4.mul(d, d));
      const gx = f32x4.mul(gv, xv);
      v128.store(P(dbeta, u), f32x4.add(v128.load(P(dbeta, u)), f32x4.mul(f32x4.mul(gx, xv), ds)));
      if (dx) v128.store(P(dx, off + u), f32x4.mul(gv, f32x4.add(s, f32x4.mul(f32x4.mul(bv, xv), ds))));
    }
    for (; u < units; u++) {
      const xs = load<f32>(P(x, off + u)), g = load<f32>(P(dy, off + u)), b = load<f32>(P(beta, u));
      const z = b * xs;
      const s = sigmoid_f32(z), ds = dsigmoid_f32(z);
      const gx = g * xs;
      store<f32>(P(dbeta, u), load<f32>(P(dbeta, u)) + (gx * xs) * ds);
      if (dx) store<f32>(P(dx, off + u), g * (s + (b * xs) * ds));
    }
  }
}
