// Patch extraction and its adjoint for convolutions in NCHW layout.
// Geometry: an image [C, H, W] and an output grid [Ho, Wo] with
//   col[(c, ky, kx), (oy, ox)] = img[c, oy*s - pad + ky, ox*s - pad + kx]   (0 outside the image)
// im2col fills col [C*kh*kw, Ho*Wo]; col2im ADDS col back into img (the adjoint).

export function im2col(img: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, s: i32, pad: i32,
                       Ho: i32, Wo: i32, col: usize): void {
  const HWo = Ho * Wo;
  for (let c = 0; c < C; c++) {
    const plane = img + ((<usize>c * <usize>H * <usize>W) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const row = col + ((<usize>((c * kh + ky) * kw + kx) * <usize>HWo) << 2);
        for (let oy = 0; oy < Ho; oy++) {
          const iy = oy * s - pad + ky;
          const dst = row + ((<usize>(oy * Wo)) << 2);
          if (iy < 0 || iy >= H) { memory.fill(dst, 0, <usize>Wo << 2); continue; }
          const src = plane + ((<usize>(iy * W)) << 2);
          if (s == 1) {
            // contiguous run: ix = ox - pad + kx in [0, W)
            const lo = max(0, pad - kx), hi = min(Wo, W + pad - kx);
            if (lo > 0) memory.fill(dst, 0, <usize>lo << 2);
            if (hi > lo) memory.copy(dst + (<usize>lo << 2), src + (<usize>(lo - pad + kx) << 2), <usize>(hi - lo) << 2);
            if (hi < Wo) memory.fill(dst + (<usize>max(hi, lo) << 2), 0, <usize>(Wo - max(hi, lo)) << 2);
          } else {
            for (let ox = 0; ox < Wo; ox++) {
              const ix = ox * s - pad + kx;
              store<f32>(dst + (<usize>ox << 2), ix >= 0 && ix < W ? load<f32>(src + (<usize>ix << 2)) : 0);
            }
          }
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
        for (let oy = 0; oy < Ho; oy++) {
          const iy = oy * s - pad + ky;
          if (iy < 0 || iy >= H) continue;
          const src = row + ((<usize>(oy * Wo)) << 2);
          const dst = plane + ((<usize>(iy * W)) << 2);
          for (let ox = 0; ox < Wo; ox++) {
            const ix = ox * s - pad + kx;
            if (ix >= 0 && ix < W) {
              const p = dst + (<usize>ix << 2);
              store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>ox << 2)));
            }
          }
        }
      }
    }
  }
}
