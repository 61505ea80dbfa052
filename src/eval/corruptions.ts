// Deterministic corruptions of grey images (wasm: assembly/data/corrupt.ts) and out-of-distribution
// inputs, for the robustness experiments. Severity parameters (1..5):
//   gaussian_noise  std 0.08 0.12 0.18 0.26 0.38 (pixels in [0, 1])
//   shot_noise      Poisson(lambda x) / lambda, lambda 60 25 12 5 3
//   impulse_noise   salt-and-pepper fraction 0.03 0.06 0.09 0.17 0.27
//   gaussian_blur   sigma 0.5 0.75 1 1.5 2 pixels (clamped edges)
//   contrast        (x - mean) c + mean, c 0.6 0.5 0.4 0.3 0.15
//   rotation        +-10 20 30 40 50 degrees (sign drawn per image), bilinear
//   translation     1..5 pixels in one of 8 compass directions (drawn per image), zero fill
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { ImageSet } from "../data/dataset.js";
import { Stream, streamId } from "../random/randomness.js";
import { mix32 } from "../data/hash.js";

export const CORRUPTIONS = ["gaussian_noise", "shot_noise", "impulse_noise", "gaussian_blur", "contrast", "rotation", "translation"] as const;
export type CorruptionName = typeof CORRUPTIONS[number];

/** The set with every image corrupted (image i uses the noise of image first + i under `seed`). */
export function corruptImageSet(rt: Runtime, set: ImageSet, name: CorruptionName, severity: number, seed: number, first = 0): ImageSet {
  const kind = CORRUPTIONS.indexOf(name);
  if (kind < 0) throw new ArgumentError(`unknown corruption '${String(name)}': expected one of ${CORRUPTIONS.join(", ")}`);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new ArgumentError(`severity must be an integer in 1..5, got ${severity}`);
  if (set.channels !== 1) throw new ArgumentError(`corruptions take grey images, got ${set.channels} channels`);
  const P = set.height * set.width, n = set.count;
  const pixels = rt.arena.scoped(() => {
    const src = rt.arena.alloc(n * P), dst = rt.arena.alloc(n * P), scratch = rt.arena.alloc((P + 64) * 8 + 64);
    new Uint8Array(rt.memory.buffer, src, n * P).set(set.pixels.subarray(0, n * P));
    rt.wasm.corrupt_images(kind, severity, src, dst, n, set.height, set.width, seed >>> 0, streamId(Stream.corruption, 0), first >>> 0, scratch);
    return new Uint8Array(rt.memory.buffer, dst, n * P).slice();
  });
  return { ...set, pixels };
}

/** Out-of-distribution inputs: uniform noise images (hashed bytes) and inverted images (255 - x). */
export function noiseImageSet(like: ImageSet, count: number, seed: number): ImageSet {
  const P = like.channels * like.height * like.width;
  const pixels = new Uint8Array(count * P);
  for (let i = 0; i < pixels.length; i++) pixels[i] = mix32((Math.imul(i + 1, 0x9e3779b1) ^ seed) >>> 0) & 255;
  return { ...like, count, pixels, labels: new Uint8Array(count) };
}

export function invertedImageSet(set: ImageSet): ImageSet {
  return { ...set, pixels: set.pixels.map((v) => 255 - v) };
}
