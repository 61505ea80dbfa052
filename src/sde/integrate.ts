import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { BrownianSource } from "./terms.js";
import type { Solver, StepNoise } from "./solvers/solver.js";
import type { ReversibleHeun } from "./solvers/reversible_heun.js";

export interface FixedGrid {
  t0: number;
  t1: number;
  steps: number;
}

export function checkGrid({ t0, t1, steps }: FixedGrid): void {
  if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`steps must be a positive integer, got ${steps}`);
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0)) {
    throw new ArgumentError(`the time interval must satisfy t0 < t1 (finite), got [${t0}, ${t1}]`);
  }
}

/** t_k of a fixed grid, computed the same way everywhere (forward, backward, reverse). */
export function gridTime({ t0, t1, steps }: FixedGrid, k: number): number {
  return k === steps ? t1 : t0 + ((t1 - t0) * k) / steps;
}

/** Per-step noise buffers filled from a Brownian source. */
export class NoiseReader {
  readonly noise: StepNoise;
  constructor(rt: Runtime, private readonly bm: BrownianSource, levy: boolean) {
    const dW = rt.arena.alloc(Math.max(1, bm.dim) * 4, true);
    if (levy && !bm.levyArea) throw new ArgumentError("this solver needs a Brownian source with Levy area (use the Brownian tree)");
    this.noise = levy ? { dW, H: rt.arena.alloc(Math.max(1, bm.dim) * 4, true) } : { dW };
  }
  read(s: number, t: number): StepNoise {
    this.bm.increment(s, t, this.noise.dW);
    if (this.noise.H) this.bm.levyArea!(s, t, this.noise.H);
    return this.noise;
  }
}

/**
 * Fixed-grid forward solve. Returns the carried state at t1 and, with `keep`, every step-boundary
 * carried state ((steps + 1) * stateSize floats) for backpropagation through the solver.
 */
export function solveFixed(rt: Runtime, solver: Solver, bm: BrownianSource, y0: Ptr, grid: FixedGrid,
                           keep = false): { state: Ptr; saved: Ptr } {
  checkGrid(grid);
  const S = solver.stateSize * 4;
  const saved = keep ? rt.arena.alloc((grid.steps + 1) * S) : 0;
  const state = rt.arena.alloc(S, true);
  const noise = new NoiseReader(rt, bm, solver.needsLevyArea);
  const { stepTerm } = solver.terms;
  const before = stepTerm ? rt.arena.alloc(solver.terms.dim * 4) : 0;
  solver.init(grid.t0, y0, state);
  if (keep) rt.wasm.sde_lincomb(saved, state, solver.stateSize, 0, 0, 0, 0, 0, 0);
  for (let k = 0; k < grid.steps; k++) {
    const t = gridTime(grid, k), tn = gridTime(grid, k + 1);
    const n = noise.read(t, tn);
    if (stepTerm) rt.wasm.sde_lincomb(before, state, solver.terms.dim, 0, 0, 0, 0, 0, 0);
    solver.step(t, tn - t, state, n);
    if (stepTerm) stepTerm.call(solver.terms, t, tn - t, before, n.dW, state);
    if (keep) rt.wasm.sde_lincomb(saved + (k + 1) * S, state, solver.stateSize, 0, 0, 0, 0, 0, 0);
  }
  return { state, saved };
}

/**
 * Backpropagation through the solver from saved step-boundary states: given dL/dy(t1) (dim
 * floats), writes dL/dy0 into `adjY0`; parameter gradients accumulate in the terms' driftVjp.
 * In-step activations are recomputed, noise is re-read from the Brownian source.
 */
export function backpropFixed(rt: Runtime, solver: Solver, bm: BrownianSource, saved: Ptr, grid: FixedGrid,
                              adjYT: Ptr, adjY0: Ptr): void {
  rt.arena.scoped(() => {
    const S = solver.stateSize * 4;
    const adj = rt.arena.alloc(solver.adjointSize * 4, true);
    const noise = new NoiseReader(rt, bm, solver.needsLevyArea);
    const { stepTermVjp } = solver.terms;
    const adjAfter = stepTermVjp ? rt.arena.alloc(solver.terms.dim * 4) : 0;
    solver.seedAdjoint(adjYT, adj);
    for (let k = grid.steps - 1; k >= 0; k--) {
      const t = gridTime(grid, k), tn = gridTime(grid, k + 1);
      const n = noise.read(t, tn);
      if (stepTermVjp) rt.wasm.sde_lincomb(adjAfter, adj, solver.terms.dim, 0, 0, 0, 0, 0, 0);
      solver.stepVjp(t, tn - t, saved + k * S, saved + (k + 1) * S, n, adj);
      if (stepTermVjp) stepTermVjp.call(solver.terms, t, tn - t, saved + k * S, n.dW, adjAfter, adj);
    }
    solver.initVjp(grid.t0, saved, adj, adjY0);
  });
}

/**
 * Adjoint of reversible Heun with memory independent of the number of steps: the step-boundary
 * states are reconstructed backwards by the algebraic reverse step instead of being stored.
 * `stateT` (the carried state at t1, from solveFixed) is consumed.
 */
export function adjointReversibleHeun(rt: Runtime, solver: ReversibleHeun, bm: BrownianSource, stateT: Ptr,
                                      grid: FixedGrid, adjYT: Ptr, adjY0: Ptr): void {
  rt.arena.scoped(() => {
    const S = solver.stateSize;
    const after = rt.arena.alloc(S * 4);
    const adj = rt.arena.alloc(solver.adjointSize * 4, true);
    const noise = new NoiseReader(rt, bm, false);
    const { stepTermVjp } = solver.terms;
    const adjAfter = stepTermVjp ? rt.arena.alloc(solver.terms.dim * 4) : 0;
    solver.seedAdjoint(adjYT, adj);
    // Components that nothing depends on (the KL accumulator with its step term) are not
    // reconstructed exactly; their adjoints are constant, so the gradients are unaffected.
    let before = stateT;
    for (let k = grid.steps - 1; k >= 0; k--) {
      const t = gridTime(grid, k), tn = gridTime(grid, k + 1);
      const n = noise.read(t, tn);
      rt.wasm.sde_lincomb(after, before, S, 0, 0, 0, 0, 0, 0);
      solver.reverse(t, tn - t, before, n); // `before` now holds the state at t_k
      if (stepTermVjp) rt.wasm.sde_lincomb(adjAfter, adj, solver.terms.dim, 0, 0, 0, 0, 0, 0);
      solver.stepVjp(t, tn - t, before, after, n, adj);
      if (stepTermVjp) stepTermVjp.call(solver.terms, t, tn - t, before, n.dW, adjAfter, adj);
    }
    solver.initVjp(grid.t0, before, adj, adjY0);
  });
}
