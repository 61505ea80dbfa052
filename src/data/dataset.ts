// Image sets stored as bytes and their minibatches (normalised to [0, 1] f32). Shuffling and the
// validation split are in ./shuffle.ts.
import { ArgumentError, DataError } from "../runtime/errors.js";

/** Images stored as bytes, [count, channels, height, width] (channel planes, rows row-major). */
export interface ImageSet {
  count: number;
  channels: number;
  height: number;
  width: number;
  pixels: Uint8Array;
  labels: Uint8Array;
  numClasses: number;
}

/** byte -> byte/255 as f32. Division of small integers rounded once to f32 (exact in every runtime). */
export const UNIT_FROM_BYTE: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

export interface ImageBatch {
  /** [count, channelsOut, height, width] in [0, 1]; channels past the image's are zero. */
  x: Float32Array;
  /** count labels. */
  y: Int32Array;
  count: number;
}

export interface BatchOptions {
  /** Zero-pad the channels up to this many (the encoder's augmentation; default: the set's). */
  channelsOut?: number;
  /** Write into these arrays (e.g. views of wasm memory) instead of allocating. */
  out?: { x: Float32Array; y: Int32Array };
}

/** Checks an ImageSet's fields against each other. */
export function validateImageSet(set: ImageSet, name = "image set"): void {
  const { count, channels, height, width, pixels, labels, numClasses } = set;
  for (const [k, v] of Object.entries({ count, channels, height, width, numClasses })) {
    if (!Number.isInteger(v) || v < 0) throw new DataError(`${name}: '${k}' must be a non-negative integer, got ${v}`);
  }
  const need = count * channels * height * width;
  if (pixels.length !== need) {
    throw new DataError(`${name}: 'pixels' must hold count*channels*height*width = ${need} bytes, got ${pixels.length}`);
  }
  if (labels.length !== count) throw new DataError(`${name}: 'labels' must hold ${count} entries, got ${labels.length}`);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= numClasses) {
      throw new DataError(`${name}: label ${i}: expected a class in [0, ${numClasses - 1}], got ${labels[i]}`);
    }
  }
}

/**
 * Gathers examples order[start .. start+count) into an f32 batch normalised to [0, 1],
 * zero-padding channels to `channelsOut`.
 */
export function imageBatch(set: ImageSet, order: ArrayLike<number>, start: number, count: number,
                           options: BatchOptions = {}): ImageBatch {
  const cIn = set.channels;
  const cOut = options.channelsOut ?? cIn;
  if (!Number.isInteger(cOut) || cOut < cIn) {
    throw new ArgumentError(`channelsOut must be an integer >= the image channels (${cIn}), got ${cOut}`);
  }
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > order.length) {
    throw new ArgumentError(`batch [${start}, ${start + count}) is outside the order of length ${order.length}`);
  }
  const plane = set.height * set.width;
  const perIn = cIn * plane;
  const perOut = cOut * plane;
  const x = options.out?.x ?? new Float32Array(count * perOut);
  const y = options.out?.y ?? new Int32Array(count);
  if (x.length < count * perOut || y.length < count) {
    throw new ArgumentError(`output buffers too small: need x >= ${count * perOut} and y >= ${count}, got ${x.length} and ${y.length}`);
  }
  for (let b = 0; b < count; b++) {
    const idx = order[start + b]!;
    if (!(idx >= 0 && idx < set.count)) {
      throw new ArgumentError(`example index ${idx} at batch position ${b} is outside [0, ${set.count})`);
    }
    const src = idx * perIn;
    const dst = b * perOut;
    for (let k = 0; k < perIn; k++) x[dst + k] = UNIT_FROM_BYTE[set.pixels[src + k]!]!;
    x.fill(0, dst + perIn, dst + perOut);
    y[b] = set.labels[idx]!;
  }
  return { x, y, count };
}

/** Minibatches over `order` (e.g. epochOrder(...)); the last partial batch unless dropLast. */
export function* imageBatches(set: ImageSet, order: ArrayLike<number>, batchSize: number,
                              options: BatchOptions & { dropLast?: boolean } = {}): Generator<ImageBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  for (let s = 0; s < order.length; s += batchSize) {
    const count = Math.min(batchSize, order.length - s);
    if (count < batchSize && options.dropLast) return;
    yield imageBatch(set, order, s, count, options);
  }
}

/**
 * The encoder's channel augmentation as a pure transform: [n, cIn, h*w] -> [n, cOut, h*w],
 * the extra channels zero (MNIST 1 -> 3, CIFAR-10 3 -> 5 in the reference models).
 */
export function padChannels(x: Float32Array, n: number, cIn: number, cOut: number, plane: number): Float32Array {
  if (x.length !== n * cIn * plane) {
    throw new ArgumentError(`padChannels: input must hold n*cIn*plane = ${n * cIn * plane} values, got ${x.length}`);
  }
  if (!Number.isInteger(cOut) || cOut < cIn) throw new ArgumentError(`padChannels: cOut must be an integer >= cIn (${cIn}), got ${cOut}`);
  const out = new Float32Array(n * cOut * plane);
  for (let b = 0; b < n; b++) out.set(x.subarray(b * cIn * plane, (b + 1) * cIn * plane), b * cOut * plane);
  return out;
}

/** Rows order[start .. start+count) of a row-major [N, width] f32 matrix. */
export function gatherRows(src: Float32Array, width: number, order: ArrayLike<number>, start: number, count: number,
                           out?: Float32Array): Float32Array {
  const n = src.length / width;
  const dst = out ?? new Float32Array(count * width);
  if (dst.length < count * width) throw new ArgumentError(`gatherRows: output needs ${count * width} values, got ${dst.length}`);
  for (let b = 0; b < count; b++) {
    const i = order[start + b]!;
    if (!(i >= 0 && i < n)) throw new ArgumentError(`gatherRows: row index ${i} at position ${b} is outside [0, ${n})`);
    dst.set(src.subarray(i * width, (i + 1) * width), b * width);
  }
  return dst;
}

/** An ImageSet from parsed MNIST files (1 channel, 10 classes). */
export function mnistImageSet(images: { count: number; rows: number; cols: number; pixels: Uint8Array },
                              labels: { count: number; labels: Uint8Array }): ImageSet {
  if (images.count !== labels.count) {
    throw new DataError(`MNIST: ${images.count} images but ${labels.count} labels`);
  }
  return { count: images.count, channels: 1, height: images.rows, width: images.cols,
    pixels: images.pixels, labels: labels.labels, numClasses: 10 };
}

/** An ImageSet from a parsed CIFAR-10 batch (3 channels, 10 classes). */
export function cifarImageSet(batch: { count: number; labels: Uint8Array; pixels: Uint8Array }): ImageSet {
  return { count: batch.count, channels: 3, height: 32, width: 32, pixels: batch.pixels, labels: batch.labels, numClasses: 10 };
}
