// The wasm math library evaluated over a buffer (testing, benchmarking, host-side tools).
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { checkBuffer } from "./validate.js";
import type { F32Buffer } from "../runtime/memory.js";

/** Function codes of the wasm export `math_map` (assembly/math/map.ts). */
export const MathFn = {
  exp: 0, log: 1, log1p: 2, sigmoid: 3, tanh: 4, softplus: 5, dsigmoid: 6, dtanh: 7,
} as const;
export type MathFnName = keyof typeof MathFn;

/** y[i] = f(x[i]); `scalar` forces the scalar twin (same bits as the f32x4 path). */
export function mathMap(rt: Runtime, fn: MathFnName, x: F32Buffer, y: F32Buffer, scalar = false): void {
  const code = (MathFn as Record<string, number>)[fn];
  if (code === undefined || !Object.hasOwn(MathFn, fn)) {
    throw new ArgumentError(`mathMap: 'fn' must be one of ${Object.keys(MathFn).join(", ")}, got ${String(fn)}`);
  }
  const n = (x as F32Buffer | null)?.length ?? 0;
  checkBuffer("mathMap", "x", x, n, "x.length");
  checkBuffer("mathMap", "y", y, n, "x.length");
  rt.wasm.math_map(code, x.ptr, y.ptr, n, scalar ? 1 : 0);
}
