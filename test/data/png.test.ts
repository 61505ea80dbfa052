// The PNG reader: every filter type decodes against the raw pixels, RGB becomes grey with the
// BT.601 integer weights, and each malformed input is a DataError naming the file and the problem.
import { describe, expect, it } from "vitest";
import { deflateSync } from "node:zlib";
import { decodePng, decodePngGrey } from "../../src/data/png.js";
import { DataError } from "../../src/runtime/errors.js";

function chunk(type: string, data: Uint8Array): number[] {
  const out = new Uint8Array(12 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4); out.set(data, 8);
  return Array.from(out); // the reader does not check CRCs
}
function png(w: number, h: number, colour: number, depth: number, rows: number[][], interlace = 0): Uint8Array {
  const ihdr = new Uint8Array(13), dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w); dv.setUint32(4, h); ihdr.set([depth, colour, 0, 0, interlace], 8);
  return Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, ...chunk("IHDR", ihdr), ...chunk("IDAT", deflateSync(Uint8Array.from(rows.flat()))), ...chunk("IEND", new Uint8Array())]);
}
/** Encodes rows of grey pixels with filter f (0..4) as the PNG spec defines them. */
function filtered(px: number[][], f: number): number[][] {
  return px.map((row, y) => [f, ...row.map((v, x) => {
    const a = x > 0 ? row[x - 1]! : 0, b = y > 0 ? px[y - 1]![x]! : 0, c = x > 0 && y > 0 ? px[y - 1]![x - 1]! : 0;
    const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f]!;
    return (v - pred) & 255;
  })]);
}

describe("decodePngGrey", () => {
  const px = [[0, 10, 200, 255], [7, 99, 3, 128], [250, 1, 64, 32]];
  it("decodes all five filter types", async () => {
    for (let f = 0; f <= 4; f++) {
      const img = await decodePngGrey(png(4, 3, 0, 8, filtered(px, f)), "f.png");
      expect([img.width, img.height, Array.from(img.pixels)], `filter ${f}`).toEqual([4, 3, px.flat()]);
    }
  });

  it("RGB to grey with integer BT.601 weights", async () => {
    const img = await decodePngGrey(png(1, 1, 2, 8, [[0, 255, 128, 0]]), "c.png");
    expect(img.pixels[0]).toBe(Math.floor((255 * 299 + 128 * 587 + 0 + 500) / 1000));
  });

  it("malformed files are DataErrors naming the file and the problem", async () => {
    const bad = async (b: Uint8Array, re: RegExp) => {
      const e = await decodePngGrey(b, "bad.png").then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(DataError);
      expect(String((e as Error).message)).toMatch(/^bad\.png: /);
      expect(String((e as Error).message)).toMatch(re);
    };
    const good = png(4, 3, 0, 8, filtered(px, 0));
    await bad(good.slice(1), /not a PNG file/);
    await bad(good.slice(0, 20), /truncated chunk header|declares/);
    await bad(png(4, 3, 0, 16, filtered(px, 0)), /bit depth 16 is not supported/);
    await bad(png(4, 3, 3, 8, filtered(px, 0)), /colour type 3 is not supported/);
    await bad(png(4, 3, 0, 8, filtered(px, 0), 1), /interlaced/);
    await bad(png(4, 4, 0, 8, filtered(px, 0)), /inflates to 15 bytes, expected 20/);
    await bad(png(4, 3, 0, 8, filtered(px, 0).map((r) => [9, ...r.slice(1)])), /row 0: unknown filter type 9/);
    await bad(png(0, 3, 0, 8, []), /image size 0x3/);
  });
});

describe("decodePng: channel planes", () => {
  it("RGB as planes; grey replicated to 3 channels; RGBA composited per channel over the background", async () => {
    const rgb = await decodePng(png(2, 1, 2, 8, [[0, 10, 20, 30, 40, 50, 60]]), "rgb.png");
    expect([rgb.channels, Array.from(rgb.pixels)]).toEqual([3, [10, 40, 20, 50, 30, 60]]);
    const grey = await decodePng(png(2, 1, 0, 8, [[0, 7, 9]]), "g.png", { channels: 3 });
    expect(Array.from(grey.pixels)).toEqual([7, 9, 7, 9, 7, 9]);
    const rgba = await decodePng(png(1, 1, 6, 8, [[0, 200, 100, 0, 51]]), "a.png", { background: 255 });
    const over = (v: number) => Math.floor((v * 51 + 255 * 204 + 127) / 255);
    expect(Array.from(rgba.pixels)).toEqual([over(200), over(100), over(0)]);
  });
});
