// IDX files (the MNIST distribution format): big-endian header, unsigned-byte payload.
//   magic = 00 00 <type> <ndims>, then ndims u32 big-endian sizes, then prod(sizes) bytes.
// Every size is checked against the bytes actually present before anything is allocated.
import { DataError } from "../runtime/errors.js";
import { maybeGunzip, type InflateOptions } from "./gzip.js";

/** IDX type code of unsigned bytes (the only type MNIST uses). */
export const IDX_UBYTE = 0x08;
export const IDX_LABELS_MAGIC = 0x00000801;
export const IDX_IMAGES_MAGIC = 0x00000803;

export interface IdxArray {
  /** Sizes from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The payload (a copy: it does not alias the input). */
  data: Uint8Array;
}

export interface MnistImages {
  count: number;
  rows: number;
  cols: number;
  /** count * rows * cols bytes, row-major [N, rows, cols] (0 = background, 255 = ink). */
  pixels: Uint8Array;
}

export interface MnistLabels {
  count: number;
  labels: Uint8Array;
}

const hex8 = (v: number): string => "0x" + (v >>> 0).toString(16).padStart(8, "0");

/** Parses an uncompressed IDX file of unsigned bytes with `expectedDims` dimensions. */
export function parseIdx(bytes: Uint8Array, name: string, expectedDims?: number): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    throw new DataError(`${name}: expected the file contents as a Uint8Array, got ${typeof bytes}`);
  }
  if (bytes.length < 4) {
    throw new DataError(`${name}: truncated IDX header at byte offset 0: expected at least 4 bytes (magic), got ${bytes.length}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, false);
  const type = bytes[2]!;
  const ndims = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`${name}: bad IDX magic at byte offset 0: expected 00 00 <type> <ndims>, got ${hex8(magic)}` +
      (bytes[0] === 0x1f && bytes[1] === 0x8b ? " (this is gzip data: use readIdx/parseMnist*Async, which decompress)" : ""));
  }
  if (type !== IDX_UBYTE) {
    throw new DataError(`${name}: unsupported IDX element type at byte offset 2: expected 0x08 (unsigned byte), got 0x${type.toString(16).padStart(2, "0")}`);
  }
  if (expectedDims !== undefined && ndims !== expectedDims) {
    throw new DataError(`${name}: wrong IDX dimension count at byte offset 3: expected ${expectedDims} (magic ${hex8(0x800 | expectedDims)}), got ${ndims} (magic ${hex8(magic)})`);
  }
  if (ndims === 0) throw new DataError(`${name}: IDX dimension count at byte offset 3 is 0: expected at least 1`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DataError(`${name}: truncated IDX header at byte offset ${bytes.length}: expected ${headerBytes} header bytes for ${ndims} dimensions, got ${bytes.length}`);
  }
  const dims: number[] = [];
  let declared = 1; // exact while <= bytes.length; any larger value is rejected below
  for (let d = 0; d < ndims; d++) {
    const n = dv.getUint32(4 + 4 * d, false);
    dims.push(n);
    declared = Math.min(declared * n, Number.MAX_SAFE_INTEGER);
  }
  const payload = bytes.length - headerBytes;
  if (declared !== payload) {
    const what = declared > payload ? "truncated" : "has trailing bytes";
    throw new DataError(`${name}: IDX payload ${what} at byte offset ${headerBytes}: dims [${dims.join(", ")}] declare ` +
      `${declared === Number.MAX_SAFE_INTEGER ? "more than 2^53" : declared} bytes, got ${payload}`);
  }
  return { dims, data: Uint8Array.prototype.slice.call(bytes, headerBytes) };
}

/** Parses an IDX image file (magic 0x00000803): [N, rows, cols] unsigned bytes. */
export function parseMnistImages(bytes: Uint8Array, name = "images.idx3-ubyte"): MnistImages {
  const { dims, data } = parseIdx(bytes, name, 3);
  const [count, rows, cols] = dims as [number, number, number];
  if (rows === 0 || cols === 0) {
    throw new DataError(`${name}: image size at byte offset 8 must be non-zero, got ${rows}x${cols}`);
  }
  return { count, rows, cols, pixels: data };
}

/** Parses an IDX label file (magic 0x00000801): N unsigned bytes. */
export function parseMnistLabels(bytes: Uint8Array, name = "labels.idx1-ubyte", numClasses = 10): MnistLabels {
  const { dims, data } = parseIdx(bytes, name, 1);
  for (let i = 0; i < data.length; i++) {
    if (data[i]! >= numClasses) {
      throw new DataError(`${name}: label ${i} at byte offset ${8 + i}: expected a class in [0, ${numClasses - 1}], got ${data[i]}`);
    }
  }
  return { count: dims[0]!, labels: data };
}

/** As parseMnistImages, but accepts gzip-compressed files too. */
export async function parseMnistImagesAsync(bytes: Uint8Array, name?: string, gzip?: InflateOptions): Promise<MnistImages> {
  return parseMnistImages(await maybeGunzip(bytes, { name, ...gzip }), name);
}

/** As parseMnistLabels, but accepts gzip-compressed files too. */
export async function parseMnistLabelsAsync(bytes: Uint8Array, name?: string, gzip?: InflateOptions): Promise<MnistLabels> {
  return parseMnistLabels(await maybeGunzip(bytes, { name, ...gzip }), name);
}

/** Checks that an image file and a label file describe the same number of examples. */
export function checkPaired(images: MnistImages, labels: MnistLabels, imagesName: string, labelsName: string): void {
  if (images.count !== labels.count) {
    throw new DataError(`${labelsName}: label count does not match ${imagesName}: expected ${images.count} labels, got ${labels.count}`);
  }
}
