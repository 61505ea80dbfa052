// ConcatConv2D (SPEC section 2) in NCHW: y = conv(x with an extra constant channel t) + bias.
// Weights W [Cout, T + Cin, k, k] with T = 1 (time channel, FIRST input slice, as in the
// reference ConcatConv2d) or 0; bias [Cout]. The t channel is never materialised: its
// contribution is t * tmap, tmap the border-aware sum of W_t (time_channel.ts; gradients:
// dW_t from the batch-summed dL/dy, dt = <sum_b dy, tmap>). Per image: im2col + GEMM.
// Scratch (floats): forward Cin k^2 HWo + [T] (Cout HWo + k); backward 2 Cin k^2 HWo + Cout HWo + [T] (Cout HWo + k)
import { gemm } from "../linalg/gemm";
import { im2col, col2im } from "./im2col";
import { conv_time_map, conv_time_grad } from "./time_channel";
import { add_bias_time, apply_activation, sum_blocks, add_row_sums, dot_f64 } from "./conv_common";

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
  const y = z;
  const K2 = k * k, HWo = Ho * Wo, rowLen = (T + Cin) * K2;
  const col = scratch;
  let tmap: usize = 0;
  if (T) {
    tmap = col + F(Cin * K2 * HWo);
    conv_time_map(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap, tmap + F(Cout * HWo));
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
    conv_time_map(W, rowLen, Cout, H, Wd, k, s, pad, Ho, Wo, tmap, tmap + F(Cout * HWo));
    dt = dot_f64(dySum, tmap, Cout * HWo);
    conv_time_grad(dySum, Cout, H, Wd, k, s, pad, Ho, Wo, t, dW, rowLen);
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
