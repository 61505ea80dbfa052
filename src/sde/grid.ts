import type { Ptr } from "../runtime/abi.js";
import { gridPoint } from "./controllers/constant.js";

/** The solver steps a solve took: time(0) = t0 < time(1) < ... < time(steps) = t1. */
export interface StepGrid {
  readonly steps: number;
  time(k: number): number;
}

/** `steps` equal steps, times recomputed on demand (nothing stored). */
export class UniformGrid implements StepGrid {
  constructor(readonly t0: number, readonly t1: number, readonly steps: number) {}
  time(k: number): number { return gridPoint(this.t0, this.t1, this.steps, k); }
}

/** Times recorded by an adaptive solve (8 bytes of JS memory per step, nothing in wasm memory). */
export class RecordedGrid implements StepGrid {
  private readonly times: number[];
  constructor(t0: number) { this.times = [t0]; }
  get steps(): number { return this.times.length - 1; }
  push(t: number): void { this.times.push(t); }
  time(k: number): number { return this.times[k]!; }
}

/** Carried states at the step boundaries, kept by a forward solve for backpropagation. */
export class StateTape {
  private readonly ptrs: Ptr[] = [];
  private constructor(private readonly bytes: number, readonly block: Ptr, private readonly alloc: ((bytes: number) => Ptr) | null) {}
  /** States k = 0.. in one block at `block` (k * bytes apart), e.g. preallocated for a fixed grid. */
  static over(block: Ptr, bytes: number): StateTape { return new StateTape(bytes, block, null); }
  /** One allocation per state as the solve goes (the step count of an adaptive solve is not known up front). */
  static growing(alloc: (bytes: number) => Ptr, bytes: number): StateTape { return new StateTape(bytes, 0, alloc); }
  /** Where state k lives (allocated on first use by a growing tape). */
  at(k: number): Ptr {
    if (!this.alloc) return this.block + k * this.bytes;
    while (this.ptrs.length <= k) this.ptrs.push(this.alloc(this.bytes));
    return this.ptrs[k]!;
  }
}
