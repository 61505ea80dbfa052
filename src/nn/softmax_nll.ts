// Row-wise log-softmax and fused log-softmax + mean NLL (wasm: assembly/nn/softmax_nll.ts).
// logits: [rows x classes], labels: integers in [0, classes).
import type { Runtime } from "../runtime/load.js";
import type { F32Buffer } from "../runtime/memory.js";
import { ArgumentError } from "../runtime/errors.js";
import { checkBuffer, checkSize, optionalBuffer } from "./validate.js";

export interface SoftmaxShape { rows: number; classes: number }

function dims(fn: string, shape: SoftmaxShape): [number, number] {
  return [checkSize(fn, "rows", shape?.rows), checkSize(fn, "classes", shape?.classes)];
}

/** out = log softmax(logits) per row (out may be logits itself). */
export function logSoftmax(rt: Runtime, shape: SoftmaxShape, logits: F32Buffer, out: F32Buffer): void {
  const fn = "logSoftmax";
  const [rows, classes] = dims(fn, shape);
  checkBuffer(fn, "logits", logits, rows * classes, "rows*classes");
  checkBuffer(fn, "out", out, rows * classes, "rows*classes");
  rt.wasm.log_softmax_forward(logits.ptr, out.ptr, rows, classes);
}

/**
 * Mean over rows of -log softmax(logits)[label]. With `dlogits` (may be logits itself), also
 * writes the gradient (softmax - onehot) / rows.
 */
export function softmaxNll(rt: Runtime, shape: SoftmaxShape, logits: F32Buffer, labels: ArrayLike<number>,
                           dlogits: F32Buffer | null = null): number {
  const fn = "softmaxNll";
  const [rows, classes] = dims(fn, shape);
  checkBuffer(fn, "logits", logits, rows * classes, "rows*classes");
  const g = optionalBuffer(fn, "dlogits", dlogits, rows * classes, "rows*classes");
  if (labels === null || typeof labels !== "object" || labels.length !== rows) {
    throw new ArgumentError(`${fn}: 'labels' must hold rows = ${rows} integers, got ${labels === null ? "null" : (labels as ArrayLike<number>)?.length ?? typeof labels}`);
  }
  for (let i = 0; i < rows; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ArgumentError(`${fn}: 'labels[${i}]' must be an integer in [0, ${classes - 1}], got ${v}`);
    }
  }
  return rt.arena.scoped(() => {
    const lp = rt.arena.alloc(rows * 4);
    new Int32Array(rt.memory.buffer, lp, rows).set(labels);
    return rt.wasm.softmax_nll(logits.ptr, lp, g, rows, classes);
  });
}
