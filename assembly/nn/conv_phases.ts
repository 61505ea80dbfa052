// Implicit im2col for any stride: the zero-padded image split into s x s phase planes,
//   plane (c, a, b) [Hq x Wq] holds xpad[c, a + s i, b + s j],  Hq = ceil(Hp / s), Wq = ceil(Wp / s),
// so that the im2col row of (c, ky, kx), read at output position q = oy Wq + ox, is the contiguous
// run of plane (c, ky mod s, kx mod s) starting at (ky div s, kx div s): xpad[c, oy s + ky, ox s + kx].
// A GEMM reads these rows through a table of addresses (gemm_rows) instead of a materialised im2col
// matrix; the columns ox >= Wo of a product in "padded width" Wq are never used. At s = 1 the only
// phase is the padded image itself.

import { copy_f32 } from "../linalg/copy";
@inline function F(n: i32): usize { return <usize>n << 2; }


/** Floats of the phase planes of one image: C s^2 Hq Wq. */
export function phaseFloats(C: i32, H: i32, Wd: i32, s: i32, pad: i32): i32 {
  return C * s * s * phaseHeight(H, s, pad) * phaseWidth(Wd, s, pad);
}

export function phaseHeight(H: i32, s: i32, pad: i32): i32 { return (H + 2 * pad + s - 1) / s; }
export function phaseWidth(Wd: i32, s: i32, pad: i32): i32 { return (Wd + 2 * pad + s - 1) / s; }

/** Output columns of a padded-width product: (Ho - 1) Wq + Wo. */
export function paddedWidthCols(Ho: i32, Wo: i32, Wd: i32, s: i32, pad: i32): i32 {
  return (Ho - 1) * phaseWidth(Wd, s, pad) + Wo;
}

/** Zeroes the phase planes at xq and writes the row table: row (c, ky, kx) -> its start address. */
export function phaseRows(xq: usize, rows: usize, C: i32, H: i32, Wd: i32, k: i32, s: i32, pad: i32): void {
  const Hq = phaseHeight(H, s, pad), Wq = phaseWidth(Wd, s, pad), plane = Hq * Wq;
  memory.fill(xq, 0, F(C * s * s * plane));
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const p = ((c * s + ky % s) * s + kx % s) * plane + (ky / s) * Wq + kx / s;
        store<u32>(rows + F((c * k + ky) * k + kx), <u32>(xq + F(p)));
      }
    }
  }
}

/** Writes image xb [C, H, W] into the interior of the phase planes (their padding stays as it is). */
export function intoPhases(xq: usize, xb: usize, C: i32, H: i32, Wd: i32, s: i32, pad: i32): void {
  phaseCopy(xq, xb, C, H, Wd, s, pad, true);
}

/** The inverse of intoPhases: image xb [C, H, W] = the interior of the phase planes at xq. */
export function fromPhases(xq: usize, xb: usize, C: i32, H: i32, Wd: i32, s: i32, pad: i32): void {
  phaseCopy(xq, xb, C, H, Wd, s, pad, false);
}

/** Image row (c, iy) <-> its columns in the phase planes: image -> planes when `into`, else back. */
// @ts-ignore: decorator
@inline function phaseCopy(xq: usize, xb: usize, C: i32, H: i32, Wd: i32, s: i32, pad: i32, into: bool): void {
  const Hq = phaseHeight(H, s, pad), Wq = phaseWidth(Wd, s, pad), plane = Hq * Wq;
  for (let c = 0; c < C; c++) {
    for (let iy = 0; iy < H; iy++) {
      const py = iy + pad, row = xb + F((c * H + iy) * Wd);
      const rowBase = (c * s + py % s) * s * plane + (py / s) * Wq;
      if (s == 1) {
        if (into) copy_f32(xq + F(rowBase + pad), row, Wd);
        else copy_f32(row, xq + F(rowBase + pad), Wd);
      } else if (s == 2) {
        if (into) splitRow2(row, xq + F(rowBase), plane, Wd, pad);
        else mergeRow2(xq + F(rowBase + (pad & 1) * plane + (pad >> 1)), xq + F(rowBase + ((pad + 1) & 1) * plane + ((pad + 1) >> 1)), row, Wd);
      } else {
        for (let b = 0; b < s; b++) {
          // the columns px = ix + pad with px mod s = b: ix = ix0, ix0 + s, ... -> j = px div s
          const ix0 = ((b - pad) % s + s) % s;
          let q = xq + F(rowBase + b * plane + (ix0 + pad) / s);
          for (let ix = ix0; ix < Wd; ix += s, q += 4) {
            if (into) store<f32>(q, load<f32>(row + F(ix)));
            else store<f32>(row + F(ix), load<f32>(q));
          }
        }
      }
    }
  }
}

/**
 * Stride 2: row src (W floats) -> its even columns ix = 0, 2, ... and odd columns 1, 3, ... in the
 * row `base` of their phase planes (b = (ix + pad) mod 2 at base + b * plane floats, from column
 * (ix + pad) div 2), 8 columns at a time by two shuffles.
 */
@inline function splitRow2(src: usize, base: usize, plane: i32, Wd: i32, pad: i32): void {
  const ev = base + F((pad & 1) * plane + (pad >> 1)), od = base + F(((pad + 1) & 1) * plane + ((pad + 1) >> 1));
  let ix = 0;
  for (; ix + 8 <= Wd; ix += 8) {
    const a = v128.load(src + F(ix)), b = v128.load(src + F(ix), 16), o = F(ix >> 1);
    v128.store(ev + o, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
    v128.store(od + o, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  }
  for (; ix < Wd; ix++) store<f32>((ix & 1 ? od : ev) + F(ix >> 1), load<f32>(src + F(ix)));
}

/** The inverse of splitRow2: row dst (W floats) from its even columns at ev and odd columns at od. */
// @ts-ignore: decorator
@inline export function mergeRow2(ev: usize, od: usize, dst: usize, Wd: i32): void {
  let ix = 0;
  for (; ix + 8 <= Wd; ix += 8) {
    const e = v128.load(ev + F(ix >> 1)), o = v128.load(od + F(ix >> 1));
    v128.store(dst + F(ix), v128.shuffle<f32>(e, o, 0, 4, 1, 5));
    v128.store(dst + F(ix), v128.shuffle<f32>(e, o, 2, 6, 3, 7), 16);
  }
  for (; ix < Wd; ix++) store<f32>(dst + F(ix), load<f32>((ix & 1 ? od : ev) + F(ix >> 1)));
}

/** y [C, Nq] in padded width Wq (columns ox >= Wo untouched) = image rows of yb [C, Ho, Wo]. */
export function intoPaddedWidth(yq: usize, yb: usize, C: i32, Ho: i32, Wo: i32, Wq: i32, Nq: i32): void {
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < Ho; oy++) copy_f32(yq + F(c * Nq + oy * Wq), yb + F((c * Ho + oy) * Wo), Wo);
  }
}

/** The inverse of intoPaddedWidth: yb [C, Ho, Wo] = the used columns of yq [C, Nq] (row stride Wq). */
export function fromPaddedWidth(yq: usize, yb: usize, C: i32, Ho: i32, Wo: i32, Wq: i32, Nq: i32): void {
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < Ho; oy++) copy_f32(yb + F((c * Ho + oy) * Wo), yq + F(c * Nq + oy * Wq), Wo);
  }
}
