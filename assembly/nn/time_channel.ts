// The constant time channel of ConcatConv2d / ConcatConvTranspose2d (SPEC section 2) in closed
// form: its contribution is t * tmap, tmap being a border-aware sum of the kernel's time slice
// W_t[o] (k x k), never a convolution of a materialised plane of ones. Validity is separable in
// rows and columns, so every sum below runs over index ranges (ky, then kx, ascending).
//
// conv (stride s, padding pad; input H x W, output Ho x Wo):
//   tmap[o, oy, ox] = sum_{ky : 0 <= oy s - pad + ky < H} sum_{kx : 0 <= ox s - pad + kx < W} W_t[o, ky, kx]
//   dL/dW_t[o, ky, kx] = t sum_{oy, ox valid for (ky, kx)} g[o, oy, ox],  g = sum over the batch of dL/dy
// transposed conv (input H x W, output Ho x Wo, the adjoint geometry):
//   tmap[o, y, x] = sum_{ky : y = iy s - pad + ky, 0 <= iy < H} sum_{kx : x = ix s - pad + kx, 0 <= ix < W} W_t[o, ky, kx]
//   dL/dW_t[o, ky, kx] = t sum_{0 <= iy < H, 0 <= ix < W, output inside} g[o, iy s - pad + ky, ix s - pad + kx]

import { copy_f32 } from "../linalg/copy";
import { firstValid, endValid } from "./conv_geometry";

@inline function F(n: i32): usize { return <usize>n << 2; }

// Rows of a time map that sum the same kernel rows are equal (all interior rows are): a row is
// computed once per set of valid ky (a bit mask, kernels up to 8 wide) and copied after that.
const MAX_MASKED_K = 8;
const ROW_OF_MASK = memory.data(4 << MAX_MASKED_K, 16); // mask -> output row that holds it, or -1


@inline function resetRowCache(k: i32): void {
  if (k <= MAX_MASKED_K) memory.fill(ROW_OF_MASK, 0xff, F(1 << k));
}

/** The row already computed for `mask` (-1: none) and, if none, records `row` for it. */
@inline function cachedRow(k: i32, mask: i32, row: i32): i32 {
  if (k > MAX_MASKED_K) return -1;
  const p = ROW_OF_MASK + F(mask);
  const r = load<i32>(p);
  if (r < 0) store<i32>(p, row);
  return r;
}

/**
 * conv: tmap [Cout, Ho, Wo]; W_t[o] at Wt + o * oStride floats (k x k, row-major); R: k floats of
 * scratch for the row sums R[kx] = sum_{valid ky} W_t[o, ky, kx] of one output row.
 */
export function conv_time_map(Wt: usize, oStride: i32, Cout: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32,
                              Ho: i32, Wo: i32, tmap: usize, R: usize): void {
  for (let o = 0; o < Cout; o++) {
    const w = Wt + F(o * oStride);
    resetRowCache(k);
    for (let oy = 0; oy < Ho; oy++) {
      const ky0 = max(0, pad - oy * s), ky1 = min(k, H + pad - oy * s);
      const row = tmap + F((o * Ho + oy) * Wo);
      const same = ky1 > ky0 ? cachedRow(k, ((1 << ky1) - 1) & ~((1 << ky0) - 1), oy) : -1;
      if (same >= 0) { copy_f32(row, tmap + F((o * Ho + same) * Wo), Wo); continue; }
      for (let kx = 0; kx < k; kx++) {
        let r: f32 = 0;
        for (let ky = ky0; ky < ky1; ky++) r += load<f32>(w + F(ky * k + kx));
        store<f32>(R + F(kx), r);
      }
      let full: f32 = 0;
      for (let kx = 0; kx < k; kx++) full += load<f32>(R + F(kx));
      // interior columns see the whole kernel row: [lo, hi); the few border columns sum their part
      const lo = firstValid(s, pad, 0, Wo), hi = max(lo, endValid(Wd, s, pad, k - 1, Wo));
      const vf = f32x4.splat(full);
      let ox = lo;
      for (; ox + 4 <= hi; ox += 4) v128.store(row + F(ox), vf);
      for (; ox < hi; ox++) store<f32>(row + F(ox), full);
      for (ox = 0; ox < Wo; ox++) {
        if (ox == lo && hi > lo) { ox = hi - 1; continue; }
        const kx0 = max(0, pad - ox * s), kx1 = min(k, Wd + pad - ox * s);
        let v: f32 = 0;
        for (let kx = kx0; kx < kx1; kx++) v += load<f32>(R + F(kx));
        store<f32>(row + F(ox), v);
      }
    }
  }
}

/** conv: dW_t[o, ky, kx] += t * sum of g over the outputs that (ky, kx) reaches inside the image. */
export function conv_time_grad(g: usize, Cout: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32,
                               t: f32, dWt: usize, oStride: i32): void {
  for (let o = 0; o < Cout; o++) {
    const go = g + F(o * Ho * Wo), dw = dWt + F(o * oStride);
    for (let ky = 0; ky < k; ky++) {
      const oy0 = firstValid(s, pad, ky, Ho), oy1 = endValid(H, s, pad, ky, Ho);
      for (let kx = 0; kx < k; kx++) {
        const ox0 = firstValid(s, pad, kx, Wo), ox1 = endValid(Wd, s, pad, kx, Wo);
        let acc: f32 = 0;
        for (let oy = oy0; oy < oy1; oy++) {
          const row = go + F(oy * Wo);
          for (let ox = ox0; ox < ox1; ox++) acc += load<f32>(row + F(ox));
        }
        const p = dw + F(ky * k + kx);
        store<f32>(p, load<f32>(p) + t * acc);
      }
    }
  }
}

/** transposed conv: tmap [Cout, Ho, Wo]; W_t[o] at Wt + o k^2 floats; R: k floats of scratch. */
export function convt_time_map(Wt: usize, Cout: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32,
                               tmap: usize, R: usize): void {
  for (let o = 0; o < Cout; o++) {
    const w = Wt + F(o * k * k);
    resetRowCache(k);
    for (let y = 0; y < Ho; y++) {
      const row = tmap + F((o * Ho + y) * Wo);
      let mask = 0;
      for (let ky = (y + pad) % s; ky < k; ky += s) {
        const iy = (y + pad - ky) / s;
        if (iy >= 0 && iy < H) mask |= 1 << ky;
      }
      const same = mask ? cachedRow(k, mask, y) : -1;
      if (same >= 0) { copy_f32(row, tmap + F((o * Ho + same) * Wo), Wo); continue; }
      // R[kx] = sum over the ky that reach output row y from an input row 0 <= iy < H
      for (let kx = 0; kx < k; kx++) store<f32>(R + F(kx), 0);
      for (let ky = (y + pad) % s; ky < k; ky += s) {
        const iy = (y + pad - ky) / s;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < k; kx++) store<f32>(R + F(kx), load<f32>(R + F(kx)) + load<f32>(w + F(ky * k + kx)));
      }
      // scatter R[kx] to the outputs x = ix s - pad + kx of the input columns 0 <= ix < W (kx ascending)
      memory.fill(row, 0, F(Wo));
      for (let kx = 0; kx < k; kx++) {
        const r = load<f32>(R + F(kx));
        const ix0 = firstValid(s, pad, kx, Wd), ix1 = endValid(Wo, s, pad, kx, Wd);
        for (let ix = ix0; ix < ix1; ix++) {
          const p = row + F(ix * s - pad + kx);
          store<f32>(p, load<f32>(p) + r);
        }
      }
    }
  }
}

/** transposed conv: dW_t[o, ky, kx] += t * sum of g over the outputs input pixels reach through (ky, kx). */
export function convt_time_grad(g: usize, Cout: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32,
                                t: f32, dWt: usize): void {
  for (let o = 0; o < Cout; o++) {
    const go = g + F(o * Ho * Wo), dw = dWt + F(o * k * k);
    for (let ky = 0; ky < k; ky++) {
      const iy0 = firstValid(s, pad, ky, H), iy1 = endValid(Ho, s, pad, ky, H);
      for (let kx = 0; kx < k; kx++) {
        const ix0 = firstValid(s, pad, kx, Wd), ix1 = endValid(Wo, s, pad, kx, Wd);
        let acc: f32 = 0;
        for (let iy = iy0; iy < iy1; iy++) {
          const row = go + F((iy * s - pad + ky) * Wo);
          for (let ix = ix0; ix < ix1; ix++) acc += load<f32>(row + F(ix * s - pad + kx));
        }
        const p = dw + F(ky * k + kx);
        store<f32>(p, load<f32>(p) + t * acc);
      }
    }
  }
}
