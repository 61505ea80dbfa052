// ExampleSet adapters (../models/kind.ts): images stored as bytes, and rows of f32 values.
import { ArgumentError, DataError } from "../runtime/errors.js";
import type { ExampleSet } from "../models/kind.js";
import { imageBatch, validateImageSet, type ImageSet } from "./dataset.js";

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** An ImageSet as examples: pixels / 255 as f32 inputs, labels as i32 classes. */
export function imageExamples(set: ImageSet, name = "image set"): ExampleSet & { images: ImageSet } {
  validateImageSet(set, name);
  return {
    images: set, name, count: set.count, inputSize: set.channels * set.height * set.width, task: "classification",
    gather(order, start, count, x, y) {
      if (!(y instanceof Int32Array)) throw new ArgumentError(`${name}: class labels gather into an Int32Array`);
      imageBatch(set, order, start, count, { out: { x, y } });
    },
    fingerprintParts: () => [bytesOf(set.pixels), bytesOf(set.labels)],
  };
}

/** Rows of f32 inputs (count x width) with one target each: an f32 value, or an i32 class. */
export interface ValueRows { x: Float32Array; y: Float32Array | Int32Array; width: number }

/** Examples from rows of values: regression (f32 targets) or classification (i32 classes). */
export function valueExamples(rows: ValueRows, name = "examples"): ExampleSet & { rows: ValueRows } {
  const { x, y, width } = rows;
  if (!Number.isInteger(width) || width < 1) throw new DataError(`${name}: the row width must be a positive integer, got ${width}`);
  if (x.length !== y.length * width) throw new DataError(`${name}: ${y.length} targets need ${y.length * width} input values, got ${x.length}`);
  return {
    rows, name, count: y.length, inputSize: width, task: y instanceof Int32Array ? "classification" : "regression",
    gather(order, start, count, xo, yo) {
      if (y instanceof Int32Array ? !(yo instanceof Int32Array) : !(yo instanceof Float32Array)) {
        throw new ArgumentError(`${name}: ${y instanceof Int32Array ? "class labels gather into an Int32Array" : "regression targets gather into a Float32Array"}`);
      }
      if (start < 0 || start + count > order.length) throw new ArgumentError(`batch [${start}, ${start + count}) is outside the order of length ${order.length}`);
      for (let b = 0; b < count; b++) {
        const i = order[start + b]!;
        if (!(i >= 0 && i < y.length)) throw new ArgumentError(`example index ${i} at batch position ${b} is outside [0, ${y.length})`);
        xo.set(x.subarray(i * width, (i + 1) * width), b * width);
        yo[b] = y[i]!;
      }
    },
    fingerprintParts: () => [bytesOf(x), bytesOf(y)],
  };
}

/** All indices 0 .. n - 1. */
export const allIndices = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);
