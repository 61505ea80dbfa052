import type { Runtime } from "../../runtime/load.js";
import { ArgumentError } from "../../runtime/errors.js";
import {
  checkDim, checkInterval, checkWord, outPtr, checkQuery, type BrownianOut, type BrownianPath,
} from "./path.js";

export interface GridBrownianOptions {
  /** Key word 0 of every random number of this path, integer in [0, 2^32). */
  seed: number;
  /** Key word 1 (e.g. block and Monte-Carlo sample), integer in [0, 2^32); default 0. */
  stream?: number;
  /** Dimension D of the Brownian motion. */
  dim: number;
  /** Number of grid steps on [t0, t1]. */
  steps: number;
  t0?: number;
  t1?: number;
}

/**
 * Brownian motion on the fixed grid t_k = t0 + k dt, dt = (t1 - t0) / steps. The increment of step
 * k is sqrt(dt) * N(seed, stream; counter (i >> 2, k, 0, 0)): any step can be regenerated alone and
 * in any order (the backward pass re-creates the noise of the forward pass from the key).
 */
export class GridBrownian implements BrownianPath {
  readonly seed: number;
  readonly stream: number;
  readonly dim: number;
  readonly steps: number;
  readonly t0: number;
  readonly t1: number;
  readonly dt: number;

  constructor(private readonly rt: Runtime, options: GridBrownianOptions) {
    this.seed = checkWord(options.seed, "seed");
    this.stream = checkWord(options.stream ?? 0, "stream");
    this.dim = checkDim(options.dim);
    const steps = options.steps;
    if (!Number.isInteger(steps) || steps < 1 || steps > 0xffffffff) {
      throw new ArgumentError(`steps must be a positive integer below 2^32, got ${String(steps)}`);
    }
    this.steps = steps;
    this.t0 = options.t0 ?? 0;
    this.t1 = options.t1 ?? 1;
    checkInterval(this.t0, this.t1);
    this.dt = (this.t1 - this.t0) / steps;
  }

  /** The grid time t_k. */
  time(k: number): number { return k === this.steps ? this.t1 : this.t0 + k * this.dt; }

  /** The index k of the grid point t_k equal to `t` (to 1e-9 of a step), else an ArgumentError. */
  stepIndex(t: number): number {
    const x = (t - this.t0) / this.dt;
    const k = Math.round(x);
    if (!(Math.abs(x - k) <= 1e-9 * Math.max(1, Math.abs(x))) || k < 0 || k > this.steps) {
      throw new ArgumentError(`time ${t} is not a point of the grid t0 + k dt (t0 = ${this.t0}, dt = ${this.dt}, steps = ${this.steps})`);
    }
    return k;
  }

  private checkStep(k: number): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.steps) {
      throw new ArgumentError(`step must be an integer in [0, ${this.steps}), got ${String(k)}`);
    }
  }

  /** Writes dW_k = W(t_{k+1}) - W(t_k) (hot path of fixed-step solvers). */
  stepIncrement(k: number, out: BrownianOut): void {
    this.checkStep(k);
    this.rt.wasm.brownian_grid(this.seed, this.stream, k, 1, this.dim, this.dt, outPtr(out, this.dim));
  }

  /** Writes the space-time Levy area H_k of step k (variance dt/12, independent of dW_k). */
  stepLevyArea(k: number, out: BrownianOut): void {
    this.checkStep(k);
    this.rt.wasm.brownian_grid_levy(this.seed, this.stream, k, this.dim, this.dt, outPtr(out, this.dim));
  }

  /** W(t) - W(s) for grid points s <= t: the step increments summed in step order. */
  increment(s: number, t: number, out: BrownianOut): void {
    checkQuery(this, s, t);
    const a = this.stepIndex(s), b = this.stepIndex(t);
    const ptr = outPtr(out, this.dim);
    if (a === b) new Float32Array(this.rt.memory.buffer, ptr, this.dim).fill(0);
    else this.rt.wasm.brownian_grid_sum(this.seed, this.stream, a, b - a, this.dim, this.dt, ptr);
  }

  /** H over one grid step [t_k, t_{k+1}] (longer intervals: use a VirtualBrownianTree). */
  levyArea(s: number, t: number, out: BrownianOut): void {
    checkQuery(this, s, t);
    const a = this.stepIndex(s), b = this.stepIndex(t);
    if (b !== a + 1) {
      throw new ArgumentError(`a grid path gives the Levy area of single steps only; [${s}, ${t}] spans ${b - a} steps`);
    }
    this.stepLevyArea(a, out);
  }

  /** A copy of the increments of steps first .. first + count - 1, shape [count][dim] row-major. */
  readIncrements(first = 0, count = this.steps - first): Float32Array {
    if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 0 || first + count > this.steps) {
      throw new ArgumentError(`readIncrements(first, count) needs 0 <= first <= first + count <= ${this.steps}, got ${first}, ${count}`);
    }
    return this.rt.arena.scoped(() => {
      const buf = this.rt.arena.f32(count * this.dim, false);
      this.rt.wasm.brownian_grid(this.seed, this.stream, first, count, this.dim, this.dt, buf.ptr);
      return buf.toArray();
    });
  }
}
