// ConcatConvTranspose2D in NCHW: the adjoint geometry of conv2d (stride s, padding pad, output
// size Ho x Wo = (H - 1) s - 2 pad + k + outputPadding). Weights W [T + Cin, Cout, k, k] (PyTorch's
// ConvTranspose2d layout; the time channel first when T = 1), bias [Cout]. The t channel adds
// t * tmap, tmap the border-aware sum of W_t over the input pixels reaching each output
// (time_channel.ts). Forward: GEMM then col2im; backward: GEMMs over the implicit im2col of dL/dy
// (the stride-s convolution's phase planes, conv_phases.ts). Scratch (floats):
// conv_transpose2d_forward_scratch(...), conv_transpose2d_backward_scratch(...)
import { gemm, gemm_rows } from "../linalg/gemm";
import { col2im } from "./im2col";
import { phaseFloats, phaseWidth, paddedWidthCols, phaseRows, intoPhases, intoPaddedWidth, fromPaddedWidth } from "./conv_phases";
import { convt_time_map, convt_time_grad, timeFloats } from "./time_channel";
import { add_bias_time, apply_activation, sum_blocks, add_row_sums, dot_time_map } from "./conv_common";

@inline function F(n: i32): usize { return <usize>n << 2; }

export function conv_transpose2d_forward(x: usize, W: usize, b: usize, y: usize, B: i32, Cin: i32, H: i32,
                                         Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, t: f32,
                                         T: i32, scratch: usize): void {
  conv_transpose2d_forward_act(x, W, b, y, 0, B, Cin, H, Wd, Cout, k, s, pad, Ho, Wo, t, T, scratch, 0);
}

/** Scratch floats of the forward: the columns W^T x (Cout k^2 H W), then [T] (Cout Ho Wo + k). */
export function conv_transpose2d_forward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  return Cout * k * k * H * Wd + T * timeFloats(Cout, Ho, Wo, k);
}

/**
 * Scratch floats of the backward: dL/dy summed over the batch (Cout Ho Wo), [T] (Cout Ho Wo + k),
 * the phase planes of dL/dy, their row table (Cout k^2), x and dx in padded width (2 Cin Nq).
 */
export function conv_transpose2d_backward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  const HWo = Ho * Wo;
  return HWo * Cout + T * timeFloats(Cout, Ho, Wo, k) + phaseFloats(Cout, Ho, Wo, s, pad) + Cout * k * k + 2 * Cin * paddedWidthCols(H, Wd, Wo, s, pad);
}

/** Fused transposed conv + bias + time + activation (see conv2d_forward_act). */
export function conv_transpose2d_forward_act(x: usize, W: usize, b: usize, z: usize, a: usize, B: i32, Cin: i32,
                                             H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32,
                                             Wo: i32, t: f32, T: i32, scratch: usize, act: i32): void {
  const R = Cout * k * k, HW = H * Wd, HWo = Ho * Wo;
  const col = scratch;
  let tmap: usize = 0, nD = 0;
  const rowIdx = col + F(R * HW + Cout * HWo);
  if (T) {
    tmap = col + F(R * HW);
    nD = convt_time_map(W, Cout, H, Wd, k, s, pad, Ho, Wo, tmap, rowIdx, rowIdx + F(Ho));
  }
  const Wm = W + F(T * R);
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * HW), yb = z + F(n * Cout * HWo);
    gemm(1, 0, R, HW, Cin, 1, Wm, R, xb, HW, 0, col, HW);
    memory.fill(yb, 0, F(Cout * HWo));
    col2im(col, Cout, Ho, Wo, k, k, s, pad, H, Wd, yb);
    add_bias_time(yb, b, tmap, rowIdx, nD, t, Cout, Ho, Wo);
    if (act) apply_activation(act, yb, a + F(n * Cout * HWo), Cout * HWo);
  }
}

/** VJP. dW and db are ACCUMULATED; dx (0: skipped) is overwritten; returns dL/dt. */
export function conv_transpose2d_backward(x: usize, W: usize, dy: usize, dx: usize, dW: usize, db: usize, B: i32,
                                          Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32,
                                          Wo: i32, t: f32, T: i32, scratch: usize): f32 {
  const R = Cout * k * k, HW = H * Wd, HWo = Ho * Wo;
  const dySum = scratch;
  sum_blocks(dy, B, Cout * HWo, dySum);
  if (db) add_row_sums(dySum, Cout, HWo, 1, db);
  let dt: f64 = 0;
  if (T) {
    const tmap = dySum + F(Cout * HWo), rowIdx = tmap + F(Cout * HWo);
    const nD = convt_time_map(W, Cout, H, Wd, k, s, pad, Ho, Wo, tmap, rowIdx, rowIdx + F(Ho));
    dt = dot_time_map(dySum, tmap, rowIdx, nD, Cout, Ho, Wo);
    convt_time_grad(dySum, Cout, H, Wd, k, s, pad, Ho, Wo, t, dW);
  }
  const Wm = W + F(T * R), dWm = dW + F(T * R);
  // dL/dy's im2col for the stride-s convolution of geometry Ho x Wo -> H x W, read in place
  const Wq = phaseWidth(Wo, s, pad), Nq = paddedWidthCols(H, Wd, Wo, s, pad);
  const dyq = dySum + F(Cout * HWo + T * timeFloats(Cout, Ho, Wo, k)), rows = dyq + F(phaseFloats(Cout, Ho, Wo, s, pad));
  const xq = rows + F(R), dxq = xq + F(Cin * Nq);
  phaseRows(dyq, rows, Cout, Ho, Wo, k, s, pad);
  memory.fill(xq, 0, F(Cin * Nq));
  for (let n = 0; n < B; n++) {
    intoPhases(dyq, dy + F(n * Cout * HWo), Cout, Ho, Wo, s, pad);
    intoPaddedWidth(xq, x + F(n * Cin * HW), Cin, H, Wd, Wq, Nq);
    gemm_rows(1, Cin, R, Nq, 1, xq, Nq, rows, 1, dWm, R);
    if (dx) {
      gemm_rows(0, Cin, Nq, R, 1, Wm, R, rows, 0, dxq, Nq);
      fromPaddedWidth(dxq, dx + F(n * Cin * HW), Cin, H, Wd, Wq, Nq);
    }
  }
  return <f32>dt;
}
