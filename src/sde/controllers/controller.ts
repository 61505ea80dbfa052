import type { Ptr } from "../../runtime/abi.js";

/**
 * A step-size controller (diffrax's AbstractStepSizeController): decides where each trial step
 * ends and whether it is accepted. One solve asks `begin` for a fresh sequence; the solve loop
 * then alternates `propose` (the end of the next trial step from the current time) and `report`
 * (the trial's error estimate, null when none was made; true = accepted, the time moves on).
 */
export interface StepController {
  readonly name: "constant" | "pi";
  /**
   * True when the controller needs an error estimate of each trial (step doubling) and a Brownian
   * path answering any interval (`BrownianPath.continuous`): rejected trials are re-taken over
   * the same path.
   */
  readonly adaptive: boolean;
  /** The steps of one solve on [t0, t1]; `errorOrder` is the exponent of the local error (strong order + 1/2). */
  begin(t0: number, t1: number, errorOrder: number): StepSequence;
}

export interface StepSequence {
  /** End of the next trial step (t1 for the last). */
  propose(): number;
  /** Accepts or rejects the trial given its error estimate (null when none was made). */
  report(trial: Trial | null): boolean;
}

/** A trial step's local error estimate: `error` = y_after - y_after(estimate), all `dim` floats in wasm memory. */
export interface Trial {
  readonly error: Ptr;
  readonly before: Ptr;
  readonly after: Ptr;
  readonly dim: number;
}
