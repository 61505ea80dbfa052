// The stages of the image body (src/models/image.ts): each maps h (S samples x B rows x C x H x W)
// to a state of the same shape. An SDE-BNN block (and its sigma-0 ODEnet limit), or K discrete
// residual blocks h <- h + f_h(h, t_k; w_k) / K with their own weights (the ResNet baseline of the
// paper's Table 1; mean-field weights: the MF-ResNet).
import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ConfigError } from "../runtime/errors.js";
import type { ParamInit, ParamRef, ParamSpace } from "../nn/params.js";
import type { Stack } from "../nn/stack.js";
import type { Tape } from "../nn/stack.js";
import { meanFieldBackward } from "../nn/meanfield.js";
import { SdeBnnBlock, type BlockRun } from "../sde/block.js";
import { streamId, type Randomness } from "../random/randomness.js";

/**
 * The random draws of one stage in one pass: draw `index` of `pathPurpose` (Brownian paths) and
 * `weightPurpose` (mean-field weight draws), samples first .. first + samples - 1 of `total`;
 * `slot` is the stage's position in the body. Every (slot, sample) has its own sub-stream, so any
 * split of the samples gives the same bits.
 */
export interface StageDraw {
  rand: Randomness;
  pathPurpose: number;
  weightPurpose: number;
  index: number;
  slot: number;
  first: number;
  samples: number;
  total: number;
}

export interface StageRun {
  hOut: Ptr;
  /** The path KL (mean over samples; 0 without weight diffusion). */
  kl: number;
}

export interface ImageStage {
  /** Floats of one weight vector (f_h's parameters). */
  readonly weightSize: number;
  /** h (S x rows x shape) -> the stage's output; with `training`, keeps what backward needs. */
  forward(h: Ptr, rows: number, draw: StageDraw, training: boolean): StageRun;
  /** dL/dh_out -> dL/dh_in (overwritten); parameter gradients ADDED; klWeight: weight of each sample's path KL. */
  backward(run: StageRun, adjHOut: Ptr, klWeight: number, adjHIn: Ptr): void;
  /** Closed-form KL of the stage's mean-field weights (0 for point weights). */
  staticKl(): number;
  /** Adds klWeight * d staticKl to the gradients. */
  staticKlBackward(klWeight: number): void;
}

/** n standard normals for each of the draw's samples from the weight sub-streams 128 + slot * total + first + s. */
function weightNormals(rt: Runtime, draw: StageDraw, n: number): Ptr {
  const out = rt.arena.alloc(draw.samples * n * 4);
  for (let s = 0; s < draw.samples; s++) {
    draw.rand.normals(streamId(draw.weightPurpose, draw.index, 128 + draw.slot * draw.total + draw.first + s), out + s * n * 4, n);
  }
  return out;
}

/** An SDE-BNN block as a stage: one weight path per sample (its own Brownian sub-stream), a point or mean-field w_0. */
export class SdeStage implements ImageStage {
  constructor(private readonly rt: Runtime, readonly block: SdeBnnBlock) {}
  get weightSize(): number { return this.block.weightSize; }

  forward(h: Ptr, rows: number, draw: StageDraw, training: boolean): StageRun & { run: BlockRun } {
    const { block } = this, D = block.weightSize;
    const bm = draw.rand.sampleBrownian(draw.pathPurpose, draw.index, draw.slot * draw.total + draw.first, draw.samples, D, block.grid);
    const w0Noise = block.w0LogStd ? weightNormals(this.rt, draw, D) : 0;
    const run = block.forward(h, rows, bm, draw.samples, training, w0Noise);
    return { hOut: run.hOut, kl: run.kl, run };
  }

  backward(run: StageRun, adjHOut: Ptr, klWeight: number, adjHIn: Ptr): void {
    this.block.backward((run as StageRun & { run: BlockRun }).run, adjHOut, klWeight, adjHIn);
  }

  staticKl(): number { return this.block.w0Kl(); }
  staticKlBackward(klWeight: number): void { this.block.w0KlBackward(klWeight); }
}

export interface ResidualStageOptions {
  /** K: residual blocks (block k evaluates f_h at t_k = k / K). */
  blocks: number;
  /** "point": learned weights; "meanfield": q(w_k) = N(mu_k, exp(logstd_k)^2) per weight, prior N(0, priorStd^2). */
  mode: "point" | "meanfield";
  priorStd: number;
  /** Initial log-std of the mean-field weights (default -4, as the mean-field head). */
  logStdInit?: number;
  /** Initial values of block k's (mean) weights. */
  init: (k: number) => ParamInit;
}

interface ResidualRun extends StageRun {
  /** Per sample and block: the forward tape (training only) and the weights used. */
  tapes: Tape[];
  weights: Ptr[];
  rows: number;
  samples: number;
}

/**
 * K discrete residual blocks h_{k+1} = h_k + f_h(h_k, t_k; w_k) / K, t_k = k / K, each with its own
 * weights w_k (one tensor [K, D_w]): the forward-Euler discretisation of the neural ODE with untied
 * weights, i.e. a ResNet with the SDE-BNN's f_h. Mean-field mode (MF-ResNet): every sample draws
 * every block's weights, w_k = mu_k + exp(logstd_k) eps (reparameterised), and the closed-form
 * KL(q || N(0, priorStd^2)) over all K D_w weights joins the loss.
 */
export class ResidualStage implements ImageStage {
  readonly weightSize: number;
  readonly mu: ParamRef;
  readonly logStd: ParamRef | null;
  private readonly K: number;

  constructor(private readonly rt: Runtime, space: ParamSpace, name: string, readonly f: Stack, private readonly opts: ResidualStageOptions) {
    const K = opts.blocks, D = f.paramCount;
    if (!(Number.isInteger(K) && K >= 1 && K <= 256)) throw new ConfigError(`model.steps: a residual stage has 1..256 blocks, got ${K}`);
    if (f.inSize !== f.outSize) throw new ConfigError(`a residual block must map the state to its own shape: ${f.inSize} -> ${f.outSize}`);
    this.K = K;
    this.weightSize = D;
    const inits = Array.from({ length: K }, (_, k) => opts.init(k));
    this.mu = space.add(`${name}.w`, [K, D], {
      kind: "values",
      fill: (out) => inits.forEach((init, k) => {
        const part = out.subarray(k * D, (k + 1) * D);
        if (init.kind === "constant") part.fill(init.value); else init.fill(part);
      }),
    });
    this.logStd = opts.mode === "meanfield" ? space.add(`${name}.w_logstd`, [K, D], { kind: "constant", value: opts.logStdInit ?? -4 }) : null;
  }

  forward(h: Ptr, rows: number, draw: StageDraw, training: boolean): ResidualRun {
    const { rt, K } = this, D = this.weightSize, S = draw.samples, n = rows * this.f.inSize;
    const hOut = rt.arena.alloc(S * n * 4);
    let weights: Ptr[] = Array.from({ length: S * K }, (_, i) => this.mu.ptr + (i % K) * D * 4);
    if (this.logStd) {
      const draws = weightNormals(rt, draw, K * D); // samples x K x D: w = mu + exp(logstd) eps, in place
      for (let s = 0; s < S; s++) rt.wasm.bayes_sample(this.mu.ptr, this.logStd.ptr, draws + s * K * D * 4, draws + s * K * D * 4, K * D);
      weights = Array.from({ length: S * K }, (_, i) => draws + i * D * 4);
    }
    const tapes: Tape[] = [];
    for (let s = 0; s < S; s++) {
      const out = hOut + s * n * 4;
      rt.wasm.sde_lincomb(out, h + s * n * 4, n, 0, 0, 0, 0, 0, 0);
      for (let k = 0; k < K; k++) {
        const ctx = { rt, t: k / K, rows }, w = weights[s * K + k]!;
        if (training) {
          // the tape keeps this block's input (a copy: out moves on) and its layer outputs
          const x = rt.arena.alloc(n * 4);
          rt.wasm.sde_lincomb(x, out, n, 0, 0, 0, 0, 0, 0);
          const tape = this.f.forward(ctx, x, w, 0, undefined, true);
          tapes.push(tape);
          rt.wasm.sde_lincomb(out, out, n, 1 / K, tape.ys[tape.ys.length - 1]!, 0, 0, 0, 0);
        } else {
          rt.arena.scoped(() => {
            const tape = this.f.forward(ctx, out, w);
            rt.wasm.sde_lincomb(out, out, n, 1 / K, tape.ys[tape.ys.length - 1]!, 0, 0, 0, 0);
          });
        }
      }
    }
    return { hOut, kl: 0, tapes, weights, rows, samples: S };
  }

  /**
   * Reverse over the blocks: with a = dL/dh_{k+1}, dL/dh_k = a + J_k^T (a / K) and
   * dL/dw_k += (df_h/dw_k)^T (a / K); mean-field: through the reparameterisation.
   */
  backward(run: StageRun, adjHOut: Ptr, _klWeight: number, adjHIn: Ptr): void {
    const r = run as ResidualRun;
    const { rt, K } = this, D = this.weightSize, n = r.rows * this.f.inSize;
    if (r.tapes.length !== r.samples * K) throw new ConfigError("backward() needs a forward() run made with training = true");
    rt.arena.scoped(() => {
      const v = rt.arena.alloc(n * 4), dx = rt.arena.alloc(n * 4);
      const gw = this.logStd ? rt.arena.alloc(D * 4) : 0, scratch = this.logStd ? rt.arena.alloc(D * 4) : 0;
      for (let s = 0; s < r.samples; s++) {
        const adj = adjHIn + s * n * 4;
        rt.wasm.sde_lincomb(adj, adjHOut + s * n * 4, n, 0, 0, 0, 0, 0, 0);
        for (let k = K - 1; k >= 0; k--) {
          const ctx = { rt, t: k / K, rows: r.rows }, tape = r.tapes[s * K + k]!;
          rt.wasm.sde_lincomb(v, 0, n, 1 / K, adj, 0, 0, 0, 0);
          if (this.logStd) {
            rt.wasm.sde_lincomb(gw, 0, D, 0, 0, 0, 0, 0, 0);
            this.f.backward(ctx, tape, v, dx, gw);
            meanFieldBackward(rt, this.mu.ptr + k * D * 4, r.weights[s * K + k]!, gw, this.mu.grad + k * D * 4, this.logStd.grad + k * D * 4, D, scratch);
          } else {
            this.f.backward(ctx, tape, v, dx, this.mu.grad + k * D * 4);
          }
          rt.wasm.sde_lincomb(adj, adj, n, 1, dx, 0, 0, 0, 0);
        }
      }
    });
  }

  staticKl(): number {
    if (!this.logStd) return 0;
    return this.rt.wasm.gaussian_kl(this.mu.ptr, this.logStd.ptr, this.K * this.weightSize, this.opts.priorStd);
  }

  staticKlBackward(klWeight: number): void {
    if (!this.logStd || klWeight === 0) return;
    this.rt.wasm.gaussian_kl_backward(this.mu.ptr, this.logStd.ptr, this.K * this.weightSize, this.opts.priorStd, klWeight,
      this.mu.grad, this.logStd.grad, 1);
  }
}
