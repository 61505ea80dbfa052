import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ConfigError } from "../runtime/errors.js";
import { ParamSpace, type ParamRef } from "../nn/params.js";
import { Stack } from "../nn/stack.js";
import type { Layer } from "../nn/layer.js";
import { ConcatSquash } from "../nn/layers/concat_squash.js";
import { Activation, Swish } from "../nn/layers/activation.js";
import { stackInit } from "../nn/init.js";
import { SdeBnnBlock } from "../sde/block.js";
import { StackWeightDrift } from "../sde/drifts.js";
import { Stream, streamId, type Randomness } from "../random/randomness.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { encodedWidth } from "../data/table_schema.js";
import { BayesHead } from "./bayes_head.js";
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

/** f_h: CSL(dim -> width), act, (CSL(width -> width), act) x (depth - 1), CSL(width -> dim). */
function driftLayers(dim: number, m: TabularRunConfig["model"]): Layer[] {
  const act = (n: number): Layer => m.activation === "swish" ? new Swish(n) : new Activation(m.activation, n);
  const layers: Layer[] = [new ConcatSquash(dim, m.width), act(m.width)];
  for (let i = 1; i < m.depth; i++) layers.push(new ConcatSquash(m.width, m.width), act(m.width));
  layers.push(new ConcatSquash(m.width, dim));
  return layers;
}

/**
 * The tabular SDE-BNN: encoded features (standardised numeric, one-hot categorical) padded with
 * `augment` zeros -> one SDE-BNN block (f_h a ConcatSquash MLP, weights in w_t) -> a Dense head
 * (point or mean-field). Regression: one output, the standardised target, with a Gaussian
 * likelihood whose log-std is a learned parameter, or a Laplace likelihood of fixed or learned
 * scale; or two outputs per row, the mean and log-std of a heteroscedastic Gaussian. Predictions
 * are in the target's original units. Classification: softmax over the classes.
 */
export class TabularModel implements KindModel {
  readonly space = new ParamSpace();
  readonly block: SdeBnnBlock;
  readonly head: BayesHead;
  /** The Gaussian likelihood's log-std (standardised units); null for the other heads. */
  readonly noiseLogStd: ParamRef | null;
  /** The Laplace likelihood's learned log-scale (standardised units); null unless model.learnLaplaceScale. */
  readonly noiseLogScale: ParamRef | null;
  /** Heteroscedastic head: per row a mean and a log-std (the head has two outputs). */
  readonly noiseOutputs: boolean;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly dim: number;
  /** Sub-streams 0..127 of the head noise are the head's draws, 128..255 w_0's. */
  readonly maxSamples = 128;
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
    const fStack = new Stack(driftLayers(this.dim, m));
    const D = fStack.paramCount;
    // the hypernetwork starts small with a zero last layer: posterior drift = prior drift
    const nStack = new Stack([
      new ConcatSquash(D, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, D, 0),
    ]);
    const phi = this.space.add("nn", [nStack.paramCount], stackInit(nStack, rand.init(streamId(Stream.init, 1))));
    const net = m.sigma > 0 ? new StackWeightDrift(rt, nStack, phi) : null;
    this.block = new SdeBnnBlock(rt, this.space, "block", fStack, net, {
      sigma: m.sigma, theta: m.theta, kl: m.kl, solver: m.solver, adaptive: m.adaptive, steps: m.steps, gradient: m.gradient, keepActivationsBytes: m.keepActivationsMB * 2 ** 20,
      w0Init: stackInit(fStack, rand.init(streamId(Stream.init, 0))),
      w0Mode: m.w0, w0PriorStd: m.w0PriorStd, w0LogStdInit: m.w0LogStdInit,
    });
    this.head = new BayesHead(this.space, "head", this.dim, this.headOutputs, m.head, m.headPriorStd, rand.init(streamId(Stream.init, 1000)));
    this.noiseLogStd = !this.classification && m.likelihood === "gaussian"
      ? this.space.add("noise.logstd", [1], { kind: "constant", value: m.noiseLogStdInit }) : null;
    this.noiseLogScale = !this.classification && m.likelihood === "laplace" && m.learnLaplaceScale
      ? this.space.add("noise.logscale", [1], { kind: "constant", value: logOf(rt, m.likelihoodScale) }) : null;
    this.space.allocate(rt);
    // the log-std output starts at the homoscedastic head's initial noise level
    if (this.noiseOutputs) this.head.muB.view[1] = m.noiseLogStdInit;
  }

  get weightDim(): number { return this.block.weightSize; }

  /** The head's outputs per row: the classes, 1 (the mean), or 2 (mean and log-std). */
  get headOutputs(): number { return this.noiseOutputs ? 2 : this.outputSize; }

  /**
   * Constant observation-noise variance in the target's units: s^2 (Gaussian, learned), 2 b^2
   * (Laplace, b fixed or exp of the learned log-scale); 0 for classification and the
   * heteroscedastic head (whose per-row variances come with its samples).
   */
  get noiseVariance(): number {
    if (this.classification || this.noiseOutputs) return 0;
    const t = this.cfg.data.schema.target, m = this.cfg.model;
    const v = this.noiseLogStd ? this.rt.wasm.logstd_variance(this.noiseLogStd.view[0]!)
      : this.noiseLogScale ? 2 * this.rt.wasm.logstd_variance(this.noiseLogScale.view[0]!) : 2 * m.likelihoodScale * m.likelihoodScale;
    return v * t.scale * t.scale;
  }

  /** S copies of the zero-padded encoded rows: S x B x dim. */
  private encode(x: Ptr, B: number, S: number): Ptr {
    const n = B * this.dim, h = this.rt.arena.alloc(S * n * 4);
    this.rt.wasm.pad_channels(x, h, B, this.inputSize, this.dim, 1);
    for (let s = 1; s < S; s++) this.rt.wasm.sde_lincomb(h + s * n * 4, h, n, 0, 0, 0, 0, 0, 0);
    return h;
  }

  /** One w_0 draw per sample (mean-field w_0 only): sub-stream 128 + first + s of the head noise. */
  private w0Noise(training: boolean, index: number, S: number, first = 0): Ptr {
    if (this.cfg.model.w0 !== "meanfield") return 0;
    const D = this.weightDim, out = this.rt.arena.alloc(S * D * 4);
    for (let s = 0; s < S; s++) this.rand.normals(streamId(training ? Stream.headNoise : Stream.evalHeadNoise, index, 128 + first + s), out + s * D * 4, D);
    return out;
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
      const head = this.head.forward(rt, this.rand, run.hOut, S, B, Stream.headNoise, step);
      let nll = 0, correct = 0;
      if (this.classification) {
        for (let s = 0; s < S; s++) {
          const z = head.logits + s * B * K * 4;
          correct += countCorrect(rt, z, y, B, K);
          nll += rt.wasm.softmax_nll(z, y, z, B, K) / S; // dlogits overwrite the logits
        }
        rt.wasm.vec_scale(opts.rowWeight / S, head.logits, S * B * K);
      } else {
        const yz = this.standardTargets(y, B), w = opts.rowWeight / S;
        for (let s = 0; s < S; s++) {
          const p = head.logits + s * B * K * 4; // d NLL / d pred overwrites the predictions
          nll += (this.noiseOutputs ? rt.wasm.gaussian_nll_hetero(p, yz, p, B, w)
            : this.noiseLogStd ? rt.wasm.gaussian_nll_logstd(p, yz, p, B, this.noiseLogStd.ptr, this.noiseLogStd.grad, w)
            : this.noiseLogScale ? rt.wasm.laplace_nll_logscale(p, yz, p, B, this.noiseLogScale.ptr, this.noiseLogScale.grad, w)
            : rt.wasm.laplace_nll(p, yz, p, B, cfg.model.likelihoodScale, w)) / S;
        }
      }
      const coef = opts.klWeight;
      const dfeat = rt.arena.alloc(S * B * this.dim * 4, true);
      this.head.backward(rt, head, run.hOut, dfeat, coef);
      this.block.backward(run, dfeat, coef / S, rt.arena.alloc(S * B * this.dim * 4));
      if (coef) this.block.w0KlBackward(coef);
      const kl = this.head.kl(rt) + run.kl + this.block.w0Kl();
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
      const head = this.head.forward(rt, this.rand, run.hOut, S, B, Stream.evalHeadNoise, draw, first);
      if (this.classification) {
        rt.wasm.log_softmax_forward(head.logits, head.logits, S * B, K);
        rt.wasm.math_map(0, head.logits, head.logits, S * B * K, 0); // exp
        return new Float32Array(rt.memory.buffer, head.logits, S * B * K).slice();
      }
      const { center, scale } = this.cfg.data.schema.target;
      if (this.noiseOutputs) {
        const out = rt.arena.alloc(S * 2 * B * 4);
        rt.wasm.hetero_outputs(head.logits, out, S, B, scale, center);
        return new Float32Array(rt.memory.buffer, out, S * 2 * B).slice();
      }
      const out = new Float32Array(rt.memory.buffer, head.logits, S * B).slice();
      for (let k = 0; k < out.length; k++) out[k] = out[k]! * scale + center;
      return out;
    });
  }
}
