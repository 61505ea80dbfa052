import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ConfigError } from "../runtime/errors.js";
import { ParamSpace, type ParamInit, type ParamRef } from "../nn/params.js";
import { Stack } from "../nn/stack.js";
import type { Layer } from "../nn/layer.js";
import { ConcatSquash } from "../nn/layers/concat_squash.js";
import { Activation, Swish } from "../nn/layers/activation.js";
import { stackInit } from "../nn/init.js";
import { SdeBnnBlock } from "../sde/block.js";
import { StackHiddenDrift, StackWeightDrift } from "../sde/drifts.js";
import { PartialHiddenDrift, type StochasticRange } from "../sde/partial_drift.js";
import { Stream, streamId, type Randomness } from "../random/randomness.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { encodedWidth } from "../data/table_schema.js";
import { BayesHead, type HeadRun } from "./bayes_head.js";
import { countCorrect } from "./image.js";
import type { KindModel, SampleRange, StepOptions, StepStats } from "./kind.js";
import { checkSampleCount, checkSampleRange } from "./kind.js";
import type { TabularRunConfig } from "./tabular_config.js";

/** log(v) of an f32 in the wasm (the initial log-scale of a learned Laplace scale). */
function logOf(rt: Runtime, v: number): number {
  return rt.arena.scoped(() => {
    const x = rt.arena.f32From([v]);
    rt.wasm.math_map(1, x.ptr, x.ptr, 1, 0);
    return x.view[0]!;
  });
}

/** ConfigError unless the head fits the task: no head ("none") only for a Gaussian or Laplace regression. */
export function checkHead(m: TabularRunConfig["model"], classification: boolean): void {
  if (m.head !== "none") return;
  if (classification) throw new ConfigError("model.head: 'none' (the readout of h(T)'s last coordinate) is for regression; a classifier needs a Dense head ('point' or 'meanfield')");
  if (m.likelihood === "heteroscedastic") throw new ConfigError("model.head: 'none' gives one output per row; likelihood 'heteroscedastic' needs two (use head 'point' or 'meanfield')");
}

/**
 * Weight draws per call: sub-streams 0..127 of the head noise are the head's draws, 128..255 w_0's;
 * without a head, w_0 draws from sub-streams 0..255 (256 samples).
 */
export const tabularMaxSamples = (m: TabularRunConfig["model"]): number => (m.head === "none" ? 256 : 128);

/** f_h: CSL(dim -> width), act, (CSL(width -> width), act) x (depth - 1), CSL(width -> dim). */
function driftLayers(dim: number, m: TabularRunConfig["model"]): Layer[] {
  const act = (n: number): Layer => m.activation === "swish" ? new Swish(n) : new Activation(m.activation, n);
  const layers: Layer[] = [new ConcatSquash(dim, m.width), act(m.width)];
  for (let i = 1; i < m.depth; i++) layers.push(new ConcatSquash(m.width, m.width), act(m.width));
  layers.push(new ConcatSquash(m.width, dim));
  return layers;
}

const values = (v: Float32Array): ParamInit => ({ kind: "values", fill: (out) => out.set(v) });

/**
 * The floats of f_h's parameter vector that diffuse: all of them (the paper's SDE-BNN), or only
 * those of its first or last ConcatSquash layer (a partially stochastic PSDE-BNN).
 */
export function stochasticRange(fStack: Stack, which: TabularRunConfig["model"]["stochastic"]): StochasticRange {
  if (which === "all") return { offset: 0, count: fStack.paramCount };
  const layer = which === "first" ? 0 : fStack.layers.length - 1;
  const slots = fStack.slots().filter((s) => s.name.startsWith(`${layer}.`));
  const offset = slots[0]!.offset, end = slots[slots.length - 1]!.offset + slots[slots.length - 1]!.size;
  return { offset, count: end - offset };
}

/**
 * The tabular SDE-BNN: encoded features (standardised numeric, one-hot categorical) padded with
 * `augment` zeros -> one SDE-BNN block (f_h a ConcatSquash MLP; all its weights in w_t, or only its
 * first or last layer's with the others point parameters) -> a Dense head (point or mean-field),
 * or no head: the prediction is the last coordinate of h(T) (the toy1d model of the paper's
 * Fig. 2). Regression: one output, the standardised target, with a Gaussian likelihood whose
 * log-std is learned or fixed, or a Laplace likelihood of fixed or learned scale; or two outputs
 * per row, the mean and log-std of a heteroscedastic Gaussian. Predictions are in the target's
 * original units. Classification: softmax over the classes.
 */
export class TabularModel implements KindModel {
  readonly space = new ParamSpace();
  readonly block: SdeBnnBlock;
  /** The Dense head; null with model.head "none" (the readout is h(T)'s last coordinate). */
  readonly head: BayesHead | null;
  /** The Gaussian likelihood's log-std (standardised units); null for the other heads. */
  readonly noiseLogStd: ParamRef | null;
  /** The Laplace likelihood's learned log-scale (standardised units); null unless model.learnLaplaceScale. */
  readonly noiseLogScale: ParamRef | null;
  /** Heteroscedastic head: per row a mean and a log-std (the head has two outputs). */
  readonly noiseOutputs: boolean;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly dim: number;
  /** tabularMaxSamples of the model config; w_0's draws start at sub-stream w0SubStream of the head noise. */
  readonly maxSamples: number;
  private readonly w0SubStream: number;
  readonly classification: boolean;
  private readonly rand: Randomness;

  constructor(private readonly rt: Runtime, readonly cfg: TabularRunConfig) {
    const m = cfg.model, schema = cfg.data.schema;
    if (schema.features.length === 0) throw new ConfigError("data.schema.features is empty: a tabular model is built from a fitted table schema (train from a CSV file)");
    this.classification = schema.target.classes.length > 0;
    const rand = (this.rand = new PhiloxRandomness(rt, cfg.seed));
    this.inputSize = encodedWidth(schema);
    this.dim = this.inputSize + m.augment;
    this.outputSize = this.classification ? schema.target.classes.length : 1;
    this.noiseOutputs = !this.classification && m.likelihood === "heteroscedastic";
    checkHead(m, this.classification);
    this.maxSamples = tabularMaxSamples(m);
    this.w0SubStream = 256 - this.maxSamples; // 0 without a head, else 128
    const fStack = new Stack(driftLayers(this.dim, m));
    // PSDE-BNN: only the weights of `stochasticRange` diffuse, the others are point parameters
    const range = stochasticRange(fStack, m.stochastic);
    const D = range.count, full = fStack.paramCount;
    const fullInit = new Float32Array(full);
    const init = stackInit(fStack, rand.init(streamId(Stream.init, 0)));
    if (init.kind === "values") init.fill(fullInit);
    // the hypernetwork starts small with a zero last layer: posterior drift = prior drift
    const nStack = new Stack([
      new ConcatSquash(D, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, D, 0),
    ]);
    const phi = this.space.add("nn", [nStack.paramCount], stackInit(nStack, rand.init(streamId(Stream.init, 1))));
    const net = m.sigma > 0 ? new StackWeightDrift(rt, nStack, phi) : null;
    const fixed = D < full
      ? this.space.add("block.fixed", [full - D], values(Float32Array.from([...fullInit.subarray(0, range.offset), ...fullInit.subarray(range.offset + D)])))
      : null;
    const hidden = fixed ? (rows: number) => new PartialHiddenDrift(rt, new StackHiddenDrift(rt, fStack, rows), fixed, range) : fStack;
    this.block = new SdeBnnBlock(rt, this.space, "block", hidden, net, {
      sigma: m.sigma, theta: m.theta, kl: m.kl, solver: m.solver, adaptive: m.adaptive, steps: m.steps, gradient: m.gradient, keepActivationsBytes: m.keepActivationsMB * 2 ** 20,
      w0Init: values(fullInit.slice(range.offset, range.offset + D)),
      w0Mode: m.w0, w0PriorStd: m.w0PriorStd, w0LogStdInit: m.w0LogStdInit,
    });
    this.head = m.head === "none" ? null
      : new BayesHead(this.space, "head", this.dim, this.headOutputs, m.head, m.headPriorStd, rand.init(streamId(Stream.init, 1000)));
    this.noiseLogStd = !this.classification && m.likelihood === "gaussian" && m.gaussianStd === 0
      ? this.space.add("noise.logstd", [1], { kind: "constant", value: m.noiseLogStdInit }) : null;
    this.noiseLogScale = !this.classification && m.likelihood === "laplace" && m.learnLaplaceScale
      ? this.space.add("noise.logscale", [1], { kind: "constant", value: logOf(rt, m.likelihoodScale) }) : null;
    this.space.allocate(rt);
    // the log-std output starts at the homoscedastic head's initial noise level
    if (this.noiseOutputs) this.head!.muB.view[1] = m.noiseLogStdInit;
  }

  get weightDim(): number { return this.block.weightSize; }

  /** Runs `fn` with the prior weight SDE (the hypernetwork's drift switched off, same w_0): the prior predictive. */
  asPrior<T>(fn: () => T): T { return this.block.asPrior(fn); }

  /** The head's outputs per row: the classes, 1 (the mean), or 2 (mean and log-std). */
  get headOutputs(): number { return this.noiseOutputs ? 2 : this.outputSize; }

  /**
   * Constant observation-noise variance in the target's units: s^2 (Gaussian, learned or fixed),
   * 2 b^2 (Laplace, b fixed or exp of the learned log-scale); 0 for classification and the
   * heteroscedastic head (whose per-row variances come with its samples).
   */
  get noiseVariance(): number {
    if (this.classification || this.noiseOutputs) return 0;
    const t = this.cfg.data.schema.target, m = this.cfg.model;
    const v = this.noiseLogStd ? this.rt.wasm.logstd_variance(this.noiseLogStd.view[0]!)
      : this.noiseLogScale ? 2 * this.rt.wasm.logstd_variance(this.noiseLogScale.view[0]!)
      : m.likelihood === "gaussian" ? m.gaussianStd * m.gaussianStd : 2 * m.likelihoodScale * m.likelihoodScale;
    return v * t.scale * t.scale;
  }

  /** S copies of the zero-padded encoded rows: S x B x dim. */
  private encode(x: Ptr, B: number, S: number): Ptr {
    const n = B * this.dim, h = this.rt.arena.alloc(S * n * 4);
    this.rt.wasm.pad_channels(x, h, B, this.inputSize, this.dim, 1);
    for (let s = 1; s < S; s++) this.rt.wasm.sde_lincomb(h + s * n * 4, h, n, 0, 0, 0, 0, 0, 0);
    return h;
  }

  /** One w_0 draw per sample (mean-field w_0 only): sub-stream w0SubStream + first + s of the head noise. */
  private w0Noise(training: boolean, index: number, S: number, first = 0): Ptr {
    if (this.cfg.model.w0 !== "meanfield") return 0;
    const D = this.weightDim, out = this.rt.arena.alloc(S * D * 4);
    for (let s = 0; s < S; s++) this.rand.normals(streamId(training ? Stream.headNoise : Stream.evalHeadNoise, index, this.w0SubStream + first + s), out + s * D * 4, D);
    return out;
  }

  /** The head's outputs (S x B x K at a pointer), or with no head h(T)'s last coordinate of every row (S x B). */
  private outputs(hOut: Ptr, S: number, B: number, stream: number, index: number, first = 0): { run: HeadRun | null; out: Ptr } {
    if (this.head) {
      const run = this.head.forward(this.rt, this.rand, hOut, S, B, stream, index, first);
      return { run, out: run.logits };
    }
    const d = this.dim, out = this.rt.arena.f32(S * B), v = out.view; // allocate before viewing memory (it may grow)
    const h = new Float32Array(this.rt.memory.buffer, hOut, S * B * d);
    for (let k = 0; k < S * B; k++) v[k] = h[k * d + d - 1]!;
    return { run: null, out: out.ptr };
  }

  /** The standardised targets of B raw values at a pointer. */
  private standardTargets(y: Ptr, B: number): Ptr {
    const { center, scale } = this.cfg.data.schema.target;
    const raw = new Float32Array(this.rt.memory.buffer, y, B).slice();
    const out = this.rt.arena.f32(B), v = out.view;
    for (let i = 0; i < B; i++) v[i] = (raw[i]! - center) / scale;
    return out.ptr;
  }

  /** Forward and backward of one step; gradients are ADDED to the gradient block. */
  trainStep(x: Ptr, y: Ptr, B: number, opts: StepOptions): StepStats {
    const { rt, cfg } = this;
    const S = opts.samples, K = this.headOutputs, step = opts.step;
    checkSampleCount(S, this.maxSamples);
    return rt.arena.scoped(() => {
      const h0 = this.encode(x, B, S);
      const bm = this.rand.sampleBrownian(Stream.trainNoise, step, 0, S, this.weightDim, this.block.grid);
      const run = this.block.forward(h0, B, bm, S, true, this.w0Noise(true, step, S));
      const head = this.outputs(run.hOut, S, B, Stream.headNoise, step);
      let nll = 0, correct = 0;
      if (this.classification) {
        for (let s = 0; s < S; s++) {
          const z = head.out + s * B * K * 4;
          correct += countCorrect(rt, z, y, B, K);
          nll += rt.wasm.softmax_nll(z, y, z, B, K) / S; // dlogits overwrite the logits
        }
        rt.wasm.vec_scale(opts.rowWeight / S, head.out, S * B * K);
      } else {
        const yz = this.standardTargets(y, B), w = opts.rowWeight / S;
        for (let s = 0; s < S; s++) {
          const p = head.out + s * B * K * 4; // d NLL / d pred overwrites the predictions
          nll += (this.noiseOutputs ? rt.wasm.gaussian_nll_hetero(p, yz, p, B, w)
            : this.noiseLogStd ? rt.wasm.gaussian_nll_logstd(p, yz, p, B, this.noiseLogStd.ptr, this.noiseLogStd.grad, w)
            : this.noiseLogScale ? rt.wasm.laplace_nll_logscale(p, yz, p, B, this.noiseLogScale.ptr, this.noiseLogScale.grad, w)
            : cfg.model.likelihood === "gaussian" ? rt.wasm.gaussian_nll(p, yz, p, B, cfg.model.gaussianStd, w)
            : rt.wasm.laplace_nll(p, yz, p, B, cfg.model.likelihoodScale, w)) / S;
        }
      }
      const coef = opts.klWeight, d = this.dim;
      const dfeat = rt.arena.alloc(S * B * d * 4, true);
      if (head.run) this.head!.backward(rt, head.run, run.hOut, dfeat, coef);
      else {
        // the readout's adjoint: d NLL / d pred on h(T)'s last coordinate, 0 on the others
        const a = new Float32Array(rt.memory.buffer, dfeat, S * B * d), g = new Float32Array(rt.memory.buffer, head.out, S * B);
        for (let k = 0; k < S * B; k++) a[k * d + d - 1] = g[k]!;
      }
      this.block.backward(run, dfeat, coef / S, rt.arena.alloc(S * B * d * 4));
      if (coef) this.block.w0KlBackward(coef);
      const kl = (this.head?.kl(rt) ?? 0) + run.kl + this.block.w0Kl();
      return { loss: opts.rowWeight * nll + coef * kl, nll, kl, correct: correct / S };
    });
  }

  /**
   * Per-sample class probabilities (S x B x K), or function values in the target's units (S x B);
   * heteroscedastic: S x 2 x B, each sample's values then their noise variances.
   */
  predictSamples(x: Ptr, B: number, range: SampleRange): Float32Array {
    const { rt } = this;
    const { first, samples: S, total, draw } = range, K = this.outputSize;
    checkSampleCount(total, this.maxSamples);
    checkSampleRange(range);
    return rt.arena.scoped(() => {
      const h0 = this.encode(x, B, S);
      const bm = this.rand.sampleBrownian(Stream.evalNoise, draw, first, S, this.weightDim, this.block.grid);
      const run = this.block.forward(h0, B, bm, S, false, this.w0Noise(false, draw, S, first));
      const { out: z } = this.outputs(run.hOut, S, B, Stream.evalHeadNoise, draw, first);
      if (this.classification) {
        rt.wasm.log_softmax_forward(z, z, S * B, K);
        rt.wasm.math_map(0, z, z, S * B * K, 0); // exp
        return new Float32Array(rt.memory.buffer, z, S * B * K).slice();
      }
      const { center, scale } = this.cfg.data.schema.target;
      if (this.noiseOutputs) {
        const out = rt.arena.alloc(S * 2 * B * 4);
        rt.wasm.hetero_outputs(z, out, S, B, scale, center);
        return new Float32Array(rt.memory.buffer, out, S * 2 * B).slice();
      }
      const out = new Float32Array(rt.memory.buffer, z, S * B).slice();
      for (let k = 0; k < out.length; k++) out[k] = out[k]! * scale + center;
      return out;
    });
  }
}
