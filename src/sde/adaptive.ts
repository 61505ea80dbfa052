// The adaptive forward solve kept for existing callers: solve() (./solve.ts) with a PiController.
import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import type { BrownianPath } from "./brownian/path.js";
import type { Solver } from "./solvers/solver.js";
import { PiController, type PiOptions } from "./controllers/pi.js";
import { solve } from "./solve.js";

export interface AdaptiveOptions extends PiOptions {
  t0: number;
  t1: number;
}

export interface AdaptiveResult {
  /** Carried state at t1. */
  state: Ptr;
  accepted: number;
  rejected: number;
  /** Accepted step boundaries, t0 first, t1 last. */
  times: number[];
}

/**
 * Adaptive time stepping by step doubling with the PI controller on a Brownian path that answers
 * any interval (see solve() and PiController). Forward only; for gradients call solve() with an
 * adjoint.
 */
export function solveAdaptive(rt: Runtime, solver: Solver, bm: BrownianPath, y0: Ptr, opts: AdaptiveOptions): AdaptiveResult {
  const { t0, t1, ...pi } = opts;
  const run = solve(rt, solver, bm, y0, { t0, t1, controller: new PiController(rt, pi) });
  const times: number[] = [];
  for (let k = 0; k <= run.grid.steps; k += 2) times.push(run.grid.time(k));
  return { state: run.state, accepted: run.accepted, rejected: run.rejected, times };
}
