// Dense layer y = x W + b over a batch (wasm: assembly/nn/dense.ts).
// x: [rows x inputs], W: [inputs x outputs], b: [outputs], y: [rows x outputs], row-major.
import type { Runtime } from "../runtime/load.js";
import type { F32Buffer } from "../runtime/memory.js";
import { checkBuffer, checkDisjoint, checkSize, optionalBuffer } from "./validate.js";

export interface DenseShape { rows: number; inputs: number; outputs: number }

export function checkDenseShape(fn: string, shape: DenseShape): DenseShape {
  return {
    rows: checkSize(fn, "rows", shape?.rows),
    inputs: checkSize(fn, "inputs", shape?.inputs),
    outputs: checkSize(fn, "outputs", shape?.outputs),
  };
}

export interface DenseForwardBuffers { x: F32Buffer; W: F32Buffer; b?: F32Buffer | null; y: F32Buffer }

/** y = x W + b (no bias when b is omitted). */
export function denseForward(rt: Runtime, shape: DenseShape, buf: DenseForwardBuffers): void {
  const fn = "denseForward";
  const { rows, inputs, outputs } = checkDenseShape(fn, shape);
  checkBuffer(fn, "x", buf.x, rows * inputs, "rows*inputs");
  checkBuffer(fn, "W", buf.W, inputs * outputs, "inputs*outputs");
  const b = optionalBuffer(fn, "b", buf.b, outputs, "outputs");
  checkBuffer(fn, "y", buf.y, rows * outputs, "rows*outputs");
  checkDisjoint(fn, "y", buf.y, "x", buf.x);
  checkDisjoint(fn, "y", buf.y, "W", buf.W);
  rt.wasm.dense_forward(buf.x.ptr, buf.W.ptr, b, buf.y.ptr, rows, inputs, outputs);
}

export interface DenseBackwardBuffers {
  x: F32Buffer; W: F32Buffer; dy: F32Buffer;
  dx?: F32Buffer | null; dW: F32Buffer; db?: F32Buffer | null;
}

/**
 * dx = dy W^T (overwritten; skipped when omitted), dW = x^T dy, db = column sums of dy
 * (row order). `accumulate` adds into dW and db instead of overwriting them.
 */
export function denseBackward(rt: Runtime, shape: DenseShape, buf: DenseBackwardBuffers, accumulate = false): void {
  const fn = "denseBackward";
  const { rows, inputs, outputs } = checkDenseShape(fn, shape);
  checkBuffer(fn, "x", buf.x, rows * inputs, "rows*inputs");
  checkBuffer(fn, "W", buf.W, inputs * outputs, "inputs*outputs");
  checkBuffer(fn, "dy", buf.dy, rows * outputs, "rows*outputs");
  const dx = optionalBuffer(fn, "dx", buf.dx, rows * inputs, "rows*inputs");
  checkBuffer(fn, "dW", buf.dW, inputs * outputs, "inputs*outputs");
  const db = optionalBuffer(fn, "db", buf.db, outputs, "outputs");
  if (buf.dx) { checkDisjoint(fn, "dx", buf.dx, "dy", buf.dy); checkDisjoint(fn, "dx", buf.dx, "W", buf.W); }
  checkDisjoint(fn, "dW", buf.dW, "x", buf.x);
  checkDisjoint(fn, "dW", buf.dW, "dy", buf.dy);
  rt.wasm.dense_backward(buf.x.ptr, buf.W.ptr, buf.dy.ptr, dx, buf.dW.ptr, db, rows, inputs, outputs, accumulate ? 1 : 0);
}
