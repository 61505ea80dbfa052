import type { Ptr } from "../../runtime/abi.js";
import { ArgumentError } from "../../runtime/errors.js";
import type { SolveRun } from "../solve.js";
import { isReversible } from "../solvers/solver.js";
import { NoiseReader } from "../noise.js";
import type { Adjoint } from "./adjoint.js";

/**
 * The reversible adjoint (Kidger et al. 2021; diffrax's ReversibleAdjoint): walks the solve's
 * grid backwards, reconstructing each step-boundary state from the next by the solver's exact
 * reverse step instead of storing it, then backpropagates through that step. Memory in wasm
 * does not grow with the number of steps (an adaptive solve's grid keeps 8 bytes of JS memory per
 * step for its times). `run.state` (the carried state at t1) is consumed.
 */
export class ReversibleAdjoint implements Adjoint {
  readonly name = "reversible" as const;
  readonly keepsStates = false;
  readonly needsReversible = true;

  backward(run: SolveRun, adjYT: Ptr, adjY0: Ptr): void {
    const { rt, solver, grid } = run;
    if (!isReversible(solver)) throw new ArgumentError(`the reversible adjoint needs a reversible solver, got '${solver.name}'`);
    rt.arena.scoped(() => {
      const S = solver.stateSize, dim = solver.terms.dim;
      const after = rt.arena.alloc(S * 4);
      const adj = rt.arena.alloc(solver.adjointSize * 4, true);
      const noise = new NoiseReader(rt, run.brownian, solver.needsLevyArea);
      const { stepTermVjp } = solver.terms;
      const adjAfter = stepTermVjp ? rt.arena.alloc(dim * 4) : 0;
      solver.seedAdjoint(adjYT, adj);
      // Components that nothing depends on (the KL accumulator with its step term) are not
      // reconstructed exactly; their adjoints are constant, so the gradients are unaffected.
      const before = run.state;
      for (let k = grid.steps - 1; k >= 0; k--) {
        const t = grid.time(k), tn = grid.time(k + 1);
        const n = noise.read(t, tn);
        rt.wasm.sde_lincomb(after, before, S, 0, 0, 0, 0, 0, 0);
        solver.reverse(t, tn - t, before, n); // `before` now holds the state at t_k
        if (stepTermVjp) rt.wasm.sde_lincomb(adjAfter, adj, dim, 0, 0, 0, 0, 0, 0);
        solver.stepVjp(t, tn - t, before, after, n, adj);
        if (stepTermVjp) stepTermVjp.call(solver.terms, t, tn - t, before, n.dW, adjAfter, adj);
      }
      solver.initVjp(grid.time(0), before, adj, adjY0);
    });
  }
}
