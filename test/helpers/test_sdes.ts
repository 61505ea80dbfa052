// SDEs with known solutions or simple nonlinear drifts for solver tests. Each "path" is one
// independent component of the state, so one solve integrates P paths at once; drifts are
// evaluated by wasm kernels.
import type { Runtime } from "../../src/runtime/load.js";
import type { SdeTerms } from "../../src/sde/terms.js";
import { gaussianStream } from "./fine_brownian.js";

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

/** NN(w) = c w + d elementwise (a linear posterior drift correction), with parameter gradients. */
export class LinearWeightDrift {
  gradC = 0;
  gradD = 0;
  constructor(private readonly rt: Runtime, readonly dim: number, public c: number, public d: number) {}
  private ones(n: number): number {
    return this.rt.arena.f32From(new Float32Array(n).fill(1)).ptr;
  }
  forward(_t: number, w: number, out: number, rows = 1): void {
    const n = this.dim * rows;
    this.rt.arena.scoped(() => this.rt.wasm.sde_lincomb(out, 0, n, this.c, w, this.d, this.ones(n), 0, 0));
  }
  vjp(_t: number, w: number, v: number, outW: number, params: boolean, rows = 1): void {
    const n = this.dim * rows;
    this.rt.wasm.sde_lincomb(outW, 0, n, this.c, v, 0, 0, 0, 0);
    if (params) {
      this.gradC += this.rt.wasm.vec_dot(v, w, n);
      this.gradD += this.rt.wasm.vec_sum(v, n);
    }
  }
}

/**
 * Test-only fixed-grid Brownian source: the increment of step k is sqrt(dt) N(0, I) from a
 * stream seeded by (seed, k), so any step can be regenerated in any order.
 */
export class GridNoise {
  constructor(private readonly rt: Runtime, readonly dim: number, private readonly seed: number) {}
  increment(s: number, t: number, out: number): void {
    const k = Math.round(s * 1e6);
    const g = gaussianStream(this.seed * 1000003 + k);
    const v = new Float32Array(this.rt.memory.buffer, out, this.dim);
    const sd = Math.sqrt(t - s);
    for (let i = 0; i < this.dim; i++) v[i] = sd * g();
  }
}

/**
 * A small nonlinear hidden drift for block tests: f_h(h; w) = a * h + b * h^2 elementwise with
 * w = (a, b) (D_w = 2 H).
 */
export class QuadraticHiddenDrift {
  readonly weightSize: number;
  private readonly tmp: number;
  constructor(private readonly rt: Runtime, readonly hiddenSize: number) {
    this.weightSize = 2 * hiddenSize;
    this.tmp = rt.arena.alloc(hiddenSize * 4);
  }
  forward(_t: number, h: number, w: number, out: number): void {
    const H = this.hiddenSize, x = this.rt.wasm;
    x.sde_muladd(this.tmp, 0, H, 1, h, h);
    x.sde_muladd(out, 0, H, 1, w + H * 4, this.tmp);
    x.sde_muladd(out, out, H, 1, w, h);
  }
  vjp(_t: number, h: number, w: number, v: number, outH: number, outW: number): void {
    const H = this.hiddenSize, x = this.rt.wasm;
    x.sde_muladd(this.tmp, 0, H, 2, w + H * 4, h); // 2 b h
    x.sde_lincomb(this.tmp, this.tmp, H, 1, w, 0, 0, 0, 0); // a + 2 b h
    x.sde_muladd(outH, 0, H, 1, this.tmp, v);
    x.sde_muladd(outW, 0, H, 1, h, v);
    x.sde_muladd(this.tmp, 0, H, 1, h, h);
    x.sde_muladd(outW + H * 4, 0, H, 1, this.tmp, v);
  }
}
