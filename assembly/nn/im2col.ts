// Patch extraction and its adjoint for convolutions in NCHW layout.
// Geometry: an image [C, H, W] and an output grid [Ho, Wo] with
//   col[(c, ky, kx), (oy, ox)] = img[c, oy*s - pad + ky, ox*s - pad + kx]   (0 outside the image)
// im2col fills col [C*kh*kw, Ho*Wo]; col2im ADDS col back into img (the adjoint).
// Each output row splits into [0, lo) outside, [lo, hi) inside and [hi, Wo) outside the image, so
// the inner loops carry no bounds tests (f32x4 for stride 1, even-lane shuffles for stride 2).
import { firstValid, endValid } from "./conv_geometry";

@inline function zeroRun(p: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), 0);
}

export function im2col(img: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, s: i32, pad: i32,
                       Ho: i32, Wo: i32, col: usize): void {
  const HWo = Ho * Wo;
  for (let c = 0; c < C; c++) {
    const plane = img + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const row = col + ((<usize>((c * kh + ky) * kw + kx) * <usize>HWo) << 2);
        const lo = firstValid(s, pad, kx, Wo), hi = max(lo, endValid(W, s, pad, kx, Wo));
        for (let oy = 0; oy < Ho; oy++) {
          const iy = oy * s - pad + ky;
          const dst = row + ((<usize>(oy * Wo)) << 2);
          if (iy < 0 || iy >= H) { zeroRun(dst, Wo); continue; }
          const src = plane + ((<usize>(iy * W)) << 2);
          for (let ox = 0; ox < lo; ox++) store<f32>(dst + (<usize>ox << 2), 0);
          let ox = lo;
          let ix = ox * s - pad + kx;
          if (s == 1) {
            for (; ox + 4 <= hi; ox += 4, ix += 4) v128.store(dst + (<usize>ox << 2), v128.load(src + (<usize>ix << 2)));
          } else if (s == 2) {
            // 4 outputs from 8 consecutive inputs, only while those 8 lie inside the row
            for (; ox + 4 <= hi && ix + 8 <= W; ox += 4, ix += 8) {
              const p = src + (<usize>ix << 2);
              v128.store(dst + (<usize>ox << 2), v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6));
            }
          }
          for (; ox < hi; ox++, ix += s) store<f32>(dst + (<usize>ox << 2), load<f32>(src + (<usize>ix << 2)));
          for (ox = hi; ox < Wo; ox++) store<f32>(dst + (<usize>ox << 2), 0);
        }
      }
    }
  }
}

export function col2im(col: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, s: i32, pad: i32,
                       Ho: i32, Wo: i32, img: usize): void {
  const HWo = Ho * Wo;
  for (let c = 0; c < C; c++) {
    const plane = img + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const row = col + ((<usize>((c * kh + ky) * kw + kx) * <usize>HWo) << 2);
        const lo = firstValid(s, pad, kx, Wo), hi = endValid(W, s, pad, kx, Wo);
        for (let oy = 0; oy < Ho; oy++) {
          const iy = oy * s - pad + ky;
          if (iy < 0 || iy >= H) continue;
          const src = row + ((<usize>(oy * Wo)) << 2);
          const dst = plane + ((<usize>(iy * W)) << 2);
          let ox = lo;
          let ix = ox * s - pad + kx;
          if (s == 1) {
            for (; ox + 4 <= hi; ox += 4, ix += 4) {
              const p = dst + (<usize>ix << 2);
              v128.store(p, f32x4.add(v128.load(p), v128.load(src + (<usize>ox << 2))));
            }
          } else if (s == 2) {
            // 4 inputs into the even lanes of 8 consecutive outputs; the odd lanes add -0, which
            // leaves every value (and the sign of a zero) exactly as it is
            const nz = f32x4.splat(-0.0);
            for (; ox + 4 <= hi && ix + 8 <= W; ox += 4, ix += 8) {
              const p = dst + (<usize>ix << 2), v = v128.load(src + (<usize>ox << 2));
              v128.store(p, f32x4.add(v128.load(p), v128.shuffle<f32>(v, nz, 0, 4, 1, 5)));
              v128.store(p, f32x4.add(v128.load(p, 16), v128.shuffle<f32>(v, nz, 2, 6, 3, 7)), 16);
            }
          }
          for (; ox < hi; ox++, ix += s) {
            const p = dst + (<usize>ix << 2);
            store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>ox << 2)));
          }
        }
      }
    }
  }
}
