// PNG files for tests, written by an independent encoder (node:zlib deflate, CRC-32 per chunk as
// the PNG spec defines it), and generated image folders ROOT/<class>/*.png whose classes are
// separable: class k has a bright vertical band at the k-th of `classes` column ranges, plus noise.
import { deflateSync } from "node:zlib";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length), dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG from its filtered, uncompressed rows (each row: a filter byte, then width x samples bytes); colour type 0, 2, 4 or 6. */
export function pngFromRaw(width: number, height: number, colourType: 0 | 2 | 4 | 6, raw: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13), dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width); dv.setUint32(4, height);
  ihdr.set([8, colourType, 0, 0, 0], 8);
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** A PNG of interleaved samples (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA per pixel), filter 0 on every row. */
export function encodePng(width: number, height: number, samples: 1 | 2 | 3 | 4, pixels: ArrayLike<number>): Uint8Array {
  if (pixels.length !== width * height * samples) throw new Error(`encodePng: ${pixels.length} samples for ${width}x${height}x${samples}`);
  const raw = new Uint8Array(height * (1 + width * samples));
  for (let y = 0; y < height; y++) raw.set(Array.from({ length: width * samples }, (_, i) => pixels[y * width * samples + i]!), y * (1 + width * samples) + 1);
  return pngFromRaw(width, height, ({ 1: 0, 2: 4, 3: 2, 4: 6 } as const)[samples], raw);
}

/** A small deterministic generator in [0, 1) (test data only). */
export function lcg(seed: number): () => number {
  let s = (seed * 2654435761 + 1) >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export interface FolderSpec {
  classes: string[];
  perClass: number;
  width: number;
  height: number;
  /** Write RGB PNGs (the band in the class's colour channel k % 3) instead of grey ones. */
  rgb?: boolean;
  seed?: number;
}

/** Grey level of pixel (x, y) of an image of class k: a bright band in column range k, noise elsewhere. */
function bandValue(k: number, classes: number, x: number, width: number, rnd: () => number): number {
  const inBand = Math.floor((x * classes) / width) === k;
  return Math.round(inBand ? 180 + 60 * rnd() : 50 * rnd());
}

/** Writes ROOT/<class>/<i>.png for every class; returns ROOT. */
export function writePngFolder(root: string, s: FolderSpec): string {
  const rnd = lcg(s.seed ?? 1), K = s.classes.length;
  s.classes.forEach((name, k) => {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < s.perClass; i++) {
      const px: number[] = [];
      for (let y = 0; y < s.height; y++) {
        for (let x = 0; x < s.width; x++) {
          const v = bandValue(k, K, x, s.width, rnd);
          if (s.rgb) px.push(...[0, 1, 2].map((c) => (c === k % 3 ? v : Math.round(v / 3))));
          else px.push(v);
        }
      }
      writeFileSync(join(root, name, `${String(i).padStart(3, "0")}.png`), encodePng(s.width, s.height, s.rgb ? 3 : 1, px));
    }
  });
  return root;
}
