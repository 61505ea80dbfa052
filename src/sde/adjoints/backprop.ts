import type { Ptr } from "../../runtime/abi.js";
import { ArgumentError } from "../../runtime/errors.js";
import type { SolveRun } from "../solve.js";
import { NoiseReader } from "../noise.js";
import type { Adjoint } from "./adjoint.js";

/**
 * Backpropagation through the solver steps from the step-boundary states the forward solve kept;
 * in-step activations are recomputed (or taken from the terms' own cache), noise is re-read.
 * Memory: one carried state per step.
 */
export class BackpropAdjoint implements Adjoint {
  readonly name = "backprop" as const;
  readonly keepsStates = true;
  readonly needsReversible = false;

  backward(run: SolveRun, adjYT: Ptr, adjY0: Ptr): void {
    const { rt, solver, grid, tape } = run;
    if (!tape) throw new ArgumentError("backprop needs a solve that kept its states (solve with adjoint: backprop)");
    rt.arena.scoped(() => {
      const adj = rt.arena.alloc(solver.adjointSize * 4, true);
      const noise = new NoiseReader(rt, run.brownian, solver.needsLevyArea);
      const { stepTermVjp } = solver.terms;
      const dim = solver.terms.dim;
      const adjAfter = stepTermVjp ? rt.arena.alloc(dim * 4) : 0;
      solver.seedAdjoint(adjYT, adj);
      for (let k = grid.steps - 1; k >= 0; k--) {
        const t = grid.time(k), tn = grid.time(k + 1);
        const n = noise.read(t, tn);
        if (stepTermVjp) rt.wasm.sde_lincomb(adjAfter, adj, dim, 0, 0, 0, 0, 0, 0);
        solver.stepVjp(t, tn - t, tape.at(k), tape.at(k + 1), n, adj);
        if (stepTermVjp) stepTermVjp.call(solver.terms, t, tn - t, tape.at(k), n.dW, adjAfter, adj);
      }
      solver.initVjp(grid.time(0), tape.at(0), adj, adjY0);
    });
  }
}
