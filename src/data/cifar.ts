// CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin): records of
// 1 label byte + 3072 pixel bytes (32x32 planes R, G, B, each row-major).
import { DataError } from "../runtime/errors.js";

export const CIFAR_SIDE = 32;
export const CIFAR_CHANNELS = 3;
export const CIFAR_PIXELS = CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE; // 3072
export const CIFAR_RECORD = 1 + CIFAR_PIXELS; // 3073
export const CIFAR_CLASSES = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
] as const;

export interface CifarBatch {
  count: number;
  /** count labels in [0, 9]. */
  labels: Uint8Array;
  /** count * 3072 bytes, [N, 3, 32, 32] (channel planes R, G, B). */
  pixels: Uint8Array;
}

/** Parses one CIFAR-10 binary batch file. */
export function parseCifarBatch(bytes: Uint8Array, name = "cifar batch"): CifarBatch {
  if (!(bytes instanceof Uint8Array)) {
    throw new DataError(`${name}: expected the file contents as a Uint8Array, got ${typeof bytes}`);
  }
  if (bytes.length === 0) throw new DataError(`${name}: empty file: expected records of ${CIFAR_RECORD} bytes, got 0 bytes`);
  const rem = bytes.length % CIFAR_RECORD;
  if (rem !== 0) {
    const full = (bytes.length - rem) / CIFAR_RECORD;
    throw new DataError(`${name}: size ${bytes.length} bytes is not a multiple of the ${CIFAR_RECORD}-byte record ` +
      `(1 label + 3072 pixels): record ${full} at byte offset ${full * CIFAR_RECORD} is truncated, ` +
      `expected ${CIFAR_RECORD} bytes, got ${rem}`);
  }
  const count = bytes.length / CIFAR_RECORD;
  for (let i = 0; i < count; i++) {
    const label = bytes[i * CIFAR_RECORD]!;
    if (label >= 10) {
      throw new DataError(`${name}: record ${i} at byte offset ${i * CIFAR_RECORD}: expected a label in [0, 9], got ${label}`);
    }
  }
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * CIFAR_PIXELS);
  for (let i = 0; i < count; i++) {
    const at = i * CIFAR_RECORD;
    labels[i] = bytes[at]!;
    pixels.set(bytes.subarray(at + 1, at + CIFAR_RECORD), i * CIFAR_PIXELS);
  }
  return { count, labels, pixels };
}

/** Concatenates batches (e.g. data_batch_1..5 into the 50,000-image training set). */
export function concatCifar(batches: readonly CifarBatch[]): CifarBatch {
  let count = 0;
  for (const b of batches) count += b.count;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * CIFAR_PIXELS);
  let at = 0;
  for (const b of batches) {
    labels.set(b.labels, at);
    pixels.set(b.pixels, at * CIFAR_PIXELS);
    at += b.count;
  }
  return { count, labels, pixels };
}
