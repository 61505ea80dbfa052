// Deterministic image corruptions (in the spirit of MNIST-C / ImageNet-C) on grey u8 images
// [n, H, W]. Randomness: Philox under key (seed, stream), counter (pixel >> 2, image, kind,
// DOMAIN_CORRUPT), so image i of a batch gets the same noise whatever the batch. Arithmetic in
// f64 with AssemblyScript's own Math: identical bytes in every engine.
import { philox4x4 } from "../rng/philox_core";
import { fillNormals } from "../rng/normal_core";

const DOMAIN_CORRUPT: u32 = 15;
export const CORRUPT_GAUSSIAN_NOISE = 0;
export const CORRUPT_SHOT_NOISE = 1;
export const CORRUPT_IMPULSE_NOISE = 2;
export const CORRUPT_GAUSSIAN_BLUR = 3;
export const CORRUPT_CONTRAST = 4;
export const CORRUPT_ROTATION = 5;
export const CORRUPT_TRANSLATION = 6;

// severity 1..5 parameters
const GAUSS_STD: StaticArray<f64> = [0.08, 0.12, 0.18, 0.26, 0.38];
const SHOT_LAMBDA: StaticArray<f64> = [60, 25, 12, 5, 3];
const IMPULSE_P: StaticArray<f64> = [0.03, 0.06, 0.09, 0.17, 0.27];
const BLUR_SIGMA: StaticArray<f64> = [0.5, 0.75, 1.0, 1.5, 2.0];
const CONTRAST_C: StaticArray<f64> = [0.6, 0.5, 0.4, 0.3, 0.15];
const ROT_DEG: StaticArray<f64> = [10, 20, 30, 40, 50];
const SHIFT_PX: StaticArray<i32> = [1, 2, 3, 4, 5];

const WORDS = memory.data(64, 16);

/** Uniform in [0, 1) from word `e` of the (image, kind) stream: (w >> 8) 2^-24. */
function uniformAt(k0: u32, k1: u32, image: u32, kind: u32, e: u32): f64 {
  philox4x4(i32x4.splat(e >> 2), i32x4.splat(image), i32x4.splat(kind), i32x4.splat(DOMAIN_CORRUPT), k0, k1, WORDS);
  // lane 0 of each of the four output words
  const w = load<u32>(WORDS + (<usize>(e & 3) << 4));
  return <f64>(w >>> 8) * 5.9604644775390625e-8;
}

@inline function toByte(v: f64): u8 {
  const c = v < 0 ? 0 : v > 1 ? 1 : v;
  return <u8>(<i32>Math.floor(c * 255 + 0.5));
}
@inline function px(src: usize, i: i32): f64 {
  return <f64>load<u8>(src + <usize>i) / 255;
}

/** Poisson(mean) by inversion of one uniform (mean <= 60 here, so exp(-mean) is a normal f64). */
function poisson(mean: f64, u: f64): f64 {
  let p = Math.exp(-mean), cdf = p, k: f64 = 0;
  while (u > cdf && k < 400) { k += 1; p *= mean / k; cdf += p; }
  return k;
}

function blur(src: usize, dst: usize, H: i32, W: i32, sigma: f64, tmp: usize): void {
  const r = <i32>Math.ceil(3 * sigma);
  const kw = tmp; // 2r + 1 weights (f64)
  let sum: f64 = 0;
  for (let j = -r; j <= r; j++) { const w = Math.exp(-<f64>(j * j) / (2 * sigma * sigma)); store<f64>(kw + (<usize>(j + r) << 3), w); sum += w; }
  for (let j = 0; j <= 2 * r; j++) store<f64>(kw + (<usize>j << 3), load<f64>(kw + (<usize>j << 3)) / sum);
  const row = kw + (<usize>(2 * r + 1) << 3); // H x W f64: horizontal pass
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let acc: f64 = 0;
    for (let j = -r; j <= r; j++) {
      const xx = min(W - 1, max(0, x + j)); // clamp to edge
      acc += load<f64>(kw + (<usize>(j + r) << 3)) * px(src, y * W + xx);
    }
    store<f64>(row + (<usize>(y * W + x) << 3), acc);
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let acc: f64 = 0;
    for (let j = -r; j <= r; j++) {
      const yy = min(H - 1, max(0, y + j));
      acc += load<f64>(kw + (<usize>(j + r) << 3)) * load<f64>(row + (<usize>(yy * W + x) << 3));
    }
    store<u8>(dst + <usize>(y * W + x), toByte(acc));
  }
}

/** Bilinear rotation by `deg` degrees about the image centre; outside the source is 0. */
function rotate(src: usize, dst: usize, H: i32, W: i32, deg: f64): void {
  const a = deg * (Math.PI / 180), c = Math.cos(a), s = Math.sin(a);
  const cy = (<f64>H - 1) / 2, cx = (<f64>W - 1) / 2;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    // inverse map: source = R(-a) (dest - centre) + centre
    const dx = <f64>x - cx, dy = <f64>y - cy;
    const sx = c * dx + s * dy + cx, sy = -s * dx + c * dy + cy;
    const x0 = <i32>Math.floor(sx), y0 = <i32>Math.floor(sy);
    const fx = sx - <f64>x0, fy = sy - <f64>y0;
    let v: f64 = 0;
    for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) {
      const xx = x0 + i, yy = y0 + j;
      if (xx >= 0 && xx < W && yy >= 0 && yy < H) v += (i ? fx : 1 - fx) * (j ? fy : 1 - fy) * px(src, yy * W + xx);
    }
    store<u8>(dst + <usize>(y * W + x), toByte(v));
  }
}

/**
 * dst[n, H, W] = corruption `kind` at `severity` (1..5) of src[n, H, W] (u8 grey images), image i
 * using the random stream of image (first + i). scratch: >= (H W + 64) * 8 bytes. Returns 0, or -1
 * for an unknown kind / severity (the host validates first).
 */
export function corrupt_images(kind: i32, severity: i32, src: usize, dst: usize, n: i32, H: i32, W: i32,
                               k0: u32, k1: u32, first: u32, scratch: usize): i32 {
  if (kind < 0 || kind > 6 || severity < 1 || severity > 5) return -1;
  const P = H * W, s = severity - 1;
  for (let i = 0; i < n; i++) {
    const a = src + <usize>(i * P), b = dst + <usize>(i * P), img = first + <u32>i;
    if (kind == CORRUPT_GAUSSIAN_NOISE) {
      fillNormals(k0, k1, img, <u32>kind, DOMAIN_CORRUPT, 0, P, 1, scratch, false);
      const std = GAUSS_STD[s];
      for (let p = 0; p < P; p++) store<u8>(b + <usize>p, toByte(px(a, p) + std * <f64>load<f32>(scratch + (<usize>p << 2))));
    } else if (kind == CORRUPT_SHOT_NOISE) {
      const lam = SHOT_LAMBDA[s];
      for (let p = 0; p < P; p++) store<u8>(b + <usize>p, toByte(poisson(px(a, p) * lam, uniformAt(k0, k1, img, <u32>kind, <u32>p)) / lam));
    } else if (kind == CORRUPT_IMPULSE_NOISE) {
      const q = IMPULSE_P[s];
      for (let p = 0; p < P; p++) {
        const u = uniformAt(k0, k1, img, <u32>kind, <u32>p);
        store<u8>(b + <usize>p, u < q / 2 ? 0 : u >= 1 - q / 2 ? 255 : load<u8>(a + <usize>p));
      }
    } else if (kind == CORRUPT_GAUSSIAN_BLUR) {
      blur(a, b, H, W, BLUR_SIGMA[s], scratch);
    } else if (kind == CORRUPT_CONTRAST) {
      let mean: f64 = 0;
      for (let p = 0; p < P; p++) mean += px(a, p);
      mean /= <f64>P;
      const c = CONTRAST_C[s];
      for (let p = 0; p < P; p++) store<u8>(b + <usize>p, toByte((px(a, p) - mean) * c + mean));
    } else if (kind == CORRUPT_ROTATION) {
      const sign: f64 = uniformAt(k0, k1, img, <u32>kind, 0) < 0.5 ? -1 : 1;
      rotate(a, b, H, W, sign * ROT_DEG[s]);
    } else {
      const u = uniformAt(k0, k1, img, <u32>kind, 0);
      const d = SHIFT_PX[s];
      // one of the eight compass directions, |shift| = d pixels along each moved axis
      const dir = <i32>Math.floor(u * 8);
      const dx = dir == 0 || dir == 1 || dir == 7 ? d : dir >= 3 && dir <= 5 ? -d : 0;
      const dy = dir >= 1 && dir <= 3 ? d : dir >= 5 && dir <= 7 ? -d : 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const sx = x - dx, sy = y - dy;
        store<u8>(b + <usize>(y * W + x), sx >= 0 && sx < W && sy >= 0 && sy < H ? load<u8>(a + <usize>(sy * W + sx)) : 0);
      }
    }
  }
  return 0;
}
