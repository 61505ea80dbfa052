import type { Ptr } from "../../runtime/abi.js";
import type { Runtime } from "../../runtime/load.js";
import type { SdeTerms } from "../terms.js";
import { SolverBase, type Solver, type SolverCapabilities, type StepNoise } from "./solver.js";

/**
 * Euler-Maruyama (Ito): y' = y + f(t, y) dt + g(t, y) dW.
 * Strong order 1 for additive noise, 1/2 for multiplicative noise.
 */
export class EulerMaruyama extends SolverBase implements Solver {
  readonly name = "euler" as const;
  readonly capabilities: SolverCapabilities = {
    calculus: "ito", order: { additive: 1, diagonal: 0.5 }, levyArea: false, gradients: ["additive"], reversible: false,
  };
  readonly evaluations = { step: 1, stepVjp: 1 };
  readonly stateSize: number;
  readonly adjointSize: number;
  private readonly f: Ptr;
  private readonly g: Ptr;
  private readonly tmp: Ptr;
  private readonly v: Ptr;

  constructor(rt: Runtime, terms: SdeTerms) {
    super(rt, terms);
    this.stateSize = terms.dim;
    this.adjointSize = terms.dim;
    this.f = this.scratch(this.n);
    this.g = this.scratch(terms.noiseDim);
    this.tmp = this.scratch(this.n);
    this.v = this.scratch(this.n);
  }

  init(_t0: number, y0: Ptr, state: Ptr): void {
    if (y0 !== state) this.copy(state, y0, this.n);
  }

  step(t: number, dt: number, y: Ptr, { dW }: StepNoise): void {
    const { terms } = this;
    terms.drift(t, y, this.f);
    if (terms.noise.kind === "diagonal") {
      terms.noise.diffusion(t, y, this.g);
      this.rt.wasm.sde_muladd(this.slice(y), this.slice(y), terms.noiseDim, 1, this.g, dW);
    } else {
      this.comb(this.slice(y), this.slice(y), terms.noiseDim, terms.noise.sigma, dW);
    }
    this.comb(y, y, this.n, dt, this.f);
  }

  /** adj <- adj + (df/dy)^T (dt adj); parameters get (df/dtheta)^T (dt adj). dW does not depend on y. */
  stepVjp(t: number, dt: number, y: Ptr, _after: Ptr, _noise: StepNoise, adj: Ptr): void {
    this.requireGradients();
    this.comb(this.v, 0, this.n, dt, adj);
    this.requireVjp()(t, y, this.v, this.tmp);
    this.comb(adj, adj, this.n, 1, this.tmp);
  }

  initVjp(_t0: number, _state0: Ptr, adj: Ptr, adjY0: Ptr): void {
    if (adj !== adjY0) this.copy(adjY0, adj, this.n);
  }

  seedAdjoint(adjY: Ptr, adj: Ptr): void {
    if (adj !== adjY) this.copy(adj, adjY, this.n);
  }
}
