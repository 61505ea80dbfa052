import type { Ptr } from "../../runtime/abi.js";
import type { Runtime } from "../../runtime/load.js";
import type { SdeTerms } from "../terms.js";
import { ArgumentError } from "../../runtime/errors.js";
import { SolverBase, type Solver, type SolverCapabilities, type StepNoise } from "./solver.js";

/**
 * SRA1 (Roessler 2010, additive noise, strong order 1.5) with c0 = (0, 3/4), A0 = [[0,0],[3/4,0]],
 * B0 = [[0,0],[3/2,0]], alpha = (1/3, 2/3), beta1 = (1, 0), beta2 = (-1, 1). For constant g = sigma:
 *   H2 = y + (3/4) h f(t, y) + (3/2) sigma I10/h,          I10/h = H + dW/2
 *   y' = y + h (f(t, y)/3 + 2 f(t + 3h/4, H2)/3) + sigma dW
 * where I10 = int_t^{t+h} (W(s) - W(t)) ds and H is the space-time Levy area.
 */
export class Sra1 extends SolverBase implements Solver {
  readonly name = "sra1" as const;
  readonly capabilities: SolverCapabilities = {
    calculus: "ito", order: { additive: 1.5, diagonal: 0 }, levyArea: true, gradients: ["additive"], reversible: false,
  };
  readonly evaluations = { step: 2, stepVjp: 2 };
  readonly stateSize: number;
  readonly adjointSize: number;
  private readonly f1: Ptr;
  private readonly f2: Ptr;
  private readonly h2: Ptr;
  private readonly a1: Ptr;
  private readonly a2: Ptr;

  constructor(rt: Runtime, terms: SdeTerms) {
    super(rt, terms);
    if (terms.noise.kind !== "additive") throw new ArgumentError(`solver 'sra1' supports additive noise only, got ${terms.noise.kind} noise`);
    this.stateSize = terms.dim;
    this.adjointSize = terms.dim;
    this.f1 = this.scratch(this.n);
    this.f2 = this.scratch(this.n);
    this.h2 = this.scratch(this.n);
    this.a1 = this.scratch(this.n);
    this.a2 = this.scratch(this.n);
  }

  private get sigma(): number {
    return (this.terms.noise as { sigma: number }).sigma;
  }

  init(_t0: number, y0: Ptr, state: Ptr): void {
    if (y0 !== state) this.copy(state, y0, this.n);
  }

  /** f1 = f(t, y); h2 = stage 2 input. */
  private stages(t: number, dt: number, y: Ptr, { dW, H }: StepNoise): void {
    if (!H) throw new ArgumentError("solver 'sra1' needs the Levy area H of each step (a Brownian path with levyArea)");
    const s = this.sigma, m = this.terms.noiseDim;
    this.terms.drift(t, y, this.f1);
    this.comb(this.h2, y, this.n, 0.75 * dt, this.f1);
    this.comb(this.slice(this.h2), this.slice(this.h2), m, 1.5 * s, H, 0.75 * s, dW);
  }

  step(t: number, dt: number, y: Ptr, noise: StepNoise): void {
    this.stages(t, dt, y, noise);
    this.terms.drift(t + 0.75 * dt, this.h2, this.f2);
    this.comb(y, y, this.n, dt / 3, this.f1, (2 * dt) / 3, this.f2);
    this.comb(this.slice(y), this.slice(y), this.terms.noiseDim, this.sigma, noise.dW);
  }

  /**
   * With a = adjoint of y': adjoint of f2 is (2h/3) a, so adjoint of H2 is J(H2)^T (2h/3) a;
   * adjoint of f1 is (h/3) a + (3h/4) adj(H2); adj(y) = a + adj(H2) + J(y)^T adj(f1).
   */
  stepVjp(t: number, dt: number, y: Ptr, _after: Ptr, noise: StepNoise, adj: Ptr): void {
    const vjp = this.requireVjp();
    this.stages(t, dt, y, noise);
    this.comb(this.a1, 0, this.n, (2 * dt) / 3, adj);
    vjp(t + 0.75 * dt, this.h2, this.a1, this.a2); // a2 = adj(H2)
    this.comb(this.a1, 0, this.n, dt / 3, adj, 0.75 * dt, this.a2); // a1 = adj(f1)
    vjp(t, y, this.a1, this.f2); // f2 reused as J(y)^T adj(f1)
    this.comb(adj, adj, this.n, 1, this.a2, 1, this.f2);
  }

  initVjp(_t0: number, _state0: Ptr, adj: Ptr, adjY0: Ptr): void {
    if (adj !== adjY0) this.copy(adjY0, adj, this.n);
  }

  seedAdjoint(adjY: Ptr, adj: Ptr): void {
    if (adj !== adjY) this.copy(adj, adjY, this.n);
  }
}
