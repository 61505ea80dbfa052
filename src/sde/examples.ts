// Example SDEs with known solutions or simple nonlinear drifts, evaluated by wasm kernels:
// used by the solver tests and the convergence diagnostics in bench/. Each "path" is one
// independent component of the state, so one solve integrates P paths at once.
import type { Runtime } from "../runtime/load.js";
import type { SdeTerms } from "./terms.js";

/**
 * dX = -theta X dt + sigma dW, P independent paths. `gradTheta` accumulates v^T df/dtheta
 * = -sum_i v_i y_i over driftVjp calls.
 */
export class ScalarOU implements SdeTerms {
  readonly noise;
  readonly noiseOffset = 0;
  readonly noiseDim: number;
  gradTheta = 0;
  constructor(private readonly rt: Runtime, readonly dim: number, readonly theta: number, sigma: number) {
    this.noiseDim = dim;
    this.noise = { kind: "additive" as const, sigma };
  }
  drift(_t: number, y: number, out: number): void {
    this.rt.wasm.sde_lincomb(out, 0, this.dim, -this.theta, y, 0, 0, 0, 0);
  }
  driftVjp(_t: number, y: number, v: number, outY: number): void {
    this.rt.wasm.sde_lincomb(outY, 0, this.dim, -this.theta, v, 0, 0, 0, 0);
    this.gradTheta -= this.rt.wasm.vec_dot(v, y, this.dim);
  }
}

/**
 * dX = -A X dt + sigma dW in 2D with A = [[theta, -omega], [omega, theta]] (damped rotation);
 * state layout [x_1..x_P, y_1..y_P].
 */
export class RotatingOU implements SdeTerms {
  readonly noise;
  readonly noiseOffset = 0;
  readonly noiseDim: number;
  readonly dim: number;
  constructor(private readonly rt: Runtime, readonly paths: number, readonly theta: number, readonly omega: number, sigma: number) {
    this.dim = 2 * paths;
    this.noiseDim = this.dim;
    this.noise = { kind: "additive" as const, sigma };
  }
  drift(_t: number, y: number, out: number): void {
    const P = this.paths, b = P * 4, { theta, omega } = this;
    this.rt.wasm.sde_lincomb(out, 0, P, -theta, y, omega, y + b, 0, 0);
    this.rt.wasm.sde_lincomb(out + b, 0, P, -omega, y, -theta, y + b, 0, 0);
  }
  driftVjp(_t: number, _y: number, v: number, outY: number): void {
    const P = this.paths, b = P * 4, { theta, omega } = this;
    this.rt.wasm.sde_lincomb(outY, 0, P, -theta, v, -omega, v + b, 0, 0);
    this.rt.wasm.sde_lincomb(outY + b, 0, P, omega, v, -theta, v + b, 0, 0);
  }
}

/** dX = mu X dt + s X dW (geometric Brownian motion), diagonal noise. */
export class GBM implements SdeTerms {
  readonly noise;
  readonly noiseOffset = 0;
  readonly noiseDim: number;
  constructor(private readonly rt: Runtime, readonly dim: number, readonly mu: number, readonly s: number) {
    this.noiseDim = dim;
    this.noise = {
      kind: "diagonal" as const,
      diffusion: (_t: number, y: number, out: number) => this.rt.wasm.sde_lincomb(out, 0, this.dim, this.s, y, 0, 0, 0, 0),
    };
  }
  drift(_t: number, y: number, out: number): void {
    this.rt.wasm.sde_lincomb(out, 0, this.dim, this.mu, y, 0, 0, 0, 0);
  }
}

/**
 * Nonlinear drift f(y) = -theta y - kappa y^3 with additive noise (P independent paths), with
 * parameter gradients accumulated by driftVjp: df/dtheta = -y, df/dkappa = -y^3.
 */
export class CubicDrift implements SdeTerms {
  readonly noise;
  readonly noiseOffset = 0;
  readonly noiseDim: number;
  gradTheta = 0;
  gradKappa = 0;
  private readonly sq: number;
  constructor(private readonly rt: Runtime, readonly dim: number, readonly theta: number, readonly kappa: number, sigma: number) {
    this.noiseDim = dim;
    this.noise = { kind: "additive" as const, sigma };
    this.sq = rt.arena.alloc(dim * 4);
  }
  drift(_t: number, y: number, out: number): void {
    const w = this.rt.wasm;
    w.sde_muladd(this.sq, 0, this.dim, 1, y, y); // y^2
    w.sde_muladd(out, 0, this.dim, -this.kappa, this.sq, y); // -kappa y^3
    w.sde_lincomb(out, out, this.dim, -this.theta, y, 0, 0, 0, 0);
  }
  driftVjp(_t: number, y: number, v: number, outY: number): void {
    const w = this.rt.wasm;
    w.sde_muladd(this.sq, 0, this.dim, 1, y, y);
    w.sde_muladd(outY, 0, this.dim, -3 * this.kappa, this.sq, v); // -3 kappa y^2 v
    w.sde_lincomb(outY, outY, this.dim, -this.theta, v, 0, 0, 0, 0);
    this.gradTheta -= w.vec_dot(v, y, this.dim);
    w.sde_muladd(this.sq, 0, this.dim, 1, this.sq, y); // y^3
    this.gradKappa -= w.vec_dot(v, this.sq, this.dim);
  }
}
