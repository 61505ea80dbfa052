// ConcatSquashLinear (SPEC section 2): y = (x W + b) * g + d t, g = sigmoid(a t + c).
// x: [rows x in], W: [in x out], b, a, c, d: [out], t scalar, y: [rows x out].
// Per-column quantities are computed once per block of 4 columns, then applied down the rows.
import { gemm } from "../linalg/gemm";
import { sigmoid_f32, sigmoid_v, dsigmoid_f32, dsigmoid_v } from "../math/sigmoid";
import { add_row_vector, P } from "./rows";

/**
 * z != 0 also stores the pre-gate activations z = x W + b there (needed by the backward pass);
 * z == 0 computes them in y.
 */
export function csl_forward(x: usize, W: usize, b: usize, a: usize, c: usize, d: usize, t: f32,
                            y: usize, z: usize, rows: i32, nin: i32, nout: i32): void {
  const zz = z ? z : y;
  gemm(0, 0, rows, nout, nin, 1, x, nin, W, nout, 0, zz, nout);
  add_row_vector(zz, b, rows, nout);
  const tv = f32x4.splat(t);
  let o = 0;
  for (; o + 4 <= nout; o += 4) {
    const g = sigmoid_v(f32x4.add(f32x4.mul(v128.load(P(a, o)), tv), v128.load(P(c, o))));
    const dt = f32x4.mul(v128.load(P(d, o)), tv);
    for (let r = 0; r < rows; r++) {
      const i = r * nout + o;
      v128.store(P(y, i), f32x4.add(f32x4.mul(v128.load(P(zz, i)), g), dt));
    }
  }
  for (; o < nout; o++) {
    const g = sigmoid_f32(load<f32>(P(a, o)) * t + load<f32>(P(c, o)));
    const dt = load<f32>(P(d, o)) * t;
    for (let r = 0; r < rows; r++) {
      const i = r * nout + o;
      store<f32>(P(y, i), load<f32>(P(zz, i)) * g + dt);
    }
  }
}

/**
 * VJP. z: the pre-gate activations stored by csl_forward. scratch: [rows x out] for
 * dz = dy * g; it may alias z or dy (each column block is read before it is written).
 * With S[o] = sum_r dy, G[o] = sum_r dy z (row order) and q = G sigmoid'(a t + c):
 *   dW (+)= x^T dz, db (+)= g S, da (+)= q t, dc (+)= q, dd (+)= t S, dx = dz W^T,
 *   returns dL/dt = sum_o (q a + d S)  (f32x4 lanes over column blocks, then the tail).
 * accumulate != 0 adds into the parameter gradients; dx is overwritten; dx == 0 skips it.
 */
export function csl_backward(x: usize, W: usize, a: usize, c: usize, d: usize, t: f32, z: usize,
                             dy: usize, dx: usize, dW: usize, db: usize, da: usize, dc: usize, dd: usize,
                             scratch: usize, rows: i32, nin: i32, nout: i32, accumulate: i32): f32 {
  const tv = f32x4.splat(t);
  let dtv = f32x4.splat(0);
  let o = 0;
  for (; o + 4 <= nout; o += 4) {
    const av = v128.load(P(a, o)), dv = v128.load(P(d, o));
    const pre = f32x4.add(f32x4.mul(av, tv), v128.load(P(c, o)));
    const g = sigmoid_v(pre);
    let S = f32x4.splat(0), G = f32x4.splat(0);
    for (let r = 0; r < rows; r++) {
      const i = r * nout + o;
      const gy = v128.load(P(dy, i));
      S = f32x4.add(S, gy);
      G = f32x4.add(G, f32x4.mul(gy, v128.load(P(z, i))));
    }
    for (let r = 0; r < rows; r++) {
      const i = r * nout + o;
      v128.store(P(scratch, i), f32x4.mul(v128.load(P(dy, i)), g));
    }
    const q = f32x4.mul(G, dsigmoid_v(pre));
    v128.store(P(db, o), acc(accumulate, P(db, o), f32x4.mul(g, S)));
    v128.store(P(da, o), acc(accumulate, P(da, o), f32x4.mul(q, tv)));
    v128.store(P(dc, o), acc(accumulate, P(dc, o), q));
    v128.store(P(dd, o), acc(accumulate, P(dd, o), f32x4.mul(tv, S)));
    dtv = f32x4.add(dtv, f32x4.add(f32x4.mul(q, av), f32x4.mul(dv, S)));
  }
  let dt = (f32x4.extract_lane(dtv, 0) + f32x4.extract_lane(dtv, 1)) +
           (f32x4.extract_lane(dtv, 2) + f32x4.extract_lane(dtv, 3));
  for (; o < nout; o++) {
    const as = load<f32>(P(a, o)), ds = load<f32>(P(d, o));
    const pre = as * t + load<f32>(P(c, o));
    const g = sigmoid_f32(pre);
    let S: f32 = 0, G: f32 = 0;
    for (let r = 0; r < rows; r++) {
      const i = r * nout + o;
      const gy = load<f32>(P(dy, i));
      S += gy;
      G += gy * load<f32>(P(z, i));
    }
    for (let r = 0; r < rows; r++) {
      const i = r * nout + o;
      store<f32>(P(scratch, i), load<f32>(P(dy, i)) * g);
    }
    const q = G * dsigmoid_f32(pre);
    store<f32>(P(db, o), acc1(accumulate, P(db, o), g * S));
    store<f32>(P(da, o), acc1(accumulate, P(da, o), q * t));
    store<f32>(P(dc, o), acc1(accumulate, P(dc, o), q));
    store<f32>(P(dd, o), acc1(accumulate, P(dd, o), t * S));
    dt += q * as + ds * S;
  }
  gemm(1, 0, nin, nout, rows, 1, x, nin, scratch, nout, accumulate ? 1 : 0, dW, nout);
  if (dx) gemm(0, 1, rows, nin, nout, 1, scratch, nout, W, nout, 0, dx, nin);
  return dt;
}

// @ts-ignore: decorator
@inline function acc(accumulate: i32, p: usize, v: v128): v128 {
  return accumulate ? f32x4.add(v128.load(p), v) : v;
}

// @ts-ignore: decorator
@inline function acc1(accumulate: i32, p: usize, v: f32): f32 {
  return accumulate ? load<f32>(p) + v : v;
}
