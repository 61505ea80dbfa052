// Input semantics of `predict` (issue 21, item 9): the value scale of JSON images is explicit or
// decided by the values (all 0/1 is refused without --scale), and PNG alpha is composited over a
// stated background (black by default, --background white | 0..255). Checked through the decoder
// against values computed here, and through dist/cli.js: an RGBA or grey+alpha image predicts
// exactly like the grey image it composites to.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePngGrey } from "../../src/data/png.js";
import { imagesFromJson } from "../../src/data/json_images.js";
import { DataError } from "../../src/runtime/errors.js";
import { ROOT } from "../helpers/wasm.js";
import { pngFromRaw } from "../helpers/png_files.js";

const CLI = join(ROOT, "dist/cli.js");
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** A PNG written from the format description: 8-bit, colour type 0 (grey), 4 (grey+alpha), 2 (RGB) or 6 (RGBA), filter 0. */
function png(w: number, h: number, colour: 0 | 2 | 4 | 6, px: (x: number, y: number) => number[]): Uint8Array {
  const rows: number[] = [];
  for (let y = 0; y < h; y++) { rows.push(0); for (let x = 0; x < w; x++) rows.push(...px(x, y)); }
  return pngFromRaw(w, h, colour, Uint8Array.from(rows));
}

const shape = { channels: 1, height: 2, width: 2 };
const dataErr = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(DataError); return (e as Error).message; }
  throw new Error("expected a DataError");
};

describe("JSON value scale", () => {
  it("explicit unit / byte; inferred from fractions or values above 1; all 0/1 refused without --scale", () => {
    expect(Array.from(imagesFromJson([[0, 1], [1, 0]], shape, "a.json", "unit"))).toEqual([0, 255, 255, 0]);
    expect(Array.from(imagesFromJson([[0, 1], [1, 0]], shape, "a.json", "byte"))).toEqual([0, 1, 1, 0]);
    expect(Array.from(imagesFromJson([[0, 0.5], [1, 0]], shape, "a.json"))).toEqual([0, 128, 255, 0]); // round(127.5) = 128
    expect(Array.from(imagesFromJson([[0, 7], [1, 255]], shape, "a.json"))).toEqual([0, 7, 1, 255]);
    expect(dataErr(() => imagesFromJson([[0, 1], [1, 0]], shape, "a.json"))).toMatch(/a\.json: image 0: every value is 0 or 1, which is ambiguous: pass --scale unit .* or --scale byte/);
    expect(dataErr(() => imagesFromJson([[0, 0], [0, 0]], shape, "a.json"))).toMatch(/ambiguous/);
    expect(dataErr(() => imagesFromJson([[0, 0.5], [9, 0]], shape, "a.json"))).toMatch(/mixes fractions with values above 1 \(9\)/);
    expect(dataErr(() => imagesFromJson([[0, 2], [1, 0]], shape, "a.json", "unit"))).toMatch(/pixel 1: expected a number in \[0, 1\] \(--scale unit\), got 2/);
    expect(dataErr(() => imagesFromJson([[0, 0.5], [1, 0]], shape, "a.json", "byte"))).toMatch(/pixel 1: expected an integer 0\.\.255 on the byte scale, got 0\.5/);
  });
});

describe("PNG alpha", () => {
  it("composites over the background: round((g a + bg (255 - a)) / 255), for grey+alpha and RGBA", async () => {
    const alphas = [0, 1, 64, 128, 200, 254, 255];
    for (const bg of [0, 255, 100]) {
      const ga = await decodePngGrey(png(alphas.length, 1, 4, (x) => [200, alphas[x]!]), "ga.png", { background: bg });
      const rgba = await decodePngGrey(png(alphas.length, 1, 6, (x) => [200, 200, 200, alphas[x]!]), "rgba.png", { background: bg });
      const want = alphas.map((a) => Math.round((200 * a + bg * (255 - a)) / 255));
      expect(Array.from(ga.pixels)).toEqual(want);
      expect(Array.from(rgba.pixels)).toEqual(want);
    }
    expect(Array.from((await decodePngGrey(png(2, 1, 6, () => [255, 255, 255, 0]), "w.png")).pixels)).toEqual([0, 0]); // default black
    await expect(decodePngGrey(png(1, 1, 0, () => [3]), "g.png", { background: 256 })).rejects.toThrow(/background must be an integer grey level 0\.\.255, got 256/);
  });
});

describe("predict through the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-pin-"));
  const ck = join(dir, "run", "checkpoint.safetensors");
  const bar = (x: number, y: number) => (x === 3 || y === 5 ? 255 : 0);
  const predict = (...args: string[]) => {
    const r = cli("predict", "--checkpoint", ck, "--json", ...args);
    expect(r.code, r.err).toBe(0);
    return (JSON.parse(r.out).predictions as { probabilities: number[] }[]).map((p) => p.probabilities);
  };
  beforeAll(() => { expect(cli("train", "--preset", "tiny", "--out", join(dir, "run")).code).toBe(0); }, 120_000);

  it("RGBA / grey+alpha images predict like the grey image they composite to; JSON 0/1 needs --scale", () => {
    writeFileSync(join(dir, "grey.png"), png(8, 8, 0, (x, y) => [bar(x, y)]));
    writeFileSync(join(dir, "white.png"), png(8, 8, 0, (x, y) => [bar(x, y) || 255]));
    // the bar opaque white, the rest transparent white (what a drawing app exports)
    writeFileSync(join(dir, "rgba.png"), png(8, 8, 6, (x, y) => [255, 255, 255, bar(x, y)]));
    writeFileSync(join(dir, "ga.png"), png(8, 8, 4, (x, y) => [255, bar(x, y)]));
    const [grey, white, rgba, ga] = predict(join(dir, "grey.png"), join(dir, "white.png"), join(dir, "rgba.png"), join(dir, "ga.png"));
    expect(rgba).toEqual(grey);
    expect(ga).toEqual(grey);
    expect(white).not.toEqual(grey);
    const [rgbaOnWhite] = predict("--background", "white", join(dir, "rgba.png"));
    expect(rgbaOnWhite).toEqual(white);
    const bad = cli("predict", "--checkpoint", ck, "--background", "pink", join(dir, "rgba.png"));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--background: expected black, white or a grey level 0\.\.255, got "pink"/);

    const ones = Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => (bar(x, y) ? 1 : 0)));
    writeFileSync(join(dir, "ones.json"), JSON.stringify(ones));
    const amb = cli("predict", "--checkpoint", ck, join(dir, "ones.json"));
    expect(amb.code, amb.err).toBe(4);
    expect(amb.err).toMatch(/DataError \[E_DATA\]: .*ones\.json: image 0: every value is 0 or 1, which is ambiguous: pass --scale unit/);
    const [unit] = predict("--scale", "unit", join(dir, "ones.json"));
    expect(unit).toEqual(grey);
    const [byte] = predict("--scale", "byte", join(dir, "ones.json"));
    expect(byte).not.toEqual(grey);
  }, 120_000);
});
