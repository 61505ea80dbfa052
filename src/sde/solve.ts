import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import type { BrownianPath } from "./brownian/path.js";
import type { Solver, StepNoise } from "./solvers/solver.js";
import type { StepController } from "./controllers/controller.js";
import type { Adjoint } from "./adjoints/adjoint.js";
import { ConstantSteps } from "./controllers/constant.js";
import { checkContract } from "./check.js";
import { NoiseReader } from "./noise.js";
import { RecordedGrid, StateTape, UniformGrid, type StepGrid } from "./grid.js";

export interface SolveOptions {
  t0: number;
  t1: number;
  controller: StepController;
  /**
   * The adjoint a backward pass will use: the solve keeps what it needs (backprop: every
   * step-boundary state; reversible: nothing but the step times) and the contract check covers
   * its requirements. Omit (or null) for a forward-only solve.
   */
  adjoint?: Adjoint | null;
}

/** What a solve leaves: the carried state at t1 and, for gradients, the grid it took. */
export interface SolveRun {
  readonly rt: Runtime;
  readonly solver: Solver;
  readonly brownian: BrownianPath;
  /** Carried state at t1 (consumed by the reversible adjoint). */
  readonly state: Ptr;
  /**
   * The solver steps whose composition is the result: a fixed grid, or for an adaptive solve the
   * two half steps of every accepted trial (rejected trials and full-step estimates drop out).
   */
  readonly grid: StepGrid;
  /** Step-boundary carried states (backprop only), state k at grid.time(k). */
  readonly tape: StateTape | null;
  readonly accepted: number;
  readonly rejected: number;
  /** solver.step calls, full-step error estimates and rejected trials included. */
  readonly solverSteps: number;
}

/**
 * The one entry point (diffrax's diffeqsolve): integrates the solver's SDE from y0 (dim floats) at
 * t0 to t1 over the Brownian path with the step controller, after one contract check
 * (checkContract). Adaptive controllers get an error estimate by step doubling: each trial is
 * taken once with h and twice with h/2 over the same path (the path answers any interval, so a
 * rejected trial and its retry see identical noise); the half-step result is kept when accepted.
 * A per-step Ito term of the terms (stepTerm) follows every solver step.
 */
export function solve(rt: Runtime, solver: Solver, brownian: BrownianPath, y0: Ptr, options: SolveOptions): SolveRun {
  const { t0, t1, controller } = options;
  const adjoint = options.adjoint ?? null;
  checkContract({ solver, brownian, controller, adjoint, t0, t1 });
  const S = solver.stateSize * 4, n = solver.stateSize, dim = solver.terms.dim;
  const wasm = rt.wasm;
  const copy = (dst: Ptr, src: Ptr) => wasm.sde_lincomb(dst, src, n, 0, 0, 0, 0, 0, 0);
  const fixed = controller instanceof ConstantSteps ? controller.steps : 0;
  const keep = adjoint?.keepsStates ?? false;
  const tape = !keep ? null : fixed ? StateTape.over(rt.arena.alloc((fixed + 1) * S), S) : StateTape.growing((b) => rt.arena.alloc(b), S);
  const state = rt.arena.alloc(S, true);
  const reader = new NoiseReader(rt, brownian, solver.needsLevyArea);
  const { stepTerm } = solver.terms;
  const before = stepTerm ? rt.arena.alloc(dim * 4) : 0;
  /** One solver step [t, tn] on `y`, then the terms' step term. */
  const advance = (t: number, tn: number, y: Ptr, noise: StepNoise) => {
    if (stepTerm) wasm.sde_lincomb(before, y, dim, 0, 0, 0, 0, 0, 0);
    solver.step(t, tn - t, y, noise);
    if (stepTerm) stepTerm.call(solver.terms, t, tn - t, before, noise.dW, y);
  };
  solver.init(t0, y0, state);
  if (tape) copy(tape.at(0), state);

  const order = solver.order[solver.terms.noise.kind];
  const seq = controller.begin(t0, t1, order + 0.5);
  let t = t0, accepted = 0, rejected = 0, solverSteps = 0;
  if (!controller.adaptive) {
    // a ConstantSteps grid is recomputed on demand; any other schedule is recorded
    const recorded = fixed ? null : new RecordedGrid(t0);
    for (let k = 0; t < t1; k++) {
      const tn = seq.propose();
      advance(t, tn, state, reader.read(t, tn));
      solverSteps++;
      seq.report(null);
      if (tape) copy(tape.at(k + 1), state);
      recorded?.push(tn);
      t = tn;
      accepted++;
    }
    const grid = recorded ?? new UniformGrid(t0, t1, accepted);
    return { rt, solver, brownian, state, grid, tape, accepted, rejected, solverSteps };
  }

  const grid = new RecordedGrid(t0);
  const full = rt.arena.alloc(S), half = rt.arena.alloc(S);
  const mid = tape ? rt.arena.alloc(S) : 0;
  const errDim = Math.min(dim, solver.terms.errorDim ?? dim);
  const err = rt.arena.alloc(dim * 4);
  while (t < t1) {
    const tn = seq.propose();
    const tm = t + (tn - t) / 2;
    copy(full, state);
    advance(t, tn, full, reader.read(t, tn));
    copy(half, state);
    advance(t, tm, half, reader.read(t, tm));
    if (mid) copy(mid, half);
    advance(tm, tn, half, reader.read(tm, tn));
    solverSteps += 3;
    wasm.sde_lincomb(err, half, errDim, -1, full, 0, 0, 0, 0);
    if (seq.report({ error: err, before: state, after: half, dim: errDim })) {
      copy(state, half);
      grid.push(tm);
      grid.push(tn);
      if (tape) {
        copy(tape.at(grid.steps - 1), mid);
        copy(tape.at(grid.steps), half);
      }
      t = tn;
      accepted++;
    } else {
      rejected++;
    }
  }
  return { rt, solver, brownian, state, grid, tape, accepted, rejected, solverSteps };
}
