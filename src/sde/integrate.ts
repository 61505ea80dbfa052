// Fixed-grid entry points kept for existing callers; each is solve() (./solve.ts) with a
// ConstantSteps controller and the matching adjoint object.
import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { BrownianPath } from "./brownian/path.js";
import type { ReversibleSolver, Solver } from "./solvers/solver.js";
import { ConstantSteps, gridPoint } from "./controllers/constant.js";
import { BackpropAdjoint } from "./adjoints/backprop.js";
import { ReversibleAdjoint } from "./adjoints/reversible.js";
import { StateTape, UniformGrid } from "./grid.js";
import { solve, type SolveRun } from "./solve.js";

export { NoiseReader } from "./noise.js";

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
  return gridPoint(t0, t1, steps, k);
}

/**
 * Fixed-grid forward solve. Returns the carried state at t1 and, with `keep`, every step-boundary
 * carried state ((steps + 1) * stateSize floats, contiguous) for backpropagation through the solver.
 */
export function solveFixed(rt: Runtime, solver: Solver, bm: BrownianPath, y0: Ptr, grid: FixedGrid,
                           keep = false): { state: Ptr; saved: Ptr } {
  checkGrid(grid);
  const run = solve(rt, solver, bm, y0, { t0: grid.t0, t1: grid.t1, controller: new ConstantSteps(grid.steps), adjoint: keep ? new BackpropAdjoint() : null });
  return { state: run.state, saved: run.tape?.block ?? 0 };
}

/** The run of a fixed-grid solve, rebuilt from its parts. */
function fixedRun(rt: Runtime, solver: Solver, bm: BrownianPath, grid: FixedGrid, state: Ptr, saved: Ptr): SolveRun {
  checkGrid(grid);
  const S = solver.stateSize * 4;
  const tape = saved ? StateTape.over(saved, S) : null;
  return { rt, solver, brownian: bm, state, grid: new UniformGrid(grid.t0, grid.t1, grid.steps), tape,
    accepted: grid.steps, rejected: 0, solverSteps: grid.steps };
}

/**
 * Backpropagation through the solver from saved step-boundary states (solveFixed with keep):
 * given dL/dy(t1) (dim floats), writes dL/dy0 into `adjY0`; parameter gradients accumulate in the
 * terms' driftVjp.
 */
export function backpropFixed(rt: Runtime, solver: Solver, bm: BrownianPath, saved: Ptr, grid: FixedGrid,
                              adjYT: Ptr, adjY0: Ptr): void {
  new BackpropAdjoint().backward(fixedRun(rt, solver, bm, grid, 0, saved), adjYT, adjY0);
}

/**
 * The reversible adjoint on a fixed grid: memory independent of the number of steps. `stateT`
 * (the carried state at t1, from solveFixed) is consumed.
 */
export function adjointReversibleHeun(rt: Runtime, solver: ReversibleSolver, bm: BrownianPath, stateT: Ptr,
                                      grid: FixedGrid, adjYT: Ptr, adjY0: Ptr): void {
  new ReversibleAdjoint().backward(fixedRun(rt, solver, bm, grid, stateT, 0), adjYT, adjY0);
}
