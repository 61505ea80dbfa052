import type { Ptr } from "../../runtime/abi.js";
import type { SolveRun } from "../solve.js";

/**
 * How gradients flow back through a solve (diffrax's AbstractAdjoint), chosen by configuration:
 * `backprop` (discretise-then-optimise through the stored step-boundary states)
 * or `reversible` (reconstructs them by the solver's exact reverse step; memory independent of
 * the number of steps). Both differentiate the discrete solve over its accepted grid: step sizes
 * chosen by an adaptive controller are constants of the backward pass.
 */
export interface Adjoint {
  readonly name: "backprop" | "reversible";
  /** solve() keeps the step-boundary states for this adjoint. */
  readonly keepsStates: boolean;
  /** The solver must be a ReversibleSolver (checked by checkContract). */
  readonly needsReversible: boolean;
  /**
   * Given dL/dy(t1) (dim floats), writes dL/dy0 into `adjY0`; parameter gradients accumulate in
   * the terms' driftVjp. Noise is re-read from the run's Brownian path.
   */
  backward(run: SolveRun, adjYT: Ptr, adjY0: Ptr): void;
}
