// Shared pieces of the convolution kernels (NCHW): bias + time-channel epilogue and reductions.
import { timeMapRow } from "./time_channel";
import { softplus_forward, softplus_forward_derivative, sigmoid_forward, tanh_forward, relu_forward } from "./activation";

/**
 * Activation codes of the fused epilogue (0: none). ACT_SOFTPLUS_DERIVATIVE: softplus, and z is
 * overwritten by softplus'(z) for a backward pass that needs only the derivative.
 */
export const ACT_NONE = 0, ACT_SOFTPLUS = 1, ACT_SIGMOID = 2, ACT_TANH = 3, ACT_RELU = 4, ACT_SOFTPLUS_DERIVATIVE = 5;

/** a[0..n) = act(z[0..n)): the same kernels as the separate activation layers (same bits). */
export function apply_activation(act: i32, z: usize, a: usize, n: i32): void {
  if (act == ACT_SOFTPLUS) softplus_forward(z, a, n);
  else if (act == ACT_SOFTPLUS_DERIVATIVE) softplus_forward_derivative(z, a, n);
  else if (act == ACT_SIGMOID) sigmoid_forward(z, a, n);
  else if (act == ACT_TANH) tanh_forward(z, a, n);
  else if (act == ACT_RELU) relu_forward(z, a, n);
}

/** y[c, oy, ox] += b[c] + t * tmap (nD distinct rows, see time_channel.ts) in place (b or tmap may be 0). */
export function add_bias_time(y: usize, b: usize, tmap: usize, nD: i32, t: f32, C: i32, Ho: i32, Wo: i32): void {
  compact_bias_time(y, Wo, Ho * Wo, y, b, tmap, nD, t, C, Ho, Wo);
}

/**
 * y[c, oy, ox] = src[c, oy Wp + ox] + b[c] + t * tmap[c, oy, ox] (src rows of stride Wp, `Nq`
 * floats per channel; tmap a time map with nD distinct rows, see time_channel.ts): compacts a
 * padded-width product; src may be y itself when Wp == Wo and Nq == Ho Wo.
 */
export function compact_bias_time(src: usize, Wp: i32, Nq: i32, y: usize, b: usize, tmap: usize, nD: i32,
                                  t: f32, C: i32, Ho: i32, Wo: i32): void {
  const tv = f32x4.splat(t);
  for (let c = 0; c < C; c++) {
    const bias = b ? load<f32>(b + (<usize>c << 2)) : <f32>0;
    const bv = f32x4.splat(bias);
    for (let oy = 0; oy < Ho; oy++) {
      const from = src + ((<usize>c * <usize>Nq + <usize>oy * <usize>Wp) << 2);
      const row = y + ((<usize>(c * Ho + oy) * <usize>Wo) << 2);
      const trow = tmap ? timeMapRow(tmap, nD, c, oy, C, Ho, Wo) : 0;
      let ox = 0;
      for (; ox + 4 <= Wo; ox += 4) {
        const o = <usize>ox << 2;
        let v = f32x4.add(v128.load(from + o), bv);
        if (tmap) v = f32x4.add(v, f32x4.mul(tv, v128.load(trow + o)));
        v128.store(row + o, v);
      }
      for (; ox < Wo; ox++) {
        const o = <usize>ox << 2;
        let v = load<f32>(from + o) + bias;
        if (tmap) v += t * load<f32>(trow + o);
        store<f32>(row + o, v);
      }
    }
  }
}

/** sum over (c, oy, ox) in index order of g[c, oy, ox] tmap[c, oy, ox] (nD distinct rows), in f64. */
export function dot_time_map(g: usize, tmap: usize, nD: i32, C: i32, Ho: i32, Wo: i32): f64 {
  let s: f64 = 0;
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < Ho; oy++) {
      const gr = g + ((<usize>(c * Ho + oy) * <usize>Wo) << 2);
      const tr = timeMapRow(tmap, nD, c, oy, C, Ho, Wo);
      for (let ox = 0; ox < Wo; ox++) s += <f64>load<f32>(gr + (<usize>ox << 2)) * <f64>load<f32>(tr + (<usize>ox << 2));
    }
  }
  return s;
}

/** sum[i] = sum_b x[b, i] over B blocks of n floats, b in order. */
export function sum_blocks(x: usize, B: i32, n: i32, sum: usize): void {
  memory.copy(sum, x, <usize>n << 2);
  for (let b = 1; b < B; b++) {
    const blk = x + ((<usize>b * <usize>n) << 2);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(sum + o, f32x4.add(v128.load(sum + o), v128.load(blk + o)));
    }
    for (; i < n; i++) store<f32>(sum + (<usize>i << 2), load<f32>(sum + (<usize>i << 2)) + load<f32>(blk + (<usize>i << 2)));
  }
}

/** out[r] += scale * sum_p x[r, p] (f64 accumulation in p order), r < R. */
export function add_row_sums(x: usize, R: i32, P: i32, scale: f32, out: usize): void {
  for (let r = 0; r < R; r++) {
    let s: f64 = 0;
    const row = x + ((<usize>r * <usize>P) << 2);
    for (let p = 0; p < P; p++) s += <f64>load<f32>(row + (<usize>p << 2));
    const o = out + (<usize>r << 2);
    store<f32>(o, load<f32>(o) + scale * <f32>s);
  }
}
