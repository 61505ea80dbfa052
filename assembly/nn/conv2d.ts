// ConcatConv2D (SPEC section 2) in NCHW: y = conv(x with an extra constant channel t) + bias.
// Weights W [Cout, T + Cin, k, k] with T = 1 (time channel, FIRST input slice, as in the
// reference ConcatConv2d) or 0; bias [Cout]. The t channel is never materialised: its
// contribution is t * tmap, tmap the border-aware sum of W_t (time_channel.ts; gradients:
// dW_t from the batch-summed dL/dy, dt = <sum_b dy, tmap>). Per image: im2col + GEMM.
// Scratch (floats): forward conv2d_forward_scratch(...) (stride 1: no im2col, see forwardImplicit);
// backward conv2d_backward_scratch(...)
import { gemm, gemm_rows } from "../linalg/gemm";
import { vec_axpy } from "../linalg/reduce";
import { im2col, col2im } from "./im2col";
import { conv_time_map, conv_time_grad } from "./time_channel";
import { add_bias_time, compact_bias_time, apply_activation, sum_blocks, add_row_sums, dot_f64 } from "./conv_common";

@inline function F(n: i32): usize { return <usize>n << 2; }

export function conv2d_forward(x: usize, W: usize, b: usize, y: usize, B: i32, Cin: i32, H: i32, Wd: i32,
                               Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, t: f32, T: i32,
                               scratch: usize): void {
  conv2d_forward_act(x, W, b, y, 0, B, Cin, H, Wd, Cout, k, s, pad, Ho, Wo, t, T, scratch, 0);
}

/**
 * Fused conv + bias + time + activation: z = conv(x) + b + t tmap (pre-activation) and
 * a = act(z), image by image while z is in cache. act 0 writes only z (a unused).
 */
export function conv2d_forward_act(x: usize, W: usize, b: usize, z: usize, a: usize, B: i32, Cin: i32, H: i32,
                                   Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, t: f32,
                                   T: i32, scratch: usize, act: i32): void {
  const K2 = k * k, HWo = Ho * Wo, rowLen = (T + Cin) * K2;
  const col = scratch;
  let tmap: usize = 0;
  if (T) {
    tmap = col + F(forwardWork(Cin, H, Wd, Cout, k, s, pad, Ho, Wo));
    conv_time_map(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap, tmap + F(Cout * HWo));
  }
  const Wm = W + F(T * K2);
  if (s == 1) {
    forwardImplicit(x, Wm, rowLen, b, z, a, B, Cin, H, Wd, Cout, k, pad, Ho, Wo, t, tmap, scratch, act);
    return;
  }
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * H * Wd), yb = z + F(n * Cout * HWo);
    im2col(xb, Cin, H, Wd, k, k, s, pad, Ho, Wo, col);
    gemm(0, 0, Cout, HWo, Cin * K2, 1, Wm, rowLen, col, HWo, 0, yb, HWo);
    add_bias_time(yb, b, tmap, t, Cout, HWo);
    if (act) apply_activation(act, yb, a + F(n * Cout * HWo), Cout * HWo);
  }
}

/** Scratch floats conv2d_forward(_act) needs: the im2col or stride-1 working set, then [T] (Cout HWo + k). */
export function conv2d_forward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  return forwardWork(Cin, H, Wd, Cout, k, s, pad, Ho, Wo) + T * (Cout * Ho * Wo + k);
}

/** The forward's working set ahead of the time map: im2col's columns, or the stride-1 set. */
function forwardWork(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32): i32 {
  return s == 1 ? implicitFloats(Cin, H, Wd, k, pad, Cout, Ho, Wo) : Cin * k * k * Ho * Wo;
}

/**
 * Scratch floats of the stride-1 forward: the zero-padded image (Cin x Hp x Wp, Hp = H + 2 pad,
 * Wp = W + 2 pad), the row table (Cin k^2 addresses) and the product in padded width
 * (Cout x ((Ho - 1) Wp + Wo)).
 */
function implicitFloats(Cin: i32, H: i32, Wd: i32, k: i32, pad: i32, Cout: i32, Ho: i32, Wo: i32): i32 {
  const Wp = Wd + 2 * pad;
  return Cin * (H + 2 * pad) * Wp + Cin * k * k + Cout * ((Ho - 1) * Wp + Wo);
}

/**
 * Stride 1 without im2col: in the padded image, the im2col row of (c, ky, kx) read at output
 * position q = oy Wp + ox is the contiguous window starting at c Hp Wp + ky Wp + kx, so GEMM packs
 * B straight from the image through a row table (gemm_rows). Columns ox >= Wo of the padded-width
 * product are never used; the epilogue compacts the rest with bias and time channel. Every output
 * element sums the same products in the same order as im2col + gemm: the same bits.
 */
function forwardImplicit(x: usize, Wm: usize, rowLen: i32, b: usize, y: usize, a: usize, B: i32, Cin: i32, H: i32,
                         Wd: i32, Cout: i32, k: i32, pad: i32, Ho: i32, Wo: i32, t: f32, tmap: usize,
                         scratch: usize, act: i32): void {
  const Hp = H + 2 * pad, Wp = Wd + 2 * pad, plane = Hp * Wp, K2 = k * k, HWo = Ho * Wo;
  const Nq = (Ho - 1) * Wp + Wo;
  const xpad = scratch, rows = xpad + F(Cin * plane), ypad = rows + F(Cin * K2);
  paddedRows(xpad, rows, Cin, k, plane, Wp);
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * H * Wd), yb = y + F(n * Cout * HWo);
    intoPadded(xpad, xb, Cin, H, Wd, pad);
    gemm_rows(0, Cout, Nq, Cin * K2, 1, Wm, rowLen, rows, 0, ypad, Nq);
    compact_bias_time(ypad, Wp, Nq, yb, b, tmap, t, Cout, Ho, Wo);
    if (act) apply_activation(act, yb, a + F(n * Cout * HWo), Cout * HWo);
  }
}

/**
 * VJP. dW and db are ACCUMULATED (+=); dx (0: skipped) is overwritten; returns dL/dt.
 * Scratch: conv2d_backward_scratch(...) floats.
 */
export function conv2d_backward(x: usize, W: usize, dy: usize, dx: usize, dW: usize, db: usize, B: i32,
                                Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32,
                                t: f32, T: i32, scratch: usize): f32 {
  const K2 = k * k, HWo = Ho * Wo, rowLen = (T + Cin) * K2;
  const dySum = scratch, work = dySum + F(Cout * HWo + T * (Cout * HWo + k));
  sum_blocks(dy, B, Cout * HWo, dySum);
  if (db) add_row_sums(dySum, Cout, HWo, 1, db);
  let dt: f64 = 0;
  if (T) {
    const tmap = dySum + F(Cout * HWo);
    conv_time_map(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap, tmap + F(Cout * HWo));
    dt = dot_f64(dySum, tmap, Cout * HWo);
    conv_time_grad(dySum, Cout, H, Wd, k, s, pad, Ho, Wo, t, dW, rowLen);
  }
  const Wm = W + F(T * K2), dWm = dW + F(T * K2);
  if (s == 1) {
    backwardImplicit(x, Wm, rowLen, dy, dx, dWm, B, Cin, H, Wd, Cout, k, pad, Ho, Wo, work);
    return <f32>dt;
  }
  const col = work, dcol = col + F(Cin * K2 * HWo);
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * H * Wd), dyb = dy + F(n * Cout * HWo);
    im2col(xb, Cin, H, Wd, k, k, s, pad, Ho, Wo, col);
    gemm(0, 1, Cout, Cin * K2, HWo, 1, dyb, HWo, col, HWo, 1, dWm, rowLen);
    if (dx) {
      gemm(1, 0, Cin * K2, HWo, Cout, 1, Wm, rowLen, dyb, HWo, 0, dcol, HWo);
      const dxb = dx + F(n * Cin * H * Wd);
      memory.fill(dxb, 0, F(Cin * H * Wd));
      col2im(dcol, Cin, H, Wd, k, k, s, pad, Ho, Wo, dxb);
    }
  }
  return <f32>dt;
}

/** Scratch floats conv2d_backward needs: dL/dy summed over the batch, [T] (Cout HWo + k), the working set. */
export function conv2d_backward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  const HWo = Ho * Wo, K2 = k * k;
  const Wp = Wd + 2 * pad, plane = (H + 2 * pad) * Wp, Nq = (Ho - 1) * Wp + Wo;
  const work = s == 1 ? 2 * Cin * plane + Cin * K2 + Cout * Nq + Cin * K2 * Nq : 2 * Cin * K2 * HWo;
  return Cout * HWo + T * (Cout * HWo + k) + work;
}

/**
 * Stride-1 VJP without im2col or col2im (see forwardImplicit): with dL/dy laid out in padded
 * width (zeros in the unused columns), dW += dy_q rows^T reads the im2col rows straight from the
 * padded image, and dx is the sum over (c, ky, kx) of the shifted rows of W^T dy_q added into a
 * padded image, then cropped. Each element receives the same nonzero terms in the same order as
 * im2col / col2im (the extra terms are exact zeros): dx has the same bits; dW too unless the sum
 * over positions spans several 512-wide k-blocks, which then split it at other positions.
 */
function backwardImplicit(x: usize, Wm: usize, rowLen: i32, dy: usize, dx: usize, dWm: usize, B: i32, Cin: i32,
                          H: i32, Wd: i32, Cout: i32, k: i32, pad: i32, Ho: i32, Wo: i32, work: usize): void {
  const Hp = H + 2 * pad, Wp = Wd + 2 * pad, plane = Hp * Wp, K2 = k * k, HWo = Ho * Wo;
  const Nq = (Ho - 1) * Wp + Wo, R = Cin * K2;
  const xpad = work, rows = xpad + F(Cin * plane), dyq = rows + F(R), dcolq = dyq + F(Cout * Nq), dxpad = dcolq + F(R * Nq);
  memory.fill(dyq, 0, F(Cout * Nq));
  paddedRows(xpad, rows, Cin, k, plane, Wp);
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * H * Wd), dyb = dy + F(n * Cout * HWo);
    intoPadded(xpad, xb, Cin, H, Wd, pad);
    for (let o = 0; o < Cout; o++) {
      for (let oy = 0; oy < Ho; oy++) memory.copy(dyq + F(o * Nq + oy * Wp), dyb + F((o * Ho + oy) * Wo), F(Wo));
    }
    gemm_rows(1, Cout, R, Nq, 1, dyq, Nq, rows, 1, dWm, rowLen);
    if (dx) {
      gemm(1, 0, R, Nq, Cout, 1, Wm, rowLen, dyq, Nq, 0, dcolq, Nq);
      memory.fill(dxpad, 0, F(Cin * plane));
      for (let r = 0; r < R; r++) {
        const c = r / K2, kk = r % K2, ky = kk / k, kx = kk % k;
        vec_axpy(1, dcolq + F(r * Nq), dxpad + F(c * plane + ky * Wp + kx), Nq);
      }
      const dxb = dx + F(n * Cin * H * Wd);
      for (let c = 0; c < Cin; c++) {
        for (let iy = 0; iy < H; iy++) memory.copy(dxb + F((c * H + iy) * Wd), dxpad + F(c * plane + (iy + pad) * Wp + pad), F(Wd));
      }
    }
  }
}

/** Zeroes the padded image and writes the im2col row table: row (c, ky, kx) starts at c Hp Wp + ky Wp + kx. */
function paddedRows(xpad: usize, rows: usize, Cin: i32, k: i32, plane: i32, Wp: i32): void {
  memory.fill(xpad, 0, F(Cin * plane));
  for (let c = 0; c < Cin; c++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) store<u32>(rows + F((c * k + ky) * k + kx), <u32>(xpad + F(c * plane + ky * Wp + kx)));
    }
  }
}

/** Copies image xb [Cin, H, W] into the interior of the padded image (its border stays zero). */
function intoPadded(xpad: usize, xb: usize, Cin: i32, H: i32, Wd: i32, pad: i32): void {
  const Wp = Wd + 2 * pad, plane = (H + 2 * pad) * Wp;
  for (let c = 0; c < Cin; c++) {
    for (let iy = 0; iy < H; iy++) memory.copy(xpad + F(c * plane + (iy + pad) * Wp + pad), xb + F((c * H + iy) * Wd), F(Wd));
  }
}
