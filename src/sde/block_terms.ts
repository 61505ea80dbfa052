import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { SdeTerms } from "./terms.js";

/** f_h(h, t; w): the hidden-state drift, a layer stack whose parameters are the flat vector w. */
export interface HiddenDrift {
  /** Floats of h (the whole batch). */
  readonly hiddenSize: number;
  /** D_w: floats of w consumed. */
  readonly weightSize: number;
  forward(t: number, h: Ptr, w: Ptr, out: Ptr): void;
  /** outH <- v^T df_h/dh, outW <- v^T df_h/dw (both overwritten). */
  vjp(t: number, h: Ptr, w: Ptr, v: Ptr, outH: Ptr, outW: Ptr): void;
}

/** NN(w, t; phi): the posterior's drift correction (the hypernetwork), last layer zero at init. */
export interface WeightDrift {
  readonly dim: number;
  forward(t: number, w: Ptr, out: Ptr): void;
  /** outW <- v^T dNN/dw (overwrite); with `params`, phi's gradient += v^T dNN/dphi. */
  vjp(t: number, w: Ptr, v: Ptr, outW: Ptr, params: boolean): void;
}

/**
 * KL estimator of the path KL(Q || P) = E_Q[ 1/2 int |u|^2 dt ], u = NN(w, t) / sigma:
 * - "quadratic": kl += 1/2 |u|^2 dt (the reference code's estimator);
 * - "stl": plus the martingale u(w_t; stopgrad(phi)) . dW_t (sticking the landing: no
 *   score-function term, zero-variance gradient when q is the true posterior);
 * - "logratio": plus u(w_t; phi) . dW_t with phi differentiated (the plain log-density-ratio
 *   estimator STL improves on; for comparisons).
 */
export type KlEstimator = "quadratic" | "stl" | "logratio";

export interface BlockTermsOptions {
  sigma: number;
  /** OU prior drift -theta w. */
  theta?: number;
  kl?: KlEstimator;
}

/**
 * The SDE-BNN block as an SDE over the augmented state y = (h, w, kl):
 *   dh  = f_h(h, t; w) dt
 *   dw  = (-theta w + NN(w, t)) dt + sigma dW
 *   dkl = 1/2 |NN(w, t)|^2 / sigma^2 dt   [+ NN(w, t)/sigma . dW for "stl" / "logratio"]
 * With sigma = 0 and a zero NN it is the neural ODE (ODEnet) limit through the same code.
 */
export class BlockTerms implements SdeTerms {
  readonly dim: number;
  readonly noiseOffset: number;
  readonly noiseDim: number;
  readonly noise: { readonly kind: "additive"; readonly sigma: number };
  readonly theta: number;
  readonly kl: KlEstimator;
  private readonly H: number;
  private readonly D: number;
  private readonly nn: Ptr;
  private readonly z: Ptr;
  private readonly tmpW: Ptr;
  private readonly tmpW2: Ptr;

  constructor(private readonly rt: Runtime, readonly hidden: HiddenDrift | null, readonly net: WeightDrift | null,
              weightSize: number, opts: BlockTermsOptions) {
    if (!(opts.sigma >= 0 && Number.isFinite(opts.sigma))) throw new ArgumentError(`sigma must be a finite number >= 0, got ${opts.sigma}`);
    if (hidden && hidden.weightSize !== weightSize) {
      throw new ArgumentError(`the hidden drift consumes ${hidden.weightSize} weights but the block has D_w = ${weightSize}`);
    }
    if (net && net.dim !== weightSize) throw new ArgumentError(`the weight drift has dim ${net.dim}, expected D_w = ${weightSize}`);
    if (net && opts.sigma === 0) throw new ArgumentError("a posterior drift correction needs sigma > 0 (the path KL is infinite otherwise)");
    this.H = hidden ? hidden.hiddenSize : 0;
    this.D = weightSize;
    this.dim = this.H + this.D + 1;
    this.noiseOffset = this.H;
    this.noiseDim = this.D;
    this.noise = { kind: "additive", sigma: opts.sigma };
    this.theta = opts.theta ?? 1;
    this.kl = opts.kl ?? "quadratic";
    const a = (n: number) => rt.arena.alloc(Math.max(1, n) * 4, true);
    this.nn = a(this.D);
    this.z = a(this.D);
    this.tmpW = a(this.D);
    this.tmpW2 = a(this.D);
  }

  /** Byte offsets of the parts of an augmented state. */
  wOf(y: Ptr): Ptr { return y + this.H * 4; }
  klOf(y: Ptr): Ptr { return y + (this.H + this.D) * 4; }

  drift(t: number, y: Ptr, out: Ptr): void {
    const w = this.wOf(y), D = this.D, wasm = this.rt.wasm;
    if (this.hidden) this.hidden.forward(t, y, w, out);
    if (this.net) {
      this.net.forward(t, w, this.nn);
      const s = this.noise.sigma;
      store(this.rt, this.klOf(out), (0.5 / (s * s)) * wasm.vec_dot(this.nn, this.nn, D));
      wasm.sde_lincomb(this.wOf(out), 0, D, -this.theta, w, 1, this.nn, 0, 0);
    } else {
      store(this.rt, this.klOf(out), 0);
      wasm.sde_lincomb(this.wOf(out), 0, D, -this.theta, w, 0, 0, 0, 0);
    }
  }

  /**
   * v = (v_h, v_w, v_kl): outY_h = J_h^T v_h, outY_w = (df_h/dw)^T v_h - theta v_w + J_NN^T z with
   * z = v_w + (v_kl / sigma^2) NN(w); phi's gradient gets J_phi^T z. outY_kl = 0.
   */
  driftVjp(t: number, y: Ptr, v: Ptr, outY: Ptr): void {
    const w = this.wOf(y), D = this.D, wasm = this.rt.wasm, outW = this.wOf(outY);
    if (this.hidden) this.hidden.vjp(t, y, w, v, outY, this.tmpW);
    else wasm.sde_lincomb(this.tmpW, 0, D, 0, 0, 0, 0, 0, 0);
    wasm.sde_lincomb(outW, this.tmpW, D, -this.theta, this.wOf(v), 0, 0, 0, 0);
    if (this.net) {
      const s = this.noise.sigma;
      const vkl = load(this.rt, this.klOf(v));
      this.net.forward(t, w, this.nn);
      wasm.sde_lincomb(this.z, this.wOf(v), D, vkl / (s * s), this.nn, 0, 0, 0, 0);
      this.net.vjp(t, w, this.z, this.tmpW2, true);
      wasm.sde_lincomb(outW, outW, D, 1, this.tmpW2, 0, 0, 0, 0);
    }
    store(this.rt, this.klOf(outY), 0);
  }

  get stepTerm(): SdeTerms["stepTerm"] {
    if (this.kl === "quadratic" || !this.net) return undefined;
    return (t, _dt, before, dW, after) => {
      const net = this.net!;
      net.forward(t, this.wOf(before), this.nn);
      const m = this.rt.wasm.vec_dot(this.nn, dW, this.D) / this.noise.sigma;
      store(this.rt, this.klOf(after), load(this.rt, this.klOf(after)) + m);
    };
  }

  /** d/dw_t of (NN(w_t)/sigma . dW) times the KL adjoint; phi only for "logratio". */
  get stepTermVjp(): SdeTerms["stepTermVjp"] {
    if (this.kl === "quadratic" || !this.net) return undefined;
    return (t, _dt, before, dW, adjAfter, adjBefore) => {
      const a = load(this.rt, this.klOf(adjAfter));
      if (a === 0) return;
      const wasm = this.rt.wasm, D = this.D;
      wasm.sde_lincomb(this.z, 0, D, a / this.noise.sigma, dW, 0, 0, 0, 0);
      this.net!.vjp(t, this.wOf(before), this.z, this.tmpW2, this.kl === "logratio");
      wasm.sde_lincomb(this.wOf(adjBefore), this.wOf(adjBefore), D, 1, this.tmpW2, 0, 0, 0, 0);
    };
  }
}

function store(rt: Runtime, p: Ptr, v: number): void {
  new Float32Array(rt.memory.buffer, p, 1)[0] = v;
}
function load(rt: Runtime, p: Ptr): number {
  return new Float32Array(rt.memory.buffer, p, 1)[0]!;
}
