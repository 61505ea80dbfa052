import { ArgumentError } from "../../runtime/errors.js";
import type { StepController, StepSequence } from "./controller.js";

/** t_k = t0 + (t1 - t0) k / steps (t_steps = t1 exactly), computed the same way everywhere. */
export function gridPoint(t0: number, t1: number, steps: number, k: number): number {
  return k === steps ? t1 : t0 + ((t1 - t0) * k) / steps;
}

/** A fixed grid of `steps` equal steps: every trial is accepted, no error is estimated. */
export class ConstantSteps implements StepController {
  readonly name = "constant" as const;
  readonly adaptive = false;
  constructor(readonly steps: number) {
    if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`steps must be a positive integer, got ${steps}`);
  }
  begin(t0: number, t1: number): StepSequence {
    const steps = this.steps;
    let k = 0;
    return {
      propose: () => gridPoint(t0, t1, steps, k + 1),
      report: () => { k++; return true; },
    };
  }
}
