// Corruptions: deterministic bytes per seed, different noise for a different seed, severity monotone
// on a fixed digit-like image, and the deterministic ones against independent f64 references
// (contrast, blur, rotation: within 1 grey level of the reference; translation exact).
import { describe, expect, it } from "vitest";
import { CORRUPTIONS, corruptImageSet, invertedImageSet, noiseImageSet } from "../../src/eval/corruptions.js";
import type { ImageSet } from "../../src/data/dataset.js";
import { freshRuntime } from "../helpers/wasm.js";

const H = 28, W = 28;
/** A ring with a bar: a fixed digit-like image. */
function digit(): ImageSet {
  const pixels = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const r = Math.hypot(x - 13.5, y - 11);
    pixels[y * W + x] = (r > 5 && r < 8) || (x === 20 && y > 10) ? 230 : 0;
  }
  return { count: 1, channels: 1, height: H, width: W, pixels, labels: new Uint8Array(1), numClasses: 10 };
}
const two = (): ImageSet => { const d = digit(); return { ...d, count: 2, pixels: Uint8Array.from([...d.pixels, ...d.pixels.map((v) => 255 - v)]), labels: new Uint8Array(2) }; };
const meanAbs = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
const toByte = (v: number) => Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5);

describe("corruptions", () => {
  it("are deterministic per seed and differ across seeds where random", async () => {
    const rt = await freshRuntime(), rt2 = await freshRuntime();
    for (const name of CORRUPTIONS) {
      const a = corruptImageSet(rt, two(), name, 3, 11), b = corruptImageSet(rt2, two(), name, 3, 11);
      expect(Array.from(a.pixels), name).toEqual(Array.from(b.pixels));
      // image 1 alone with first = 1 gets the same bytes as inside the batch
      const one = corruptImageSet(rt, { ...digit(), pixels: two().pixels.slice(H * W) }, name, 3, 11, 1);
      expect(Array.from(one.pixels), name).toEqual(Array.from(a.pixels.slice(H * W)));
      if (["gaussian_noise", "shot_noise", "impulse_noise"].includes(name)) {
        expect(Array.from(corruptImageSet(rt, two(), name, 3, 12).pixels), name).not.toEqual(Array.from(a.pixels));
      }
    }
  });

  it("grow with severity on a fixed image", async () => {
    const rt = await freshRuntime();
    const d = digit();
    for (const name of CORRUPTIONS) {
      const change = [1, 2, 3, 4, 5].map((s) => meanAbs(corruptImageSet(rt, d, name, s, 5).pixels, d.pixels));
      for (let s = 1; s < 5; s++) expect(change[s]!, `${name} severity ${s + 1}: ${change}`).toBeGreaterThan(change[s - 1]!);
      expect(change[0]!, name).toBeGreaterThan(0);
    }
  });

  it("contrast, blur and rotation match f64 references; translation moves pixels exactly", async () => {
    const rt = await freshRuntime();
    const d = digit(), x = Array.from(d.pixels, (v) => v / 255);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const con = corruptImageSet(rt, d, "contrast", 2, 0).pixels;
    con.forEach((v, i) => expect(Math.abs(v - toByte((x[i]! - mean) * 0.5 + mean))).toBeLessThanOrEqual(1));
    // separable Gaussian blur sigma 1 (severity 3), radius 3, clamped edges
    const k = [-3, -2, -1, 0, 1, 2, 3].map((j) => Math.exp(-(j * j) / 2));
    const ks = k.reduce((a, b) => a + b, 0);
    const at = (img: number[], yy: number, xx: number) => img[Math.min(H - 1, Math.max(0, yy)) * W + Math.min(W - 1, Math.max(0, xx))]!;
    const hor = x.map((_, i) => k.reduce((a, w, j) => a + (w / ks) * at(x, Math.floor(i / W), (i % W) + j - 3), 0));
    const blur = hor.map((_, i) => k.reduce((a, w, j) => a + (w / ks) * at(hor, Math.floor(i / W) + j - 3, i % W), 0));
    const bl = corruptImageSet(rt, d, "gaussian_blur", 3, 0).pixels;
    bl.forEach((v, i) => expect(Math.abs(v - toByte(blur[i]!))).toBeLessThanOrEqual(1));
    // rotation by +-30 degrees (severity 3): one of the two signs matches a bilinear reference
    const rot = corruptImageSet(rt, d, "rotation", 3, 0).pixels;
    const ref = (deg: number) => {
      const a = (deg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a), cx = (W - 1) / 2, cy = (H - 1) / 2;
      return Array.from({ length: H * W }, (_, i) => {
        const dx = (i % W) - cx, dy = Math.floor(i / W) - cy;
        const sx = c * dx + s * dy + cx, sy = -s * dx + c * dy + cy, x0 = Math.floor(sx), y0 = Math.floor(sy);
        let v = 0;
        for (const [xx, yy, w] of [[x0, y0, (1 - (sx - x0)) * (1 - (sy - y0))], [x0 + 1, y0, (sx - x0) * (1 - (sy - y0))], [x0, y0 + 1, (1 - (sx - x0)) * (sy - y0)], [x0 + 1, y0 + 1, (sx - x0) * (sy - y0)]] as const) {
          if (xx >= 0 && xx < W && yy >= 0 && yy < H) v += w * x[yy * W + xx]!;
        }
        return toByte(v);
      });
    };
    const off = (r: number[]) => Math.max(...r.map((v, i) => Math.abs(v - rot[i]!)));
    expect(Math.min(off(ref(30)), off(ref(-30)))).toBeLessThanOrEqual(1);
    // translation: the shifted image holds the same pixels, zero-filled at the border
    const tr = corruptImageSet(rt, d, "translation", 2, 0).pixels;
    const shifts = [-2, 0, 2].flatMap((dx) => [-2, 0, 2].map((dy) => [dx, dy] as const)).filter(([a, b]) => a || b);
    const matches = shifts.filter(([dx, dy]) => tr.every((v, i) => {
      const sx = (i % W) - dx, sy = Math.floor(i / W) - dy;
      return v === (sx >= 0 && sx < W && sy >= 0 && sy < H ? d.pixels[sy * W + sx]! : 0);
    }));
    expect(matches.length).toBe(1);
  });

  it("OOD sets: noise images are deterministic and spread over 0..255; inversion is 255 - x", () => {
    const d = digit();
    const a = noiseImageSet(d, 4, 1), b = noiseImageSet(d, 4, 1);
    expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
    const mean = a.pixels.reduce((s, v) => s + v, 0) / a.pixels.length;
    expect(Math.abs(mean - 127.5)).toBeLessThan(10);
    expect(Array.from(invertedImageSet(d).pixels)).toEqual(Array.from(d.pixels, (v) => 255 - v));
  });

  it("rejects unknown names and severities", async () => {
    const rt = await freshRuntime();
    expect(() => corruptImageSet(rt, digit(), "fog" as never, 1, 0)).toThrow(/unknown corruption 'fog'/);
    expect(() => corruptImageSet(rt, digit(), "contrast", 6, 0)).toThrow(/severity must be an integer in 1..5, got 6/);
  });
});
