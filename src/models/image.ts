import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ConfigError } from "../runtime/errors.js";
import { ParamSpace, type ParamRef } from "../nn/params.js";
import { Stack } from "../nn/stack.js";
import { ConcatSquash } from "../nn/layers/concat_squash.js";
import { Activation } from "../nn/layers/activation.js";
import { ConcatConv2d, ConcatConvTranspose2d } from "../nn/layers/conv.js";
import { stackInit } from "../nn/init.js";
import { SdeBnnBlock } from "../sde/block.js";
import { StackWeightDrift } from "../sde/drifts.js";
import { initDiffusionScales } from "../sde/diffusion_scale.js";
import { Stream, streamId, type Randomness } from "../random/randomness.js";
import { ResidualStage, SdeStage, type ImageStage, type StageRun } from "./image_stages.js";
import { BayesHead } from "./bayes_head.js";
import type { ImageModelConfig } from "./image_config.js";
import type { KindModel, SampleRange, StepOptions, StepStats } from "./kind.js";
import { checkSampleCount, checkSampleRange } from "./kind.js";

/** Channels, height and width of the state entering a block. */
export interface Shape { C: number; H: number; W: number }

/**
 * Replaceable parts of the model: f_h of block `index` (a stack mapping the shape to itself, its
 * parameters the SDE weights w_t) and the hypernetwork NN(w, t) over D_w weights (last layer
 * zero-initialised so that the posterior starts at the prior).
 */
export interface ImageModelParts {
  blockDrift?: (shape: Shape, index: number) => Stack;
  hypernet?: (weightDim: number, index: number) => Stack;
}

/** f_h of an image block ("block type 0", SPEC section 2): output shape = input shape. */
export function imageBlockDrift(shape: Shape, hidden: number): Stack {
  const { C, H, W } = shape;
  if (H % 2 || W % 2) throw new ConfigError(`model: a block needs an even spatial size for its stride-2 pair, got ${H}x${W}`);
  const conv = (ci: number, co: number, h: number, w: number, stride: number) =>
    new ConcatConv2d({ inChannels: ci, outChannels: co, height: h, width: w, kernel: 3, stride, padding: 1 });
  const c1 = conv(C, hidden, H, W, 1);
  const c2 = conv(hidden, hidden, H, W, 2);
  const c3 = new ConcatConvTranspose2d({ inChannels: hidden, outChannels: hidden, height: c2.outHeight, width: c2.outWidth,
    kernel: 3, stride: 2, padding: 1, outputPadding: 1 });
  const c4 = conv(hidden, C, H, W, 1);
  return new Stack([
    c1, new Activation("softplus", c1.outSize), c2, new Activation("softplus", c2.outSize),
    c3, new Activation("softplus", c3.outSize), c4,
  ]);
}

/** The hypernetwork NN(w, t): CSL(D -> b) softplus CSL(b -> m) softplus CSL(m -> b) softplus CSL(b -> D, zero). */
export function imageHypernet(D: number, bottleneck: number, hidden: number): Stack {
  return new Stack([
    new ConcatSquash(D, bottleneck), new Activation("softplus", bottleneck),
    new ConcatSquash(bottleneck, hidden), new Activation("softplus", hidden),
    new ConcatSquash(hidden, bottleneck), new Activation("softplus", bottleneck),
    new ConcatSquash(bottleneck, D, 0),
  ]);
}

/**
 * The SDE-BNN image classifier: zero-padded channels -> groups of SDE-BNN blocks (space-to-depth x2
 * between groups) -> flatten -> mean-field Bayesian Dense(classes) -> log-softmax. With sigma = 0
 * and point weights it is the ODEnet baseline; with `arch: "resnet"` every block position holds
 * `steps` discrete residual blocks with their own weights instead (the ResNet baseline; mean-field
 * weights: the MF-ResNet). Every Monte-Carlo sample has its own weight paths or weight draws (one
 * per block position) and head draw, shared by the batch.
 */
export class ImageSdeBnn implements KindModel {
  readonly space = new ParamSpace();
  /** The SDE-BNN blocks (empty for arch "resnet"). */
  readonly blocks: SdeBnnBlock[] = [];
  /** The body's stages in order (one per block position). */
  readonly stages: ImageStage[] = [];
  /** Shape at the input of each block, and where a squeeze follows. */
  private readonly blockShapes: Shape[] = [];
  private readonly squeezeAfter: boolean[] = [];
  readonly inShape: Shape;
  readonly featShape: Shape;
  readonly head: BayesHead;
  readonly noiseVariance = 0;

  constructor(private readonly rt: Runtime, private readonly rand: Randomness, readonly cfg: ImageModelConfig, custom: ImageModelParts = {}) {
    const makeDrift = custom.blockDrift ?? ((shape: Shape) => imageBlockDrift(shape, cfg.hidden));
    const makeNet = custom.hypernet ?? ((D: number) => imageHypernet(D, cfg.nnBottleneck, cfg.nnHidden));
    let shape: Shape = { C: cfg.channels + cfg.augment, H: cfg.height, W: cfg.width };
    this.inShape = shape;
    if (cfg.arch === "resnet" && cfg.sigma !== 0) {
      throw new ConfigError(`model.sigma: arch "resnet" has no weight diffusion (its blocks have their own weights): expected 0, got ${cfg.sigma}`);
    }
    let index = 0;
    cfg.groups.forEach((count, g) => {
      for (let b = 0; b < count; b++) {
        const f = makeDrift(shape, index);
        const D = f.paramCount;
        const initOf = (k: number) => stackInit(f, rand.init(streamId(Stream.init, 2 * index, k)));
        if (cfg.arch === "resnet") {
          this.stages.push(new ResidualStage(rt, this.space, `g${g}.b${b}`, f, {
            blocks: cfg.steps, mode: cfg.w0, priorStd: cfg.priorStdW0, init: initOf,
          }));
        } else {
          let net: StackWeightDrift | null = null;
          if (cfg.sigma > 0) {
            const nn = makeNet(D, index);
            const phi = this.space.add(`g${g}.b${b}.nn`, [nn.paramCount], stackInit(nn, rand.init(streamId(Stream.init, 2 * index + 1))));
            net = new StackWeightDrift(rt, nn, phi);
          }
          const block = new SdeBnnBlock(rt, this.space, `g${g}.b${b}`, f, net, {
            sigma: cfg.sigma, theta: cfg.theta, kl: cfg.kl, solver: cfg.solver, adaptive: cfg.adaptive, steps: cfg.steps, gradient: cfg.gradient,
            keepActivationsBytes: cfg.keepActivationsMB * 2 ** 20,
            w0Init: initOf(0), w0Mode: cfg.w0, w0PriorStd: cfg.priorStdW0,
            diffusionScale: cfg.diffusionScale === "init" ? initDiffusionScales(f) : undefined,
          });
          this.blocks.push(block);
          this.stages.push(new SdeStage(rt, block));
        }
        this.blockShapes.push(shape);
        this.squeezeAfter.push(b === count - 1 && g < cfg.groups.length - 1);
        index++;
      }
      if (g < cfg.groups.length - 1) {
        if (shape.H % 2 || shape.W % 2) throw new ConfigError(`model.groups: a squeeze needs an even size, got ${shape.H}x${shape.W} after group ${g}`);
        shape = { C: shape.C * 4, H: shape.H / 2, W: shape.W / 2 };
      }
    });
    this.featShape = shape;
    this.head = new BayesHead(this.space, "head", shape.C * shape.H * shape.W, cfg.classes, cfg.head, cfg.headPriorStd,
      rand.init(streamId(Stream.init, 1000)));
    this.space.allocate(rt);
  }

  get inputSize(): number { return this.cfg.channels * this.cfg.height * this.cfg.width; }
  get outputSize(): number { return this.cfg.classes; }
  /** Every sample of every block has its own noise sub-stream (256 per step): 128 / blocks samples. */
  get maxSamples(): number { return Math.floor(128 / this.stages.length); }

  /** Closed-form KLs of the mean-field weights (q(w_0), residual blocks) and of the head: their sum. */
  staticKl(): number {
    return this.stages.reduce((a, b) => a + b.staticKl(), 0) + this.head.kl(this.rt);
  }

  /** S copies of the zero-padded input batch: S x B x C x H x W. */
  private encode(x: Ptr, B: number, S: number): Ptr {
    const { rt, cfg } = this;
    const { C, H, W } = this.inShape;
    const n = B * C * H * W;
    const h = rt.arena.alloc(S * n * 4);
    rt.wasm.pad_channels(x, h, B, cfg.channels, C, H * W);
    for (let s = 1; s < S; s++) rt.wasm.sde_lincomb(h + s * n * 4, h, n, 0, 0, 0, 0, 0, 0);
    return h;
  }

  private checkSamples(S: number): void {
    checkSampleCount(S, this.maxSamples, ` for ${this.stages.length} block(s)`);
  }

  /**
   * The stages and squeezes: h (S x B x C x H x W) -> features; keeps the runs for backward.
   * Samples first .. first + S - 1 of `total` (their noise streams do not depend on the split).
   */
  private body(h: Ptr, B: number, S: number, purpose: number, index: number, training: boolean, first = 0, total = S): { feat: Ptr; runs: StageRun[] } {
    const { rt } = this;
    const runs: StageRun[] = [];
    let cur = h;
    const weightPurpose = training ? Stream.headNoise : Stream.evalHeadNoise;
    this.stages.forEach((stage, i) => {
      const run = stage.forward(cur, B, { rand: this.rand, pathPurpose: purpose, weightPurpose, index, slot: i, first, samples: S, total }, training);
      runs.push(run);
      cur = run.hOut;
      if (this.squeezeAfter[i]) {
        const { C, H, W } = this.blockShapes[i]!;
        const out = rt.arena.alloc(S * B * C * H * W * 4);
        rt.wasm.space_to_depth(cur, out, S * B, C, H, W, 0);
        cur = out;
      }
    });
    return { feat: cur, runs };
  }

  /**
   * One training step's forward and backward on a batch (x: B x channels x H x W at a wasm pointer,
   * labels: i32 at a pointer). Gradients are ADDED to the gradient block. The loss is
   * rowWeight * mean NLL + klWeight * KL: a shard of a larger batch weights its mean NLL by its
   * share of the rows, and exactly one shard carries the KL terms, so the shards' losses and
   * gradients add up to the whole batch's (the weight paths are the same in every shard).
   */
  trainStep(x: Ptr, labels: Ptr, B: number, opts: StepOptions): StepStats {
    const { rt } = this;
    const S = opts.samples, F = this.head.inputs, K = this.cfg.classes, step = opts.step;
    this.checkSamples(S);
    return rt.arena.scoped(() => {
      const h0 = this.encode(x, B, S);
      const { feat, runs } = this.body(h0, B, S, Stream.trainNoise, step, true);
      const dfeat = rt.arena.alloc(S * B * F * 4, true);
      let nll = 0, correct = 0;
      const head = this.head.forward(rt, this.rand, feat, S, B, Stream.headNoise, step);
      for (let s = 0; s < S; s++) {
        const z = head.logits + s * B * K * 4;
        correct += countCorrect(rt, z, labels, B, K);
        nll += rt.wasm.softmax_nll(z, labels, z, B, K) / S; // dlogits overwrite the logits
      }
      rt.wasm.vec_scale(opts.rowWeight / S, head.logits, S * B * K);
      const coef = opts.klWeight;
      this.head.backward(rt, head, feat, dfeat, coef);
      let kl = this.head.kl(rt);
      // blocks in reverse: d feat -> d h(T) of the last block -> ... -> d h(0) (discarded)
      let adj = dfeat;
      for (let i = this.stages.length - 1; i >= 0; i--) {
        const stage = this.stages[i]!, run = runs[i]!;
        const { C, H, W } = this.blockShapes[i]!;
        const n = S * B * C * H * W;
        if (this.squeezeAfter[i]) {
          const un = rt.arena.alloc(n * 4);
          rt.wasm.space_to_depth(un, adj, S * B, C, H, W, 1);
          adj = un;
        }
        const adjIn = rt.arena.alloc(n * 4);
        stage.backward(run, adj, coef / S, adjIn);
        if (coef) stage.staticKlBackward(coef);
        kl += run.kl + stage.staticKl();
        adj = adjIn;
      }
      return { loss: opts.rowWeight * nll + coef * kl, nll, kl, correct: correct / S };
    });
  }

  /**
   * Per-sample class probabilities (S x B x classes) of a batch: samples range.first ..
   * range.first + range.samples - 1 of range.total with evaluation noise range.draw. Every sample
   * has its own noise streams and rows are independent, so any split gives the same bits.
   */
  predictSamples(x: Ptr, B: number, range: SampleRange): Float32Array {
    const { rt } = this;
    const { samples: S, first, total, draw } = range, K = this.cfg.classes;
    this.checkSamples(total);
    checkSampleRange(range);
    return rt.arena.scoped(() => {
      const h0 = this.encode(x, B, S);
      const { feat } = this.body(h0, B, S, Stream.evalNoise, draw, false, first, total);
      const logits = this.head.predictLogits(rt, this.rand, feat, S, B, Stream.evalHeadNoise, draw, first);
      rt.wasm.log_softmax_forward(logits, logits, S * B, K);
      rt.wasm.math_map(0, logits, logits, S * B * K, 0); // exp
      return new Float32Array(rt.memory.buffer, logits, S * B * K).slice();
    });
  }
}

/** Rows whose arg-max logit equals the label (first maximum wins). Comparisons only. */
export function countCorrect(rt: Runtime, z: Ptr, labels: Ptr, B: number, K: number): number {
  const zv = new Float32Array(rt.memory.buffer, z, B * K), lv = new Int32Array(rt.memory.buffer, labels, B);
  let correct = 0;
  for (let r = 0; r < B; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (zv[r * K + k]! > zv[r * K + best]!) best = k;
    if (best === lv[r]) correct++;
  }
  return correct;
}
