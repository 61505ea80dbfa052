import type { Runtime } from "../../runtime/load.js";
import type { F32Buffer } from "../../runtime/memory.js";
import { ArgumentError } from "../../runtime/errors.js";
import { checkInterval, outPtr, checkQuery, type BrownianOut, type BrownianPath } from "./path.js";

/** User-supplied increments: nested rows [steps][D], or a flat row-major array with its shape. */
export type IncrementsInput = ArrayLike<ArrayLike<number>> | { data: ArrayLike<number>; shape: readonly [number, number] };

export interface ReplayBrownianOptions {
  t0?: number;
  t1?: number;
  /** Optional space-time Levy areas of the same steps, same shape as the increments. */
  levyAreas?: IncrementsInput;
}

/** Validates and flattens [steps][D] input; `field` names it in errors. */
function flatten(input: IncrementsInput, field: string): { data: Float32Array; steps: number; dim: number } {
  let steps: number, dim: number, data: Float32Array;
  if (input !== null && typeof input === "object" && "shape" in input && "data" in input) {
    const shape = input.shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((x) => Number.isInteger(x) && x >= 1)) {
      throw new ArgumentError(`${field}.shape must be [steps, D] with positive integers, got ${JSON.stringify(shape)}`);
    }
    [steps, dim] = shape as [number, number];
    if (input.data.length !== steps * dim) {
      throw new ArgumentError(`${field}.data has ${input.data.length} values, expected steps * D = ${steps} * ${dim} = ${steps * dim}`);
    }
    data = Float32Array.from(input.data);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(input.data[i]!)) {
        throw new ArgumentError(`${field}[${Math.floor(i / dim)}][${i % dim}] is ${String(input.data[i])}; increments must be finite numbers`);
      }
    }
  } else {
    const rows = input as ArrayLike<ArrayLike<number>>;
    if (rows === null || typeof rows !== "object" || typeof rows.length !== "number" || rows.length < 1) {
      throw new ArgumentError(`${field} must be a non-empty array of rows with shape [steps][D], got ${rows === null ? "null" : typeof rows}`);
    }
    steps = rows.length;
    const first = rows[0];
    if (first === null || typeof first !== "object" || typeof first.length !== "number" || first.length < 1) {
      throw new ArgumentError(`${field}[0] must be a non-empty array (shape [steps][D]), got ${String(first)}`);
    }
    dim = first.length;
    data = new Float32Array(steps * dim);
    for (let k = 0; k < steps; k++) {
      const row = rows[k];
      if (row === null || typeof row !== "object" || row.length !== dim) {
        throw new ArgumentError(`${field}[${k}] has length ${row?.length ?? String(row)}, expected ${dim} (shape [steps][D] = [${steps}][${dim}])`);
      }
      for (let i = 0; i < dim; i++) {
        const v = row[i];
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new ArgumentError(`${field}[${k}][${i}] is ${String(v)}; increments must be finite numbers`);
        }
        data[k * dim + i] = v;
      }
    }
  }
  return { data, steps, dim };
}

/**
 * Replays user-supplied increments on the uniform grid of [t0, t1] with `steps` cells (rounded to
 * f32 and copied into wasm memory once). Queries are grid-aligned; a multi-step increment is the
 * sum of the rows in step order. The buffers come from the runtime's arena: keep the path inside
 * the arena scope that created it.
 */
export class ReplayBrownian implements BrownianPath {
  readonly dim: number;
  readonly steps: number;
  readonly t0: number;
  readonly t1: number;
  readonly dt: number;
  private readonly w: F32Buffer;
  private readonly h: F32Buffer | null;
  private heap: Float32Array;
  /** Present only when options.levyAreas were supplied: H of one replayed step. */
  readonly levyArea?: (s: number, t: number, out: BrownianOut) => void;

  constructor(private readonly rt: Runtime, increments: IncrementsInput, options: ReplayBrownianOptions = {}) {
    const inc = flatten(increments, "increments");
    this.dim = inc.dim;
    this.steps = inc.steps;
    this.t0 = options.t0 ?? 0;
    this.t1 = options.t1 ?? 1;
    checkInterval(this.t0, this.t1);
    this.dt = (this.t1 - this.t0) / this.steps;
    let h: Float32Array | null = null;
    if (options.levyAreas !== undefined) {
      const la = flatten(options.levyAreas, "levyAreas");
      if (la.steps !== inc.steps || la.dim !== inc.dim) {
        throw new ArgumentError(`levyAreas has shape [${la.steps}][${la.dim}], expected the increments' shape [${inc.steps}][${inc.dim}]`);
      }
      h = la.data;
    }
    this.w = rt.arena.f32From(inc.data);
    this.h = h === null ? null : rt.arena.f32From(h);
    this.heap = new Float32Array(rt.memory.buffer);
    if (this.h !== null) this.levyArea = (s, t, out) => this.replayLevyArea(s, t, out);
  }

  private stepIndex(t: number): number {
    const x = (t - this.t0) / this.dt;
    const k = Math.round(x);
    if (!(Math.abs(x - k) <= 1e-9 * Math.max(1, Math.abs(x))) || k < 0 || k > this.steps) {
      throw new ArgumentError(`time ${t} is not a point of the replayed grid t0 + k dt (t0 = ${this.t0}, dt = ${this.dt}, steps = ${this.steps})`);
    }
    return k;
  }

  private copyRow(src: F32Buffer, k: number, dst: number): void {
    if (this.heap.buffer !== this.rt.memory.buffer) this.heap = new Float32Array(this.rt.memory.buffer);
    const from = (src.ptr >>> 2) + k * this.dim;
    this.heap.copyWithin(dst >>> 2, from, from + this.dim);
  }

  increment(s: number, t: number, out: BrownianOut): void {
    checkQuery(this, s, t);
    const a = this.stepIndex(s), b = this.stepIndex(t);
    const ptr = outPtr(out, this.dim);
    if (a === b) {
      new Float32Array(this.rt.memory.buffer, ptr, this.dim).fill(0);
      return;
    }
    this.copyRow(this.w, a, ptr);
    for (let k = a + 1; k < b; k++) this.rt.wasm.vec_axpy(1, this.w.ptr + 4 * k * this.dim, ptr, this.dim);
  }

  private replayLevyArea(s: number, t: number, out: BrownianOut): void {
    if (this.h === null) throw new ArgumentError("this replayed path has no Levy areas: pass options.levyAreas");
    checkQuery(this, s, t);
    const a = this.stepIndex(s), b = this.stepIndex(t);
    if (b !== a + 1) throw new ArgumentError(`replayed Levy areas exist for single steps only; [${s}, ${t}] spans ${b - a} steps`);
    this.copyRow(this.h, a, outPtr(out, this.dim));
  }

  /** A copy of the replayed increments, shape [steps][dim]. */
  readIncrements(): Float32Array { return this.w.toArray(); }
}
