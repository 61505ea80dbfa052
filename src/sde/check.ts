import { ArgumentError } from "../runtime/errors.js";
import type { BrownianPath } from "./brownian/path.js";
import type { Solver } from "./solvers/solver.js";
import { isReversible } from "./solvers/solver.js";
import type { StepController } from "./controllers/controller.js";
import type { Adjoint } from "./adjoints/adjoint.js";

export interface Contract {
  solver: Solver;
  brownian: BrownianPath;
  controller: StepController;
  /** The adjoint of a later backward pass (null: forward only). */
  adjoint: Adjoint | null;
  t0: number;
  t1: number;
}

/**
 * The one compatibility check of a solve (torchsde's check_contract): the solver's declared
 * capabilities against the terms' noise kind and calculus, the Brownian path (dimension, time
 * span, Levy area, arbitrary queries for adaptive steps) and the adjoint (gradients for this
 * noise kind, a driftVjp, an exact reverse step). Refuses with an ArgumentError naming both sides.
 */
export function checkContract({ solver, brownian, controller, adjoint, t0, t1 }: Contract): void {
  const caps = solver.capabilities, terms = solver.terms, kind = terms.noise.kind;
  const name = `solver '${solver.name}'`;
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0)) {
    throw new ArgumentError(`the time interval must satisfy t0 < t1 (finite), got [${t0}, ${t1}]`);
  }
  if (!(caps.order[kind] > 0)) {
    const ok = (["additive", "diagonal"] as const).filter((k) => caps.order[k] > 0);
    throw new ArgumentError(`${name} does not support ${kind} noise (it supports: ${ok.join(", ")})`);
  }
  if (terms.noise.kind === "diagonal" && terms.noise.calculus && terms.noise.calculus !== caps.calculus) {
    throw new ArgumentError(`${name} reads diagonal noise as ${caps.calculus}, but the terms are ${terms.noise.calculus}`);
  }
  if (brownian.dim !== terms.noiseDim) {
    throw new ArgumentError(`the Brownian path has ${brownian.dim} dimensions, expected the terms' noiseDim = ${terms.noiseDim}`);
  }
  if (caps.levyArea && !brownian.levyArea) {
    throw new ArgumentError(`${name} needs the Levy area of each step: use a Brownian path with levyArea (VirtualBrownianTree, or GridBrownian on its grid)`);
  }
  if (t0 < brownian.t0 || t1 > brownian.t1) {
    throw new ArgumentError(`the solve spans [${t0}, ${t1}] but the Brownian path covers [${brownian.t0}, ${brownian.t1}]`);
  }
  if (controller.adaptive && !brownian.continuous) {
    throw new ArgumentError(`the '${controller.name}' step controller needs a Brownian path that answers any interval (a VirtualBrownianTree), so that rejected steps see the same path`);
  }
  if (!adjoint) return;
  if (!caps.gradients.includes(kind)) {
    throw new ArgumentError(`${name} has no gradients for ${kind} noise (gradients for: ${caps.gradients.join(", ")})`);
  }
  if (!terms.driftVjp) throw new ArgumentError("the SDE terms provide no driftVjp: gradients are unavailable");
  if (adjoint.needsReversible && !isReversible(solver)) {
    throw new ArgumentError(`the '${adjoint.name}' adjoint needs a solver with an exact reverse step (reversible_heun), got '${solver.name}'`);
  }
}
