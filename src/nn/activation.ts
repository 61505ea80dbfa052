// Elementwise activations (wasm kernels in assembly/nn/activation.ts): forward y = f(x),
// backward dx = dy * f'(x) from the forward input x. Outputs may alias inputs.
import type { Runtime } from "../runtime/load.js";
import type { F32Buffer } from "../runtime/memory.js";
import { ArgumentError } from "../runtime/errors.js";
import { checkBuffer, checkSize, optionalBuffer } from "./validate.js";

export const ACTIVATIONS = ["softplus", "sigmoid", "tanh", "relu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

function checkKind(fn: string, kind: unknown): Activation {
  if (!(ACTIVATIONS as readonly unknown[]).includes(kind)) {
    throw new ArgumentError(`${fn}: 'kind' must be one of ${ACTIVATIONS.join(", ")}, got ${String(kind)}`);
  }
  return kind as Activation;
}

function lengthOf(fn: string, x: unknown): number {
  const b = checkBuffer(fn, "x", x, (x as F32Buffer | null)?.length ?? -1, "x.length");
  return b.length;
}

/** y = f(x) elementwise. */
export function activationForward(rt: Runtime, kind: Activation, x: F32Buffer, y: F32Buffer): void {
  const fn = "activationForward";
  const k = checkKind(fn, kind);
  const n = lengthOf(fn, x);
  checkBuffer(fn, "y", y, n, "x.length");
  rt.wasm[`${k}_forward`](x.ptr, y.ptr, n);
}

/** dx = dy * f'(x) elementwise. */
export function activationBackward(rt: Runtime, kind: Activation, x: F32Buffer, dy: F32Buffer, dx: F32Buffer): void {
  const fn = "activationBackward";
  const k = checkKind(fn, kind);
  const n = lengthOf(fn, x);
  checkBuffer(fn, "dy", dy, n, "x.length");
  checkBuffer(fn, "dx", dx, n, "x.length");
  rt.wasm[`${k}_backward`](x.ptr, dy.ptr, dx.ptr, n);
}

export interface SwishShape { rows: number; units: number }

/** y[r, u] = x[r, u] * sigmoid(beta[u] x[r, u]); x, y: [rows x units], beta: [units]. */
export function swishForward(rt: Runtime, shape: SwishShape, x: F32Buffer, beta: F32Buffer, y: F32Buffer): void {
  const fn = "swishForward";
  const rows = checkSize(fn, "rows", shape?.rows), units = checkSize(fn, "units", shape?.units);
  checkBuffer(fn, "x", x, rows * units, "rows*units");
  checkBuffer(fn, "beta", beta, units, "units");
  checkBuffer(fn, "y", y, rows * units, "rows*units");
  rt.wasm.swish_forward(x.ptr, beta.ptr, y.ptr, rows, units);
}

export interface SwishGrads { x: F32Buffer; beta: F32Buffer; dy: F32Buffer; dx?: F32Buffer | null; dbeta: F32Buffer }

/**
 * dx = dy (s + beta x s'), dbeta = sum over rows of dy x^2 s' (row order), s = sigmoid(beta x).
 * `accumulate` adds into dbeta instead of overwriting it; dx (optional) is overwritten.
 */
export function swishBackward(rt: Runtime, shape: SwishShape, b: SwishGrads, accumulate = false): void {
  const fn = "swishBackward";
  const rows = checkSize(fn, "rows", shape?.rows), units = checkSize(fn, "units", shape?.units);
  const n = rows * units;
  checkBuffer(fn, "x", b.x, n, "rows*units");
  checkBuffer(fn, "beta", b.beta, units, "units");
  checkBuffer(fn, "dy", b.dy, n, "rows*units");
  const dx = optionalBuffer(fn, "dx", b.dx, n, "rows*units");
  checkBuffer(fn, "dbeta", b.dbeta, units, "units");
  rt.wasm.swish_backward(b.x.ptr, b.beta.ptr, b.dy.ptr, dx, b.dbeta.ptr, rows, units, accumulate ? 1 : 0);
}
