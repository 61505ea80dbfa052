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
  /**
   * Optional (backprop): keep forward passes in a lent region [region, region + bytes) so a vjp at
   * the same (t, h, w) reuses them (same bits), `tapeBytes` per pass, until releaseTapes().
   */
  readonly tapeBytes?: number;
  keepTapes?(region: Ptr, bytes: number): void;
  releaseTapes?(): void;
}

/**
 * NN(w, t; phi): the posterior's drift correction (the hypernetwork), last layer zero at init,
 * evaluated on `rows` weight vectors at once (one per Monte-Carlo sample).
 */
export interface WeightDrift {
  readonly dim: number;
  forward(t: number, w: Ptr, out: Ptr, rows: number): void;
  /** outW <- v^T dNN/dw (overwrite); with `params`, phi's gradient += v^T dNN/dphi. */
  vjp(t: number, w: Ptr, v: Ptr, outW: Ptr, params: boolean, rows: number): void;
  /**
   * One forward pass into `out`, then the vjp of a cotangent built from that output by `cotangent`
   * (which returns its pointer): saves the second forward pass of a separate forward + vjp.
   */
  forwardVjp?(t: number, w: Ptr, out: Ptr, cotangent: () => Ptr, outW: Ptr, params: boolean, rows: number): void;
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
  /** OU prior drift -theta w (sigma > 0 only: with sigma = 0 the weights are constant, dw = 0). */
  theta?: number;
  kl?: KlEstimator;
  /** Monte-Carlo samples carried side by side in one state (default 1). */
  samples?: number;
  /**
   * Per-weight diffusion scale: D floats s_i in wasm memory, the diffusion of weight i being
   * sigma s_i (the Brownian path the solver gets is then s (x) W: ScaledBrownian). The KL terms
   * use u_i = NN_i / (sigma s_i); pass `invScale2` = 1 / s_i^2 (D floats). Absent: s_i = 1.
   */
  invScale2?: Ptr;
}

/**
 * The SDE-BNN block as an SDE over the augmented state of S Monte-Carlo samples,
 * y = (h_1..h_S, w_1..w_S, kl_1..kl_S), each sample s following
 *   dh  = f_h(h, t; w) dt
 *   dw  = (-theta w + NN(w, t)) dt + sigma dW
 *   dkl = 1/2 |NN(w, t)|^2 / sigma^2 dt   [+ NN(w, t)/sigma . dW for "stl" / "logratio"]
 * with its own Brownian motion (the S weight paths form one noise block). The hypernetwork runs
 * on all S weight vectors at once. With a per-weight diffusion scale s (invScale2 = 1 / s^2), the
 * noise is sigma s_i dW_i (the solver is given the path s (x) W) and u_i = NN_i / (sigma s_i):
 *   dkl = 1/2 sum_i NN_i^2 / (sigma s_i)^2 dt  [+ sum_i NN_i (s_i dW_i) / (sigma s_i^2)].
 * With sigma = 0 (no NN allowed) it is the neural ODE (ODEnet): dw = 0, the weights stay w_0 along
 * the whole depth (SPEC section 5: the reference ODE setting replaces the weight drift and the
 * diffusion by 0, so no OU decay -theta w applies), and kl stays 0. Every solver then keeps w_t equal
 * to w_0 bit for bit (its updates add exact zeros).
 */
export class BlockTerms implements SdeTerms {
  readonly dim: number;
  readonly noiseOffset: number;
  readonly noiseDim: number;
  readonly noise: { readonly kind: "additive"; readonly sigma: number };
  readonly errorDim: number;
  /** The prior's OU rate; 0 in the ODE limit (sigma = 0), whatever opts.theta says. */
  readonly theta: number;
  readonly kl: KlEstimator;
  readonly samples: number;
  /** Floats of h and of w per sample. */
  readonly H: number;
  readonly D: number;
  private readonly nn: Ptr;
  private readonly z: Ptr;
  private readonly tmpW: Ptr;
  private readonly tmpW2: Ptr;
  private readonly invScale2: Ptr;

  constructor(private readonly rt: Runtime, readonly hidden: HiddenDrift | null, readonly net: WeightDrift | null,
              weightSize: number, opts: BlockTermsOptions) {
    if (!(opts.sigma >= 0 && Number.isFinite(opts.sigma))) throw new ArgumentError(`sigma must be a finite number >= 0, got ${opts.sigma}`);
    if (hidden && hidden.weightSize !== weightSize) {
      throw new ArgumentError(`the hidden drift consumes ${hidden.weightSize} weights but the block has D_w = ${weightSize}`);
    }
    if (net && net.dim !== weightSize) throw new ArgumentError(`the weight drift has dim ${net.dim}, expected D_w = ${weightSize}`);
    if (net && opts.sigma === 0) throw new ArgumentError("a posterior drift correction needs sigma > 0 (the path KL is infinite otherwise)");
    const S = opts.samples ?? 1;
    if (!Number.isInteger(S) || S < 1) throw new ArgumentError(`samples must be a positive integer, got ${S}`);
    this.samples = S;
    this.H = hidden ? hidden.hiddenSize : 0;
    this.D = weightSize;
    this.dim = S * (this.H + this.D + 1);
    this.noiseOffset = S * this.H;
    this.noiseDim = S * this.D;
    this.noise = { kind: "additive", sigma: opts.sigma };
    this.theta = opts.sigma === 0 ? 0 : opts.theta ?? 1;
    this.kl = opts.kl ?? "quadratic";
    // the KL accumulators with their Ito step term do not steer adaptive steps (see SdeTerms.errorDim)
    this.errorDim = this.kl === "quadratic" ? this.dim : S * (this.H + this.D);
    const a = (n: number) => rt.arena.alloc(Math.max(1, n) * 4, true);
    this.nn = a(S * this.D);
    this.z = a(S * this.D);
    this.tmpW = a(S * this.D);
    this.tmpW2 = a(S * this.D);
    this.invScale2 = opts.invScale2 ?? 0;
  }

  /** out <- 1/s^2 (x) x for one sample's D floats (x itself without a scale). */
  private weighted(x: Ptr, out: Ptr): Ptr {
    if (!this.invScale2) return x;
    this.rt.wasm.sde_muladd(out, 0, this.D, 1, this.invScale2, x);
    return out;
  }

  /** Byte offsets of the parts of an augmented state (sample s). */
  hOf(y: Ptr, s = 0): Ptr { return y + s * this.H * 4; }
  wOf(y: Ptr, s = 0): Ptr { return y + (this.samples * this.H + s * this.D) * 4; }
  klOf(y: Ptr, s = 0): Ptr { return y + (this.samples * (this.H + this.D) + s) * 4; }

  /** Sum of the S samples' KL accumulators in a state. */
  klSum(y: Ptr): number {
    return this.rt.wasm.vec_sum(this.klOf(y), this.samples);
  }

  drift(t: number, y: Ptr, out: Ptr): void {
    const S = this.samples, D = this.D, wasm = this.rt.wasm;
    if (this.hidden) {
      for (let s = 0; s < S; s++) {
        // samples whose (h, w) have the bits of sample 0 (all of them at t = 0 with a point w_0
        // and a shared input) have its f_h: copied, not recomputed
        if (s > 0 && wasm.vec_equal_bits(this.wOf(y, s), this.wOf(y), D) === 1 && wasm.vec_equal_bits(this.hOf(y, s), this.hOf(y), this.H) === 1) {
          wasm.sde_lincomb(this.hOf(out, s), this.hOf(out), this.H, 0, 0, 0, 0, 0, 0);
          continue;
        }
        this.hidden.forward(t, this.hOf(y, s), this.wOf(y, s), this.hOf(out, s));
      }
    }
    const w = this.wOf(y), SD = S * D;
    if (this.net) {
      this.net.forward(t, w, this.nn, S);
      const sg = this.noise.sigma;
      const kl = f32(this.rt, this.klOf(out), S);
      for (let s = 0; s < S; s++) {
        const nn = this.nn + s * D * 4;
        kl[s] = (0.5 / (sg * sg)) * wasm.vec_dot(this.weighted(nn, this.z + s * D * 4), nn, D);
      }
      wasm.sde_lincomb(this.wOf(out), 0, SD, -this.theta, w, 1, this.nn, 0, 0);
    } else {
      f32(this.rt, this.klOf(out), S).fill(0);
      // the prior OU drift, or exact zeros in the ODE limit (theta = 0: constant weights)
      if (this.theta === 0) wasm.sde_lincomb(this.wOf(out), 0, SD, 0, 0, 0, 0, 0, 0);
      else wasm.sde_lincomb(this.wOf(out), 0, SD, -this.theta, w, 0, 0, 0, 0);
    }
  }

  /**
   * v = (v_h, v_w, v_kl): outY_h = J_h^T v_h, outY_w = (df_h/dw)^T v_h - theta v_w + J_NN^T z with
   * z = v_w + (v_kl / sigma^2) NN(w) per sample; phi's gradient gets J_phi^T z. outY_kl = 0.
   */
  driftVjp(t: number, y: Ptr, v: Ptr, outY: Ptr): void {
    const S = this.samples, D = this.D, SD = S * D, wasm = this.rt.wasm, outW = this.wOf(outY);
    if (this.hidden) {
      for (let s = 0; s < S; s++) this.hidden.vjp(t, this.hOf(y, s), this.wOf(y, s), this.hOf(v, s), this.hOf(outY, s), this.tmpW + s * D * 4);
    } else {
      wasm.sde_lincomb(this.tmpW, 0, SD, 0, 0, 0, 0, 0, 0);
    }
    wasm.sde_lincomb(outW, this.tmpW, SD, -this.theta, this.wOf(v), 0, 0, 0, 0);
    if (this.net) {
      const sg = this.noise.sigma, w = this.wOf(y);
      // copy: the forward below may grow wasm memory, which detaches live views
      const vkl = f32(this.rt, this.klOf(v), S).slice();
      const cotangent = (): Ptr => {
        for (let s = 0; s < S; s++) {
          const z = this.z + s * D * 4, nn = this.nn + s * D * 4;
          if (this.invScale2) wasm.sde_muladd(z, this.wOf(v, s), D, vkl[s]! / (sg * sg), this.invScale2, nn);
          else wasm.sde_lincomb(z, this.wOf(v, s), D, vkl[s]! / (sg * sg), nn, 0, 0, 0, 0);
        }
        return this.z;
      };
      if (this.net.forwardVjp) {
        this.net.forwardVjp(t, w, this.nn, cotangent, this.tmpW2, true, S);
      } else {
        this.net.forward(t, w, this.nn, S);
        this.net.vjp(t, w, cotangent(), this.tmpW2, true, S);
      }
      wasm.sde_lincomb(outW, outW, SD, 1, this.tmpW2, 0, 0, 0, 0);
    }
    f32(this.rt, this.klOf(outY), S).fill(0);
  }

  get stepTerm(): SdeTerms["stepTerm"] {
    if (this.kl === "quadratic" || !this.net) return undefined;
    return (t, _dt, before, dW, after) => {
      const S = this.samples, D = this.D;
      this.net!.forward(t, this.wOf(before), this.nn, S);
      const kl = f32(this.rt, this.klOf(after), S);
      for (let s = 0; s < S; s++) {
        kl[s] = kl[s]! + this.rt.wasm.vec_dot(this.weighted(this.nn + s * D * 4, this.z + s * D * 4), dW + s * D * 4, D) / this.noise.sigma;
      }
    };
  }

  /** d/dw_t of (NN(w_t)/sigma . dW) times each sample's KL adjoint; phi only for "logratio". */
  get stepTermVjp(): SdeTerms["stepTermVjp"] {
    if (this.kl === "quadratic" || !this.net) return undefined;
    return (t, _dt, before, dW, adjAfter, adjBefore) => {
      const S = this.samples, D = this.D, wasm = this.rt.wasm;
      const a = f32(this.rt, this.klOf(adjAfter), S).slice();
      if (a.every((x) => x === 0)) return;
      for (let s = 0; s < S; s++) {
        if (this.invScale2) wasm.sde_muladd(this.z + s * D * 4, 0, D, a[s]! / this.noise.sigma, this.invScale2, dW + s * D * 4);
        else wasm.sde_lincomb(this.z + s * D * 4, 0, D, a[s]! / this.noise.sigma, dW + s * D * 4, 0, 0, 0, 0);
      }
      this.net!.vjp(t, this.wOf(before), this.z, this.tmpW2, this.kl === "logratio", S);
      wasm.sde_lincomb(this.wOf(adjBefore), this.wOf(adjBefore), S * D, 1, this.tmpW2, 0, 0, 0, 0);
    };
  }
}

function f32(rt: Runtime, p: Ptr, n: number): Float32Array {
  return new Float32Array(rt.memory.buffer, p, n);
}
