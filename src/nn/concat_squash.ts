// ConcatSquashLinear y = (x W + b) * sigmoid(a t + c) + d t (SPEC section 2;
// wasm: assembly/nn/concat_squash.ts). x: [rows x inputs], W: [inputs x outputs],
// b, a, c, d: [outputs], t: scalar time, y: [rows x outputs].
import type { Runtime } from "../runtime/load.js";
import type { F32Buffer } from "../runtime/memory.js";
import { checkBuffer, checkDisjoint, checkFinite, optionalBuffer } from "./validate.js";
import { checkDenseShape, type DenseShape } from "./dense.js";

export interface CslParams { W: F32Buffer; b: F32Buffer; a: F32Buffer; c: F32Buffer; d: F32Buffer }

function checkParams(fn: string, p: Partial<CslParams>, inputs: number, outputs: number, skipB = false): void {
  checkBuffer(fn, "W", p.W, inputs * outputs, "inputs*outputs");
  if (!skipB) checkBuffer(fn, "b", p.b, outputs, "outputs");
  checkBuffer(fn, "a", p.a, outputs, "outputs");
  checkBuffer(fn, "c", p.c, outputs, "outputs");
  checkBuffer(fn, "d", p.d, outputs, "outputs");
}

export interface CslForwardBuffers extends CslParams {
  x: F32Buffer; y: F32Buffer;
  /** Optional: receives the pre-gate activations x W + b that cslBackward needs. */
  z?: F32Buffer | null;
}

export function cslForward(rt: Runtime, shape: DenseShape, t: number, buf: CslForwardBuffers): void {
  const fn = "cslForward";
  const { rows, inputs, outputs } = checkDenseShape(fn, shape);
  checkFinite(fn, "t", t);
  checkBuffer(fn, "x", buf.x, rows * inputs, "rows*inputs");
  checkParams(fn, buf, inputs, outputs);
  checkBuffer(fn, "y", buf.y, rows * outputs, "rows*outputs");
  const z = optionalBuffer(fn, "z", buf.z, rows * outputs, "rows*outputs");
  checkDisjoint(fn, "y", buf.y, "x", buf.x);
  if (buf.z) checkDisjoint(fn, "z", buf.z, "x", buf.x);
  rt.wasm.csl_forward(buf.x.ptr, buf.W.ptr, buf.b.ptr, buf.a.ptr, buf.c.ptr, buf.d.ptr, t, buf.y.ptr, z,
    rows, inputs, outputs);
}

export interface CslBackwardBuffers extends Omit<CslParams, "b"> {
  x: F32Buffer;
  /** Pre-gate activations stored by cslForward. */
  z: F32Buffer;
  dy: F32Buffer;
  dx?: F32Buffer | null;
  dW: F32Buffer; db: F32Buffer; da: F32Buffer; dc: F32Buffer; dd: F32Buffer;
  /** [rows x outputs] scratch; may be the same buffer as z or dy (their contents are then lost). */
  scratch: F32Buffer;
}

/**
 * Gradients of all parameters (added to the grad buffers with `accumulate`, else overwritten),
 * of x (dx, optional, overwritten) and, returned, of t.
 */
export function cslBackward(rt: Runtime, shape: DenseShape, t: number, buf: CslBackwardBuffers, accumulate = false): number {
  const fn = "cslBackward";
  const { rows, inputs, outputs } = checkDenseShape(fn, shape);
  checkFinite(fn, "t", t);
  checkBuffer(fn, "x", buf.x, rows * inputs, "rows*inputs");
  checkParams(fn, buf, inputs, outputs, true);
  checkBuffer(fn, "z", buf.z, rows * outputs, "rows*outputs");
  checkBuffer(fn, "dy", buf.dy, rows * outputs, "rows*outputs");
  const dx = optionalBuffer(fn, "dx", buf.dx, rows * inputs, "rows*inputs");
  checkBuffer(fn, "dW", buf.dW, inputs * outputs, "inputs*outputs");
  for (const k of ["db", "da", "dc", "dd"] as const) checkBuffer(fn, k, buf[k], outputs, "outputs");
  checkBuffer(fn, "scratch", buf.scratch, rows * outputs, "rows*outputs");
  checkDisjoint(fn, "scratch", buf.scratch, "x", buf.x);
  checkDisjoint(fn, "scratch", buf.scratch, "dW", buf.dW);
  if (buf.dx) checkDisjoint(fn, "dx", buf.dx, "scratch", buf.scratch);
  return rt.wasm.csl_backward(buf.x.ptr, buf.W.ptr, buf.a.ptr, buf.c.ptr, buf.d.ptr, t, buf.z.ptr, buf.dy.ptr,
    dx, buf.dW.ptr, buf.db.ptr, buf.da.ptr, buf.dc.ptr, buf.dd.ptr, buf.scratch.ptr,
    rows, inputs, outputs, accumulate ? 1 : 0);
}
