import type { Ptr } from "../../runtime/abi.js";
import type { Runtime } from "../../runtime/load.js";
import { ArgumentError } from "../../runtime/errors.js";
import type { SdeTerms } from "../terms.js";

/** Noise of one step [t, t + dt]: dW = W(t + dt) - W(t) and, for SRA-type methods, H(t, t + dt). */
export interface StepNoise {
  dW: Ptr;
  H?: Ptr;
}

/**
 * A one-step method: a pure map from the step-boundary state to the next one, given the step's
 * noise. `state` is the solver's carried state: y first (`dim` floats), then whatever the method
 * carries besides (reversible Heun: y-hat and f(y-hat)).
 */
export interface Solver {
  readonly name: SolverName;
  readonly terms: SdeTerms;
  /** What the method can do; checkContract (../check.ts) refuses what it cannot. */
  readonly capabilities: SolverCapabilities;
  /** Strong orders for additive and for diagonal (multiplicative) noise; 0 = unsupported. */
  readonly order: { readonly additive: number; readonly diagonal: number };
  readonly needsLevyArea: boolean;
  /** Drift evaluations of one step and driftVjp calls of one stepVjp (for diagnostics). */
  readonly evaluations: { readonly step: number; readonly stepVjp: number };
  /** Floats of carried state (>= dim). */
  readonly stateSize: number;
  /** Floats of the carried adjoint (>= dim); its first `dim` entries are the adjoint of y. */
  readonly adjointSize: number;
  /** Writes the carried state for y0 at t0 into `state`. */
  init(t0: number, y0: Ptr, state: Ptr): void;
  step(t: number, dt: number, state: Ptr, noise: StepNoise): void;
  /**
   * Reverse-mode derivative of one step [t, t + dt]: given the carried states before and after it
   * and the carried adjoint after it, overwrites `adj` with the carried adjoint before it. Parameter
   * gradients are accumulated by the terms' driftVjp.
   */
  stepVjp(t: number, dt: number, before: Ptr, after: Ptr, noise: StepNoise, adj: Ptr): void;
  /** Writes the adjoint of y0 (dim floats) given the carried state and adjoint at t0. */
  initVjp(t0: number, state0: Ptr, adj: Ptr, adjY0: Ptr): void;
  /** Sets the carried adjoint from the adjoint of y at the final time (dim floats). */
  seedAdjoint(adjY: Ptr, adj: Ptr): void;
}

export type SolverName = "euler" | "sra1" | "reversible_heun";

export type NoiseKind = "additive" | "diagonal";

/**
 * A solver's declared abilities (torchsde's check_contract, diffrax's solver attributes):
 * - calculus: how diagonal noise g(t, y) dW is read (additive noise: Ito and Stratonovich coincide);
 * - order: strong order per noise kind (0: the kind is not supported);
 * - levyArea: each step needs the space-time Levy area H of its interval;
 * - gradients: the noise kinds whose stepVjp is implemented;
 * - reversible: an exact algebraic reverse step exists (a ReversibleSolver), which the
 *   memory-constant reversible adjoint needs.
 */
export interface SolverCapabilities {
  readonly calculus: "ito" | "stratonovich";
  readonly order: { readonly additive: number; readonly diagonal: number };
  readonly levyArea: boolean;
  readonly gradients: readonly NoiseKind[];
  readonly reversible: boolean;
}

/** A solver whose step can be undone: reverse() maps the carried state at t + dt back to t. */
export interface ReversibleSolver extends Solver {
  reverse(t: number, dt: number, state: Ptr, noise: StepNoise): void;
}

export function isReversible(solver: Solver): solver is ReversibleSolver {
  return solver.capabilities.reversible && typeof (solver as Partial<ReversibleSolver>).reverse === "function";
}

/** Common plumbing: scratch vectors from the arena and the noise-slice arithmetic. */
export abstract class SolverBase {
  protected readonly n: number;
  abstract readonly capabilities: SolverCapabilities;
  constructor(protected readonly rt: Runtime, readonly terms: SdeTerms) {
    this.n = terms.dim;
  }
  get order(): SolverCapabilities["order"] { return this.capabilities.order; }
  get needsLevyArea(): boolean { return this.capabilities.levyArea; }
  /** Gradients of a step need stepVjp support for the terms' noise kind (checked by checkContract too). */
  protected requireGradients(): void {
    const kind = this.terms.noise.kind;
    if (!this.capabilities.gradients.includes(kind)) {
      throw new ArgumentError(`solver '${(this as unknown as Solver).name}' has no gradients for ${kind} noise (supported: ${this.capabilities.gradients.join(", ")})`);
    }
  }
  protected scratch(len: number): Ptr {
    return this.rt.arena.alloc(Math.max(1, len) * 4, true);
  }
  /** Byte address of the noise slice inside a state vector. */
  protected slice(p: Ptr): Ptr {
    return p + this.terms.noiseOffset * 4;
  }
  /** out = y + c1 x1 + c2 x2 + c3 x3 over n floats (0 pointers drop terms). */
  protected comb(out: Ptr, y: Ptr, n: number, c1: number, x1: Ptr, c2 = 0, x2: Ptr = 0, c3 = 0, x3: Ptr = 0): void {
    this.rt.wasm.sde_lincomb(out, y, n, c1, x1, c2, x2, c3, x3);
  }
  protected copy(dst: Ptr, src: Ptr, n: number): void {
    this.rt.wasm.sde_lincomb(dst, src, n, 0, 0, 0, 0, 0, 0);
  }
  protected requireVjp(): NonNullable<SdeTerms["driftVjp"]> {
    const vjp = this.terms.driftVjp;
    if (!vjp) throw new ArgumentError("these SDE terms provide no driftVjp: gradients are unavailable");
    return vjp.bind(this.terms);
  }
}
