import type { Ptr } from "../../runtime/abi.js";
import type { Runtime } from "../../runtime/load.js";
import type { SdeTerms } from "../terms.js";
import { SolverBase, type ReversibleSolver, type SolverCapabilities, type StepNoise } from "./solver.js";

/**
 * Reversible Heun (Kidger et al. 2021, Stratonovich). Carried state (y, yh, f(yh)[, g(yh)]):
 *   yh' = 2 y - yh + f(t, yh) dt + g(t, yh) dW
 *   y'  = y + (f(t, yh) + f(t + dt, yh')) dt / 2 + (g(t, yh) + g(t + dt, yh')) dW / 2
 * The step is algebraically invertible: the reverse step is the same map with dt -> -dt and
 * dW -> -dW started at t + dt, which gives exact-memory-free adjoints (`reverse`).
 * Strong order 1 for additive and for commutative (e.g. diagonal, g_i depending on y_i only)
 * noise, 1/2 for general noise.
 */
export class ReversibleHeun extends SolverBase implements ReversibleSolver {
  readonly name = "reversible_heun" as const;
  readonly capabilities: SolverCapabilities = {
    calculus: "stratonovich", order: { additive: 1, diagonal: 1 }, levyArea: false, gradients: ["additive"], reversible: true,
  };
  /** stepVjp: one driftVjp; the reverse step of the adjoint adds one drift evaluation. */
  readonly evaluations = { step: 1, stepVjp: 1 };
  readonly stateSize: number;
  readonly adjointSize: number;
  private readonly diag: boolean;
  private readonly tmp: Ptr;
  private readonly tmp2: Ptr;

  constructor(rt: Runtime, terms: SdeTerms) {
    super(rt, terms);
    this.diag = terms.noise.kind === "diagonal";
    this.stateSize = 3 * this.n + (this.diag ? terms.noiseDim : 0);
    this.adjointSize = 3 * this.n;
    this.tmp = this.scratch(this.n);
    this.tmp2 = this.scratch(this.n);
  }

  private parts(state: Ptr): { y: Ptr; yh: Ptr; fh: Ptr; gh: Ptr } {
    const b = this.n * 4;
    return { y: state, yh: state + b, fh: state + 2 * b, gh: state + 3 * b };
  }

  init(t0: number, y0: Ptr, state: Ptr): void {
    const { y, yh, fh, gh } = this.parts(state);
    if (y0 !== y) this.copy(y, y0, this.n);
    this.copy(yh, y, this.n);
    this.terms.drift(t0, yh, fh);
    if (this.terms.noise.kind === "diagonal") this.terms.noise.diffusion(t0, yh, gh);
  }

  /** One step from t to t + dt; with sign = -1 (and dt < 0) it is the exact reverse step. */
  private advance(t: number, dt: number, sign: number, state: Ptr, dW: Ptr): void {
    const { y, yh, fh, gh } = this.parts(state);
    const { terms } = this;
    const m = terms.noiseDim;
    // y += (dt/2) f(yh) [+ (sign/2) g(yh) dW]   (first half of the trapezoid, uses the old yh)
    this.comb(y, y, this.n, 0.5 * dt, fh);
    // yh <- 2 y_old - yh + dt f(yh): y already moved by (dt/2) f, so 2 y_old = 2 y - dt f
    this.comb(yh, 0, this.n, 2, y, -1, yh, 0, 0);
    if (terms.noise.kind === "diagonal") {
      this.rt.wasm.sde_muladd(this.slice(yh), this.slice(yh), m, sign, gh, dW);
      this.rt.wasm.sde_muladd(this.slice(y), this.slice(y), m, 0.5 * sign, gh, dW);
      terms.noise.diffusion(t + dt, yh, gh);
      this.rt.wasm.sde_muladd(this.slice(y), this.slice(y), m, 0.5 * sign, gh, dW);
    } else {
      this.comb(this.slice(yh), this.slice(yh), m, sign * terms.noise.sigma, dW);
      this.comb(this.slice(y), this.slice(y), m, sign * terms.noise.sigma, dW);
    }
    terms.drift(t + dt, yh, fh);
    this.comb(y, y, this.n, 0.5 * dt, fh);
  }

  step(t: number, dt: number, state: Ptr, { dW }: StepNoise): void {
    this.advance(t, dt, 1, state, dW);
  }

  /** Reconstructs the carried state at t from the one at t + dt (the algebraic inverse of step). */
  reverse(t: number, dt: number, state: Ptr, { dW }: StepNoise): void {
    this.advance(t + dt, -dt, -1, state, dW);
  }

  /**
   * Carried adjoint (alpha, P, v): adjoint of y is alpha; adjoint of yh is P + J(yh)^T v, the
   * vector-Jacobian product deferred so that each step costs ONE driftVjp. Backward over a step:
   *   A = P' + J(yh')^T (v' + (dt/2) alpha'),  alpha = alpha' + 2 A,  P = -A,  v = (dt/2) alpha' + dt A.
   */
  stepVjp(t: number, dt: number, _before: Ptr, after: Ptr, _noise: StepNoise, adj: Ptr): void {
    this.requireGradients();
    const b = this.n * 4;
    const alpha = adj, P = adj + b, v = adj + 2 * b;
    const yhAfter = this.parts(after).yh;
    this.comb(this.tmp, v, this.n, 0.5 * dt, alpha);
    this.requireVjp()(t + dt, yhAfter, this.tmp, this.tmp2);
    this.comb(this.tmp2, P, this.n, 1, this.tmp2); // tmp2 = A
    this.comb(v, 0, this.n, 0.5 * dt, alpha, dt, this.tmp2);
    this.comb(alpha, alpha, this.n, 2, this.tmp2);
    this.comb(P, 0, this.n, -1, this.tmp2);
  }

  initVjp(t0: number, state0: Ptr, adj: Ptr, adjY0: Ptr): void {
    const b = this.n * 4;
    // y0 feeds both y and yh (yh0 = y0): adjoint = alpha + P + J(yh0)^T v
    this.requireVjp()(t0, this.parts(state0).yh, adj + 2 * b, this.tmp);
    this.comb(adjY0, adj, this.n, 1, adj + b, 1, this.tmp);
  }

  seedAdjoint(adjY: Ptr, adj: Ptr): void {
    if (adj !== adjY) this.copy(adj, adjY, this.n);
    this.comb(adj + this.n * 4, 0, 2 * this.n, 0, 0);
  }
}
