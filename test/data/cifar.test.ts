// CIFAR-10 binary batches on generated files of the official format.
import { describe, expect, it } from "vitest";
import { parseCifarBatch, concatCifar, CIFAR_RECORD } from "../../src/data/cifar.js";
import { cifarImageSet, imageBatch } from "../../src/data/dataset.js";
import { DataError } from "../../src/runtime/errors.js";

/** Pixel value of (record, channel, row, col) in the generated file. */
const pix = (n: number, c: number, y: number, x: number): number => (n * 31 + c * 101 + y * 7 + x * 3) & 255;

/** A batch file per the CIFAR-10 page: <1 x label><3072 x pixel>, R plane then G then B, rows of 32. */
function batchFile(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, n) => {
    out[n * 3073] = l;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
      out[n * 3073 + 1 + c * 1024 + y * 32 + x] = pix(n, c, y, x);
    }
  });
  return out;
}

function err(fn: () => unknown): string {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(DataError); return (e as Error).message; }
  throw new Error("expected a DataError");
}

describe("CIFAR-10 batches", () => {
  it("labels and CHW pixels of every record", () => {
    const labels = [0, 9, 3, 7, 1];
    const b = parseCifarBatch(batchFile(labels), "data_batch_1.bin");
    expect(b.count).toBe(5);
    expect(Array.from(b.labels)).toEqual(labels);
    for (let n = 0; n < 5; n++) for (let c = 0; c < 3; c++) for (const [y, x] of [[0, 0], [31, 31], [5, 17], [20, 2]] as const) {
      expect(b.pixels[n * 3072 + c * 1024 + y * 32 + x]).toBe(pix(n, c, y, x));
    }
  });

  it("an ImageSet batch is [B, 3, 32, 32] in [0,1], padded to 5 channels for the encoder", () => {
    const set = cifarImageSet(parseCifarBatch(batchFile([4, 2]), "f"));
    const { x, y } = imageBatch(set, [1, 0], 0, 2, { channelsOut: 5 });
    expect(Array.from(y)).toEqual([2, 4]);
    expect(x.length).toBe(2 * 5 * 1024);
    expect(x[0 * 5120 + 2 * 1024 + 3 * 32 + 4]).toBe(Math.fround(pix(1, 2, 3, 4) / 255));
    expect(x[1 * 5120 + 0 * 1024 + 31 * 32 + 31]).toBe(Math.fround(pix(0, 0, 31, 31) / 255));
    expect(x.subarray(3 * 1024, 5 * 1024).every((v) => v === 0)).toBe(true);
    expect(x.subarray(5120 + 3 * 1024, 5120 + 5 * 1024).every((v) => v === 0)).toBe(true);
  });

  it("concatenates batches in order", () => {
    const all = concatCifar([parseCifarBatch(batchFile([1, 2])), parseCifarBatch(batchFile([3]))]);
    expect(Array.from(all.labels)).toEqual([1, 2, 3]);
    expect(all.pixels[2 * 3072 + 5]).toBe(pix(0, 0, 0, 5));
    expect(all.pixels[1 * 3072 + 1024]).toBe(pix(1, 1, 0, 0));
  });

  it("size not a multiple of 3073 names the truncated record and its byte offset", () => {
    const f = batchFile([1, 2, 3]).subarray(0, 3 * 3073 - 100);
    expect(err(() => parseCifarBatch(f, "test_batch.bin"))).toMatch(
      /test_batch\.bin: size 9119 bytes is not a multiple of the 3073-byte record .*record 2 at byte offset 6146 is truncated, expected 3073 bytes, got 2973/);
  });

  it("label >= 10 names the record and byte offset", () => {
    const f = batchFile([1, 2, 3, 4]);
    f[3 * CIFAR_RECORD] = 10;
    expect(err(() => parseCifarBatch(f, "b.bin"))).toMatch(/b\.bin: record 3 at byte offset 9219: expected a label in \[0, 9\], got 10/);
  });

  it("empty file and non-bytes", () => {
    expect(err(() => parseCifarBatch(new Uint8Array(0), "e.bin"))).toMatch(/e\.bin: empty file: expected records of 3073 bytes, got 0 bytes/);
    expect(err(() => parseCifarBatch([1, 2] as unknown as Uint8Array, "a"))).toMatch(/expected the file contents as a Uint8Array/);
  });
});
