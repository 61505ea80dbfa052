// ConcatConv2D (SPEC section 2) in NCHW: y = conv(x with an extra constant channel t) + bias.
// Weights W [Cout, T + Cin, k, k] with T = 1 (time channel, FIRST input slice, as in the
// reference ConcatConv2d) or 0; bias [Cout]. The t channel is never materialised: its
// contribution is t * tmap, tmap the border-aware sum of W_t (time_channel.ts; gradients:
// dW_t from the batch-summed dL/dy, dt = <sum_b dy, tmap>). Per image: one GEMM over the rows of
// an implicit im2col (phase planes of the padded image, conv_phases.ts), for every stride.
// Scratch (floats): forward conv2d_forward_scratch(...), backward conv2d_backward_scratch(...)
import { gemm, gemm_rows } from "../linalg/gemm";
import { vec_axpy } from "../linalg/reduce";
import { phaseFloats, phaseWidth, paddedWidthCols, phaseRows, intoPhases, fromPhases, intoPaddedWidth, fromPaddedWidth } from "./conv_phases";
import { conv_time_map, conv_time_grad, timeFloats } from "./time_channel";
import { compact_bias_time, apply_activation, sum_blocks, add_row_sums, dot_time_map } from "./conv_common";
import { winogradFloats, winogradIn, winogradOut, winogradOutStride, winogradOutPlane, winograd_filter, winograd_clear, winograd_into, winograd_conv3x3 } from "./winograd";

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
  const K2 = k * k, rowLen = (T + Cin) * K2;
  let tmap: usize = 0, nD = 0;
  if (T) {
    tmap = scratch + F(forwardWork(Cin, H, Wd, Cout, k, s, pad, Ho, Wo));
    nD = conv_time_map(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap);
  }
  if (winograd(k, s)) forwardWinograd(x, W + F(T * K2), rowLen, b, z, a, B, Cin, H, Wd, Cout, pad, Ho, Wo, t, tmap, nD, scratch, act);
  else forwardImplicit(x, W + F(T * K2), rowLen, b, z, a, B, Cin, H, Wd, Cout, k, s, pad, Ho, Wo, t, tmap, nD, scratch, act);
}

/** Whether a convolution runs by Winograd F(2x2, 3x3) (winograd.ts): 3x3 kernels at stride 1. */
// @ts-ignore: decorator
@inline function winograd(k: i32, s: i32): bool { return k == 3 && s == 1; }

/** Scratch floats conv2d_forward(_act) needs: the implicit-im2col working set, then [T] the time map (timeFloats). */
export function conv2d_forward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  return forwardWork(Cin, H, Wd, Cout, k, s, pad, Ho, Wo) + T * timeFloats(Cout, Ho, Wo, k);
}

/** The forward's working set: phase planes, row table (Cin k^2) and the product in padded width (Cout Nq). */
function forwardWork(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32): i32 {
  if (winograd(k, s)) return winogradFloats(Cin, Cout, Ho, Wo);
  return phaseFloats(Cin, H, Wd, s, pad) + Cin * k * k + Cout * paddedWidthCols(Ho, Wo, Wd, s, pad);
}

/**
 * Per image: the phase planes of the padded image, one gemm_rows over the implicit im2col rows
 * into a product of padded width Wq, compacted with bias and time channel. Every output element
 * sums the same products in the same order as im2col + gemm: the same bits.
 */
function forwardImplicit(x: usize, Wm: usize, rowLen: i32, b: usize, y: usize, a: usize, B: i32, Cin: i32, H: i32,
                         Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, t: f32, tmap: usize, nD: i32,
                         scratch: usize, act: i32): void {
  const K2 = k * k, HWo = Ho * Wo, Wq = phaseWidth(Wd, s, pad), Nq = paddedWidthCols(Ho, Wo, Wd, s, pad);
  const xq = scratch, rows = xq + F(phaseFloats(Cin, H, Wd, s, pad)), yq = rows + F(Cin * K2);
  phaseRows(xq, rows, Cin, H, Wd, k, s, pad);
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * H * Wd), yb = y + F(n * Cout * HWo);
    intoPhases(xq, xb, Cin, H, Wd, s, pad);
    gemm_rows(0, Cout, Nq, Cin * K2, 1, Wm, rowLen, rows, 0, yq, Nq);
    compact_bias_time(yq, Wq, Nq, yb, b, tmap, nD, t, Cout, Ho, Wo);
    if (act) apply_activation(act, yb, a + F(n * Cout * HWo), Cout * HWo);
  }
}

/**
 * Per image by Winograd F(2x2, 3x3): the kernels transformed once, the image into zero-padded
 * planes, the product planes compacted with bias and time channel (as forwardImplicit).
 */
function forwardWinograd(x: usize, Wm: usize, rowLen: i32, b: usize, y: usize, a: usize, B: i32, Cin: i32, H: i32,
                         Wd: i32, Cout: i32, pad: i32, Ho: i32, Wo: i32, t: f32, tmap: usize, nD: i32,
                         scratch: usize, act: i32): void {
  const HWo = Ho * Wo, xin = winogradIn(scratch, Cin, Cout), yout = winogradOut(scratch, Cin, Cout, Ho, Wo);
  winograd_filter(Wm, rowLen, 9, Cout, Cin, scratch);
  winograd_clear(xin, Cin, Ho, Wo);
  for (let n = 0; n < B; n++) {
    const yb = y + F(n * Cout * HWo);
    winograd_into(xin, x + F(n * Cin * H * Wd), Cin, H, Wd, pad, Ho, Wo);
    winograd_conv3x3(scratch, Cin, Cout, Ho, Wo);
    compact_bias_time(yout, winogradOutStride(Wo), winogradOutPlane(Ho, Wo), yb, b, tmap, nD, t, Cout, Ho, Wo);
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
  const dySum = scratch, work = dySum + F(Cout * HWo + T * timeFloats(Cout, Ho, Wo, k));
  sum_blocks(dy, B, Cout * HWo, dySum);
  if (db) add_row_sums(dySum, Cout, HWo, 1, db);
  let dt: f64 = 0;
  if (T) {
    const tmap = dySum + F(Cout * HWo);
    const nD = conv_time_map(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap);
    dt = dot_time_map(dySum, tmap, nD, Cout, Ho, Wo);
    conv_time_grad(dySum, Cout, H, Wd, k, s, pad, Ho, Wo, t, dW, rowLen);
  }
  backwardImplicit(x, W + F(T * K2), rowLen, dy, dx, dW + F(T * K2), B, Cin, H, Wd, Cout, k, s, pad, Ho, Wo, work);
  return <f32>dt;
}

/** Scratch floats conv2d_backward needs: dL/dy summed over the batch, [T] the time map (timeFloats), the working set. */
export function conv2d_backward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  const HWo = Ho * Wo, K2 = k * k, Nq = paddedWidthCols(Ho, Wo, Wd, s, pad), P = phaseFloats(Cin, H, Wd, s, pad);
  const dxWork = !flipped(s, pad, k) ? Cin * K2 * Nq + P
    : winograd(k, s) ? Cin * Cout * K2 + winogradFloats(Cout, Cin, H, Wd) : flippedFloats(Cin, H, Wd, Cout, k, pad, Ho, Wo);
  return Cout * HWo + T * timeFloats(Cout, Ho, Wo, k) + P + Cin * K2 + Cout * Nq + dxWork;
}

/** Whether dx is computed as the correlation of dL/dy with the flipped kernel (stride 1, pad <= k - 1). */
@inline function flipped(s: i32, pad: i32, k: i32): bool { return s == 1 && pad <= k - 1; }

/** Scratch of the flipped-kernel dx: padded dL/dy, its row table, the flipped weights, dx in padded width. */
function flippedFloats(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, pad: i32, Ho: i32, Wo: i32): i32 {
  const pf = k - 1 - pad, Wf = Wo + 2 * pf;
  return Cout * (Ho + 2 * pf) * Wf + Cout * k * k + Cin * Cout * k * k + Cin * ((H - 1) * Wf + Wd);
}

/**
 * VJP through the implicit im2col (see forwardImplicit): with dL/dy laid out in padded width
 * (zeros in the unused columns), dW += dy_q rows^T reads the im2col rows from the phase planes
 * (the same products in the same order as im2col: the same bits unless the sum over positions
 * spans several 512-wide k-blocks). dx, at stride 1, is the correlation of dL/dy padded by
 * k - 1 - pad with the flipped kernel, one more implicit GEMM:
 *   dx[c, iy, ix] = sum_{o, ky', kx'} W[o, c, k-1-ky', k-1-kx'] dypad[o, iy + ky', ix + kx'];
 * for a 3x3 kernel this correlation runs by Winograd F(2x2, 3x3) (winograd.ts, its own rounding).
 * Otherwise the rows of W^T dy_q are added into zeroed phase planes at the addresses of the row
 * table (col2im's terms in col2im's order) and read back out of them.
 */
function backwardImplicit(x: usize, Wm: usize, rowLen: i32, dy: usize, dx: usize, dWm: usize, B: i32, Cin: i32,
                          H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, work: usize): void {
  const K2 = k * k, HWo = Ho * Wo, R = Cin * K2, P = phaseFloats(Cin, H, Wd, s, pad);
  const Wq = phaseWidth(Wd, s, pad), Nq = paddedWidthCols(Ho, Wo, Wd, s, pad);
  const xq = work, rows = xq + F(P), dyq = rows + F(R), rest = dyq + F(Cout * Nq);
  memory.fill(dyq, 0, F(Cout * Nq));
  phaseRows(xq, rows, Cin, H, Wd, k, s, pad);
  const flip = dx != 0 && flipped(s, pad, k), wino = flip && winograd(k, s);
  // flipped-kernel dx: padded dL/dy (pf = k - 1 - pad), its rows, W flipped to [Cin, (o, ky', kx')];
  // by Winograd: the flipped W, then the Winograd scratch (input planes of dL/dy, output planes of dx)
  const pf = k - 1 - pad, Wf = Wo + 2 * pf, Nf = (H - 1) * Wf + Wd, KF = Cout * K2;
  const dyf = rest, rowsF = dyf + F(Cout * (Ho + 2 * pf) * Wf), wf = wino ? rest : rowsF + F(KF), dxf = wf + F(Cin * KF);
  const ws = wf + F(Cin * KF), wIn = winogradIn(ws, Cout, Cin), wOut = winogradOut(ws, Cout, Cin, H, Wd);
  if (flip) {
    if (!wino) phaseRows(dyf, rowsF, Cout, Ho, Wo, k, 1, pf);
    for (let c = 0; c < Cin; c++) {
      for (let o = 0; o < Cout; o++) {
        for (let j = 0; j < K2; j++) store<f32>(wf + F(c * KF + o * K2 + j), load<f32>(Wm + F(o * rowLen + c * K2 + K2 - 1 - j)));
      }
    }
    if (wino) {
      winograd_filter(wf, KF, K2, Cin, Cout, ws);
      winograd_clear(wIn, Cout, H, Wd);
    }
  }
  // col2im-order dx: W^T dy_q, then its rows added into phase planes
  const dcolq = rest, dxq = dcolq + F(R * Nq), shift = <i32>(dxq - xq); // rows address dxq's planes shifted by this
  for (let n = 0; n < B; n++) {
    const dyb = dy + F(n * Cout * HWo), dxb = dx + F(n * Cin * H * Wd);
    intoPhases(xq, x + F(n * Cin * H * Wd), Cin, H, Wd, s, pad);
    intoPaddedWidth(dyq, dyb, Cout, Ho, Wo, Wq, Nq);
    gemm_rows(1, Cout, R, Nq, 1, dyq, Nq, rows, 1, dWm, rowLen);
    if (wino) {
      winograd_into(wIn, dyb, Cout, Ho, Wo, pf, H, Wd);
      winograd_conv3x3(ws, Cout, Cin, H, Wd);
      fromPaddedWidth(wOut, dxb, Cin, H, Wd, winogradOutStride(Wd), winogradOutPlane(H, Wd));
    } else if (flip) {
      intoPhases(dyf, dyb, Cout, Ho, Wo, 1, pf);
      gemm_rows(0, Cin, Nf, KF, 1, wf, KF, rowsF, 0, dxf, Nf);
      fromPaddedWidth(dxf, dxb, Cin, H, Wd, Wf, Nf);
    } else if (dx) {
      gemm(1, 0, R, Nq, Cout, 1, Wm, rowLen, dyq, Nq, 0, dcolq, Nq);
      memory.fill(dxq, 0, F(P));
      for (let r = 0; r < R; r++) vec_axpy(1, dcolq + F(r * Nq), <usize>load<u32>(rows + F(r)) + shift, Nq);
      fromPhases(dxq, dxb, Cin, H, Wd, s, pad);
    }
  }
}
