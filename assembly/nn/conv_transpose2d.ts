// ConcatConvTranspose2D in NCHW: the adjoint geometry of conv2d (stride s, padding pad, output
// size Ho x Wo = (H - 1) s - 2 pad + k + outputPadding). Weights W [T + Cin, Cout, k, k] (PyTorch's
// ConvTranspose2d layout; the time channel first when T = 1), bias [Cout]. The t channel adds
// t * tmap, tmap the border-aware sum of W_t over the input pixels reaching each output
// (time_channel.ts). Forward: one implicit GEMM per output phase; backward: GEMMs over the implicit im2col of dL/dy
// (the stride-s convolution's phase planes, conv_phases.ts). Scratch (floats):
// conv_transpose2d_forward_scratch(...), conv_transpose2d_backward_scratch(...)
import { gemm_rows } from "../linalg/gemm";
import { copy_f32 } from "../linalg/copy";
import { phaseFloats, phaseWidth, paddedWidthCols, phaseRows, intoPhases, intoPaddedWidth, fromPaddedWidth, mergeRow2 } from "./conv_phases";
import { convt_time_map, convt_time_grad, timeFloats } from "./time_channel";
import { add_bias_time, apply_activation, sum_blocks, add_row_sums, dot_time_map } from "./conv_common";

@inline function F(n: i32): usize { return <usize>n << 2; }

export function conv_transpose2d_forward(x: usize, W: usize, b: usize, y: usize, B: i32, Cin: i32, H: i32,
                                         Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, t: f32,
                                         T: i32, scratch: usize): void {
  conv_transpose2d_forward_act(x, W, b, y, 0, B, Cin, H, Wd, Cout, k, s, pad, Ho, Wo, t, T, scratch, 0);
}

/**
 * Scratch floats of the forward: the padded input (Cin Hx Wx), the row tables (Cin k^2) and
 * weights (Cout Cin k^2) of the output phases, their products (s^2 Cout Nph), then [T] the time map.
 */
export function conv_transpose2d_forward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  const P = (k + s - 1) / s - 1, Iq = (Ho - 1 + pad) / s + 1, Jq = (Wo - 1 + pad) / s + 1;
  const Hx = max(H, Iq) + P, Wx = max(Wd, Jq) + P;
  return Cin * Hx * Wx + Cin * k * k + Cout * Cin * k * k + s * s * Cout * ((Iq - 1) * Wx + Jq) + T * timeFloats(Cout, Ho, Wo, k);
}

/**
 * Scratch floats of the backward: dL/dy summed over the batch (Cout Ho Wo), [T] the time map (timeFloats),
 * the phase planes of dL/dy, their row table (Cout k^2), x and dx in padded width (2 Cin Nq).
 */
export function conv_transpose2d_backward_scratch(Cin: i32, H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32, T: i32): i32 {
  const HWo = Ho * Wo;
  return HWo * Cout + T * timeFloats(Cout, Ho, Wo, k) + phaseFloats(Cout, Ho, Wo, s, pad) + Cout * k * k + 2 * Cin * paddedWidthCols(H, Wd, Wo, s, pad);
}

/**
 * Fused transposed conv + bias + time + activation (see conv2d_forward_act), by output phases: the
 * outputs (oy, ox) with (oy + pad, ox + pad) = (a, b) mod s form, on the grid i = (oy + pad) div s,
 * j = (ox + pad) div s, the correlation
 *   y[co, oy, ox] = sum_{ci, u, v} W[ci, co, a + u s, b + v s] x[ci, i - u, j - v]
 * (x zero outside the image), one implicit GEMM per phase over the rows of the input padded by
 * P = ceil(k / s) - 1 above and to the left; the phases are then interleaved into y.
 */
export function conv_transpose2d_forward_act(x: usize, W: usize, b: usize, z: usize, a: usize, B: i32, Cin: i32,
                                             H: i32, Wd: i32, Cout: i32, k: i32, s: i32, pad: i32, Ho: i32,
                                             Wo: i32, t: f32, T: i32, scratch: usize, act: i32): void {
  const K2 = k * k, R = Cout * K2, HW = H * Wd, HWo = Ho * Wo;
  const P = (k + s - 1) / s - 1, Iq = (Ho - 1 + pad) / s + 1, Jq = (Wo - 1 + pad) / s + 1;
  const Hx = max(H, Iq) + P, Wx = max(Wd, Jq) + P, planeX = Hx * Wx, Nph = (Iq - 1) * Wx + Jq;
  const xp = scratch, rows = xp + F(Cin * planeX), wph = rows + F(Cin * K2), yq = wph + F(Cout * Cin * K2);
  const tmap = T ? yq + F(s * s * Cout * Nph) : 0; // the time map, after the phase products
  const nD = T ? convt_time_map(W, Cout, H, Wd, k, s, pad, Ho, Wo, tmap) : 0;
  const Wm = W + F(T * R);
  // per phase (a, b): its taps' row table and weights [Cout x Cin nu nv], consecutive in rows / wph
  memory.fill(xp, 0, F(Cin * planeX));
  let r0 = 0;
  for (let pa = 0; pa < s; pa++) {
    for (let pb = 0; pb < s; pb++) {
      const nu = pa < k ? (k - pa + s - 1) / s : 0, nv = pb < k ? (k - pb + s - 1) / s : 0, Kp = Cin * nu * nv;
      for (let ci = 0; ci < Cin; ci++) {
        for (let u = 0; u < nu; u++) {
          for (let v = 0; v < nv; v++) {
            const kk = (ci * nu + u) * nv + v;
            store<u32>(rows + F(r0 + kk), <u32>(xp + F(ci * planeX + (P - u) * Wx + (P - v))));
            for (let co = 0; co < Cout; co++) {
              store<f32>(wph + F(r0 * Cout + co * Kp + kk), load<f32>(Wm + F((ci * Cout + co) * K2 + (pa + u * s) * k + pb + v * s)));
            }
          }
        }
      }
      r0 += Kp;
    }
  }
  for (let n = 0; n < B; n++) {
    const xb = x + F(n * Cin * HW), yb = z + F(n * Cout * HWo);
    for (let ci = 0; ci < Cin; ci++) {
      for (let iy = 0; iy < H; iy++) copy_f32(xp + F(ci * planeX + (P + iy) * Wx + P), xb + F((ci * H + iy) * Wd), Wd);
    }
    r0 = 0;
    for (let ph = 0; ph < s * s; ph++) {
      const pa = ph / s, pb = ph % s;
      const nu = pa < k ? (k - pa + s - 1) / s : 0, nv = pb < k ? (k - pb + s - 1) / s : 0, Kp = Cin * nu * nv;
      gemm_rows(0, Cout, Nph, Kp, 1, wph + F(r0 * Cout), Kp, rows + F(r0), 0, yq + F(ph * Cout * Nph), Nph);
      r0 += Kp;
    }
    interleavePhases(yq, Nph, Wx, yb, Cout, Ho, Wo, s, pad);
    add_bias_time(yb, b, tmap, nD, t, Cout, Ho, Wo);
    if (act) apply_activation(act, yb, a + F(n * Cout * HWo), Cout * HWo);
  }
}

/** y[co, oy, ox] = phase (a, b) product [co, i Wx + j] with (oy + pad, ox + pad) = (i s + a, j s + b). */
function interleavePhases(yq: usize, Nph: i32, Wx: i32, y: usize, Cout: i32, Ho: i32, Wo: i32, s: i32, pad: i32): void {
  for (let co = 0; co < Cout; co++) {
    for (let oy = 0; oy < Ho; oy++) {
      const pa = (oy + pad) % s, i = (oy + pad) / s, dst = y + F((co * Ho + oy) * Wo);
      const base = (pa * s * Cout + co) * Nph + i * Wx; // phase (pa, 0), channel co, row i
      if (s == 2) {
        // ox = 2m: b = pad & 1, j = m + (pad >> 1); ox = 2m + 1: b = (pad + 1) & 1, j = m + ((pad + 1) >> 1)
        const ev = yq + F(base + (pad & 1) * Cout * Nph + (pad >> 1)), od = yq + F(base + ((pad + 1) & 1) * Cout * Nph + ((pad + 1) >> 1));
        mergeRow2(ev, od, dst, Wo);
        continue;
      }
      for (let ox = 0; ox < Wo; ox++) {
        const pb = (ox + pad) % s, j = (ox + pad) / s;
        store<f32>(dst + F(ox), load<f32>(yq + F(base + pb * Cout * Nph + j)));
      }
    }
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
    const tmap = dySum + F(Cout * HWo);
    const nD = convt_time_map(W, Cout, H, Wd, k, s, pad, Ho, Wo, tmap);
    dt = dot_time_map(dySum, tmap, nD, Cout, Ho, Wo);
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
