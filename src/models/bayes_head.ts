import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import type { ParamRef, ParamSpace } from "../nn/params.js";
import { fillInit, type RandomFill } from "../nn/init.js";
import { streamId, type Randomness } from "../random/randomness.js";
import { BAYES_INIT_LOGSTD } from "../nn/bayes_dense.js";

/** What a head forward pass leaves for its backward pass. */
export interface HeadRun {
  /** S x B x K logits (overwritten in place by their gradient before backward). */
  logits: Ptr;
  /** Per sample: the standard normals and the sampled weights (mean-field only). */
  eps: Ptr;
  Ws: Ptr;
  samples: number;
  rows: number;
}

/**
 * The classifier head Dense(F -> K) on the flattened features. "meanfield": every weight and bias is
 * N(mu, exp(logstd)^2) with prior N(0, priorStd^2), one reparameterised draw per Monte-Carlo sample
 * and the closed-form KL; "point": plain weights (the ODEnet baseline).
 */
export class BayesHead {
  readonly muW: ParamRef;
  readonly muB: ParamRef;
  readonly lsW: ParamRef | null;
  readonly lsB: ParamRef | null;

  constructor(space: ParamSpace, name: string, readonly inputs: number, readonly outputs: number,
              readonly mode: "meanfield" | "point", readonly priorStd: number, random: RandomFill) {
    const bound = 1 / Math.sqrt(inputs);
    const uniform = (n: number) => ({ kind: "values" as const, fill: (out: Float32Array) => fillInit({ kind: "uniform", bound }, out, random) });
    this.muW = space.add(`${name}.W`, [inputs, outputs], uniform(inputs * outputs));
    this.muB = space.add(`${name}.b`, [outputs], uniform(outputs));
    const ls = { kind: "constant" as const, value: BAYES_INIT_LOGSTD };
    this.lsW = mode === "meanfield" ? space.add(`${name}.W_logstd`, [inputs, outputs], ls) : null;
    this.lsB = mode === "meanfield" ? space.add(`${name}.b_logstd`, [outputs], ls) : null;
  }

  private get nw(): number { return this.inputs * this.outputs; }

  /** Logits of S samples: feat is S x B x F; sample s draws its weights from (purpose, index, sub s). */
  forward(rt: Runtime, rand: Randomness, feat: Ptr, S: number, B: number, purpose: number, index: number, first = 0): HeadRun {
    const F = this.inputs, K = this.outputs, nw = this.nw;
    const logits = rt.arena.alloc(S * B * K * 4);
    if (!this.lsW || !this.lsB) {
      for (let s = 0; s < S; s++) rt.wasm.dense_forward(feat + s * B * F * 4, this.muW.ptr, this.muB.ptr, logits + s * B * K * 4, B, F, K);
      return { logits, eps: 0, Ws: 0, samples: S, rows: B };
    }
    const eps = rt.arena.alloc(S * (nw + K) * 4), Ws = rt.arena.alloc(S * (nw + K) * 4);
    for (let s = 0; s < S; s++) {
      const e = eps + s * (nw + K) * 4, w = Ws + s * (nw + K) * 4;
      rand.normals(streamId(purpose, index, first + s), e, nw + K); // sample first + s
      rt.wasm.bayes_dense_forward(feat + s * B * F * 4, this.muW.ptr, this.lsW.ptr, e, this.muB.ptr, this.lsB.ptr, e + nw * 4,
        w, w + nw * 4, logits + s * B * K * 4, B, F, K);
    }
    return { logits, eps, Ws, samples: S, rows: B };
  }

  /**
   * Logits of S samples for prediction (no backward): feat is S x B x F. Mean-field heads use the
   * local reparameterisation (wasm bayes_dense_local_forward): given the features each logit is
   * N(x mu + mu_b, (x . x) sigma^2 + sigma_b^2), drawn as mean + sd eps_k with sample s's K
   * normals eps (the first K of its stream (purpose, index, sub s)) shared by its rows. Per row the
   * law of `forward`'s weight draw, and a row's value does not depend on the other rows, as there;
   * K normals per sample instead of F x K + K, and the S samples share two GEMMs.
   */
  predictLogits(rt: Runtime, rand: Randomness, feat: Ptr, S: number, B: number, purpose: number, index: number, first = 0): Ptr {
    if (!this.lsW || !this.lsB) return this.forward(rt, rand, feat, S, B, purpose, index, first).logits;
    const F = this.inputs, K = this.outputs;
    const logits = rt.arena.alloc(S * B * K * 4), eps = rt.arena.alloc(S * K * 4);
    for (let s = 0; s < S; s++) rand.normals(streamId(purpose, index, first + s), eps + s * K * 4, K);
    const scratch = rt.arena.alloc(rt.wasm.bayes_dense_local_scratch(S * B, F, K) * 4);
    rt.wasm.bayes_dense_local_forward(feat, this.muW.ptr, this.lsW.ptr, this.muB.ptr, this.lsB.ptr, eps, logits, S, B, F, K, scratch);
    return logits;
  }

  /**
   * run.logits must hold dL/dlogits. Writes dL/dfeat (S x B x F) into dfeat, adds the parameter
   * gradients and klWeight * dKL to the gradient block.
   */
  backward(rt: Runtime, run: HeadRun, feat: Ptr, dfeat: Ptr, klWeight: number): void {
    const F = this.inputs, K = this.outputs, nw = this.nw, B = run.rows;
    for (let s = 0; s < run.samples; s++) {
      const x = feat + s * B * F * 4, dy = run.logits + s * B * K * 4, dx = dfeat + s * B * F * 4;
      if (!this.lsW || !this.lsB) {
        rt.wasm.dense_backward(x, this.muW.ptr, dy, dx, this.muW.grad, this.muB.grad, B, F, K, 1);
        continue;
      }
      const e = run.eps + s * (nw + K) * 4, w = run.Ws + s * (nw + K) * 4;
      // scratch may start at the sampled weights: dx is computed from them first
      rt.wasm.bayes_dense_backward(x, this.lsW.ptr, e, this.lsB.ptr, e + nw * 4, w, dy, dx,
        this.muW.grad, this.lsW.grad, this.muB.grad, this.lsB.grad, w, B, F, K, 1);
    }
    if (this.lsW && this.lsB && klWeight !== 0) {
      rt.wasm.gaussian_kl_backward(this.muW.ptr, this.lsW.ptr, nw, this.priorStd, klWeight, this.muW.grad, this.lsW.grad, 1);
      rt.wasm.gaussian_kl_backward(this.muB.ptr, this.lsB.ptr, K, this.priorStd, klWeight, this.muB.grad, this.lsB.grad, 1);
    }
  }

  /** KL(q || prior) in closed form (0 for point weights). */
  kl(rt: Runtime): number {
    if (!this.lsW || !this.lsB) return 0;
    return rt.wasm.gaussian_kl(this.muW.ptr, this.lsW.ptr, this.nw, this.priorStd) + rt.wasm.gaussian_kl(this.muB.ptr, this.lsB.ptr, this.outputs, this.priorStd);
  }
}
