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

import { firstValid, endValid } from "./conv_geometry";

@inline function F(n: i32): usize { return <usize>n << 2; }

// A time map is stored as its distinct rows: output rows whose sets of valid kernel rows ky are
// equal have equal map rows (all interior rows do), so tmap holds Cout x nD rows of Wo floats and
// rowIdx[oy] (i32, Ho entries, right after Cout Ho Wo floats of room for the rows) names the
// distinct row of output row oy (ids in order of first appearance), followed by k floats of row
// sums; the map functions return nD. Element (o, oy, ox) = tmap[(o nD + rowIdx[oy]) Wo + ox].
const MAX_MASKED_K = 10;
const ID_OF_MASK = memory.data(4 << MAX_MASKED_K, 16); // mask of valid ky -> distinct row id + 1 (0: none yet)

/** Scratch floats of a time map: its rows (at most Cout Ho Wo), rowIdx (Ho) and the row sums (k). */
export function timeFloats(Cout: i32, Ho: i32, Wo: i32, k: i32): i32 { return Cout * Ho * Wo + Ho + k; }

/** The address of output row (o, oy) of a time map at tmap with nD distinct rows. */
// @ts-ignore: decorator
@inline export function timeMapRow(tmap: usize, nD: i32, o: i32, oy: i32, Cout: i32, Ho: i32, Wo: i32): usize {
  const rowIdx = tmap + F(Cout * Ho * Wo);
  return tmap + F((o * nD + load<i32>(rowIdx + F(oy))) * Wo);
}

/** rowIdx[oy] from the mask of valid ky of each output row (-1: a row of its own); returns nD. */
@inline function classifyRow(k: i32, mask: i32, oy: i32, rowIdx: usize, nD: i32): i32 {
  let id = nD;
  if (mask >= 0 && k <= MAX_MASKED_K) {
    const p = ID_OF_MASK + F(mask), seen = load<i32>(p);
    if (seen) id = seen - 1;
    else store<i32>(p, nD + 1);
  }
  store<i32>(rowIdx + F(oy), id);
  return id == nD ? nD + 1 : nD;
}

@inline function resetMasks(k: i32): void {
  if (k <= MAX_MASKED_K) memory.fill(ID_OF_MASK, 0, F(1 << k));
}

/** The first output row whose distinct row is d. */
@inline function firstRowOf(rowIdx: usize, d: i32): i32 {
  let oy = 0;
  while (load<i32>(rowIdx + F(oy)) != d) oy++;
  return oy;
}

/**
 * conv: the time map of tmap [Cout, Ho, Wo] at tmap (timeFloats, see above); W_t[o] at Wt + o * oStride
 * floats (k x k, row-major); the row sums R[kx] = sum_{valid ky} W_t[o, ky, kx] of one row.
 */
export function conv_time_map(Wt: usize, oStride: i32, Cout: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32,
                              Ho: i32, Wo: i32, tmap: usize): i32 {
  const rowIdx = tmap + F(Cout * Ho * Wo), R = rowIdx + F(Ho);
  resetMasks(k);
  let nD = 0;
  for (let oy = 0; oy < Ho; oy++) {
    const ky0 = max(0, pad - oy * s), ky1 = min(k, H + pad - oy * s);
    nD = classifyRow(k, ky1 > ky0 ? ((1 << ky1) - 1) & ~((1 << ky0) - 1) : 0, oy, rowIdx, nD);
  }
  for (let d = 0; d < nD; d++) {
    const oy = firstRowOf(rowIdx, d);
    const ky0 = max(0, pad - oy * s), ky1 = min(k, H + pad - oy * s);
    for (let o = 0; o < Cout; o++) {
      const w = Wt + F(o * oStride), row = tmap + F((o * nD + d) * Wo);
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
  return nD;
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

/** The mask of the ky that reach output row y of a transposed conv from an input row 0 <= iy < H. */
@inline function convtMask(y: i32, H: i32, k: i32, s: i32, pad: i32): i32 {
  let mask = 0;
  for (let ky = (y + pad) % s; ky < k; ky += s) {
    const iy = (y + pad - ky) / s;
    if (iy >= 0 && iy < H) mask |= 1 << ky;
  }
  return mask;
}

/** transposed conv: the time map of tmap [Cout, Ho, Wo] at tmap (timeFloats, see above); W_t[o] at Wt + o k^2 floats. */
export function convt_time_map(Wt: usize, Cout: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32, Ho: i32, Wo: i32,
                               tmap: usize): i32 {
  const rowIdx = tmap + F(Cout * Ho * Wo), R = rowIdx + F(Ho);
  resetMasks(k);
  let nD = 0;
  for (let y = 0; y < Ho; y++) nD = classifyRow(k, k <= MAX_MASKED_K ? convtMask(y, H, k, s, pad) : -1, y, rowIdx, nD);
  for (let d = 0; d < nD; d++) {
    const y = firstRowOf(rowIdx, d);
    for (let o = 0; o < Cout; o++) {
      const w = Wt + F(o * k * k), row = tmap + F((o * nD + d) * Wo);
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
  return nD;
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
