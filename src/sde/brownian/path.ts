import type { Ptr } from "../../runtime/abi.js";
import { ArgumentError } from "../../runtime/errors.js";
import type { F32Buffer } from "../../runtime/memory.js";

/** Where a path writes: a live f32 buffer of at least `dim` floats, or a raw byte offset. */
export type BrownianOut = F32Buffer | Ptr;

/**
 * A D-dimensional Brownian motion on [t0, t1] that can be queried over any admissible [s, t]
 * without allocating: the caller owns the output buffer (D floats in wasm memory). The one
 * Brownian interface of the library: solvers, adjoints and the SDE-BNN block all take it.
 */
export interface BrownianPath {
  readonly dim: number;
  readonly t0: number;
  readonly t1: number;
  /**
   * True when any t0 <= s <= t <= t1 may be queried and a query's answer does not depend on which
   * other queries were made (a virtual Brownian tree): what adaptive stepping needs, so that a
   * rejected step and its retry see the same path. Grid paths answer grid points only.
   */
  readonly continuous?: boolean;
  /** Writes W(t) - W(s) into `out`. */
  increment(s: number, t: number, out: BrownianOut): void;
  /** Writes the space-time Levy area H_{s,t} (variance (t - s)/12, independent of W_{s,t}). */
  levyArea?(s: number, t: number, out: BrownianOut): void;
}

/**
 * How a model asks for its Brownian paths: a fixed grid of `steps` cells (GridBrownian, one normal
 * per step and coordinate) or a virtual tree of `depth` levels that answers any interval
 * (VirtualBrownianTree, what adaptive stepping needs).
 */
export type BrownianSpan =
  | { readonly t0: number; readonly t1: number; readonly steps: number; readonly depth?: undefined }
  | { readonly t0: number; readonly t1: number; readonly depth: number; readonly steps?: undefined };

/** Validates that a seed / stream word is an integer in [0, 2^32). */
export function checkWord(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ArgumentError(`${field} must be an integer in [0, 2^32), got ${String(value)}`);
  }
  return value;
}

export function checkDim(value: unknown, field = "dim"): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 0x3fffffff) {
    throw new ArgumentError(`${field} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function checkInterval(t0: unknown, t1: unknown): void {
  if (typeof t0 !== "number" || !Number.isFinite(t0) || typeof t1 !== "number" || !Number.isFinite(t1) || !(t1 > t0)) {
    throw new ArgumentError(`the time interval must be finite numbers with t0 < t1, got t0 = ${String(t0)}, t1 = ${String(t1)}`);
  }
}

/** The pointer of an output, after checking that a buffer holds at least `dim` floats. */
export function outPtr(out: BrownianOut, dim: number, field = "out"): Ptr {
  if (typeof out === "number") return out;
  if (out.length < dim) {
    throw new ArgumentError(`${field} must hold at least ${dim} floats (the path's dimension), got a buffer of ${out.length}`);
  }
  return out.ptr;
}

/** Checks t0 <= s <= t <= t1. */
export function checkQuery(path: BrownianPath, s: number, t: number): void {
  if (!(s >= path.t0 && t <= path.t1 && s <= t)) {
    throw new ArgumentError(
      `a Brownian query needs t0 <= s <= t <= t1 with [t0, t1] = [${path.t0}, ${path.t1}], got s = ${s}, t = ${t}`);
  }
}
