// ConcatConv2D (SPEC section 2) in NCHW: y = conv(x with an extra constant channel t) + bias.
// Weights W [Cout, T + Cin, k, k] with T = 1 (time channel, FIRST input slice, as in the
// reference ConcatConv2d) or 0; bias [Cout]. The t channel is never materialised: its
// contribution is t * tmap with tmap = conv(ones plane, W_t), which is border aware because the
// ones plane is zero-padded like x (SPEC section 2; gradients: dW_t = t conv_w(ones, sum_b dy),
// dt = <sum_b dy, tmap>). Per image: im2col + GEMM. Scratch (floats):
//   forward  Cin k^2 HWo + [T] (k^2 HWo + Cout HWo + H W)
//   backward 2 Cin k^2 HWo + Cout HWo + [T] (k^2 HWo + Cout HWo + H W)
import { gemm } from "../linalg/gemm";
import { im2col, col2im } from "./im2col";
import { add_bias_time, apply_activation, sum_blocks, add_row_sums, dot_f64 } from "./conv_common";

@inline function F(n: i32): usize { return <usize>n << 2; }

/** tmap [Cout, HWo] = W_t conv ones; returns the next free scratch address. */
function timeMap(W: usize, rowLen: i32, Cout: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32,
                 scratch: usize, tmap: usize): usize {
  const ones = scratch, onesCol = ones + F(H * Wd);
  for (let i = 0; i < H * Wd; i++) store<f32>(ones + F(i), 1);
  im2col(ones, 1, H, Wd, k, k, s, pad, Ho, Wo, onesCol);
  gemm(0, 0, Cout, Ho * Wo, k * k, 1, W, rowLen, onesCol, Ho * Wo, 0, tmap, Ho * Wo);
  return onesCol + F(k * k * Ho * Wo);
}

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
  const y = z;
  const K2 = k * k, HWo = Ho * Wo, rowLen = (T + Cin) * K2;
  const col = scratch;
  let tmap: usize = 0;
  if (T) {
    tmap = col + F(Cin * K2 * HWo);
    timeMap(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap + F(Cout * HWo), tmap);
  }
  const Wm = W + F(T * K2);
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * H * Wd), yb = y + F(n * Cout * HWo);
    im2col(xb, Cin, H, Wd, k, k, s, pad, Ho, Wo, col);
    gemm(0, 0, Cout, HWo, Cin * K2, 1, Wm, rowLen, col, HWo, 0, yb, HWo);
    add_bias_time(yb, b, tmap, t, Cout, HWo);
    if (act) apply_activation(act, yb, a + F(n * Cout * HWo), Cout * HWo);
  }
}

/**
 * VJP. dW and db are ACCUMULATED (+=); dx (0: skipped) is overwritten; returns dL/dt.
 */
export function conv2d_backward(x: usize, W: usize, dy: usize, dx: usize, dW: usize, db: usize, B: i32,
                                Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32,
                                t: f32, T: i32, scratch: usize): f32 {
  const K2 = k * k, HWo = Ho * Wo, rowLen = (T + Cin) * K2;
  const col = scratch, dcol = col + F(Cin * K2 * HWo), dySum = dcol + F(Cin * K2 * HWo);
  sum_blocks(dy, B, Cout * HWo, dySum);
  if (db) add_row_sums(dySum, Cout, HWo, 1, db);
  let dt: f64 = 0;
  if (T) {
    const tmap = dySum + F(Cout * HWo);
    const onesCol = tmap + F(Cout * HWo) + F(H * Wd);
    timeMap(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap + F(Cout * HWo), tmap);
    dt = dot_f64(dySum, tmap, Cout * HWo);
    // dW_t += t * dySum onesCol^T
    gemm(0, 1, Cout, K2, HWo, t, dySum, HWo, onesCol, HWo, 1, dW, rowLen);
  }
  const Wm = W + F(T * K2), dWm = dW + F(T * K2);
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
