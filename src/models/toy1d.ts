import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { ParamSpace, type ParamRef } from "../nn/params.js";
import { Stack } from "../nn/stack.js";
import { ConcatSquash } from "../nn/layers/concat_squash.js";
import { Swish } from "../nn/layers/activation.js";
import { stackInit } from "../nn/init.js";
import { SdeBnnBlock } from "../sde/block.js";
import { StackWeightDrift } from "../sde/drifts.js";
import type { KlEstimator } from "../sde/block_terms.js";
import type { AdaptiveStepping, GradientMethod } from "../sde/block.js";
import type { SolverName } from "../sde/solvers/solver.js";
import { Stream, streamId, type Randomness } from "../random/randomness.js";

/** The 1D regression experiment of the paper's Fig. 2 (SPEC section 3). */
export interface Toy1dConfig {
  seed: number;
  data: {
    /** Points per cluster; x in linspace over each range. */
    perCluster: number;
    ranges: [number, number][];
    noiseStd: number;
    /** Inputs are normalised as (x - center) / scale. */
    center: number;
    scale: number;
  };
  model: {
    /** Zero dimensions appended to x (a 1D flow is monotone). */
    augment: number;
    hidden: number;
    nnHidden: number;
    /** Scale of the hypernetwork's initial weights (its last layer starts at zero). */
    nnInitScale: number;
    sigma: number;
    theta: number;
    steps: number;
    solver: SolverName | "adaptive";
    /** Settings of solver "adaptive" (absent: the block's defaults). */
    adaptive?: AdaptiveStepping;
    kl: KlEstimator;
    gradient: GradientMethod;
    /** Backprop: MiB lent to keep f_h's in-step activations for the backward pass (0: recompute; same bits). */
    keepActivationsMB: number;
    /** "meanfield": q(w_0) = N(mu, exp(logstd)^2) with prior N(0, w0PriorStd^2) and its KL in the loss. */
    w0: "point" | "meanfield";
    w0PriorStd: number;
    w0LogStdInit: number;
  };
  train: {
    updates: number;
    lr: number;
    samples: number;
    likelihood: "gaussian" | "laplace";
    /** Gaussian std or Laplace scale of the likelihood. */
    likelihoodScale: number;
    /** Loss = mean NLL + klCoef * KL (klDivideByN: klCoef * KL / N). */
    klCoef: number;
    klDivideByN: boolean;
  };
}

export const TOY1D_DEFAULTS: Toy1dConfig = {
  seed: 0,
  data: { perCluster: 20, ranges: [[0, 2], [6, 8]], noiseStd: 0.1, center: 4, scale: 4 },
  model: { augment: 2, hidden: 64, nnHidden: 64, nnInitScale: 0.1, sigma: 0.2, theta: 1, steps: 19, solver: "euler", kl: "quadratic", gradient: "backprop",
    keepActivationsMB: 256, w0: "point", w0PriorStd: 0.1, w0LogStdInit: -4 },
  train: { updates: 1000, lr: 3e-3, samples: 10, likelihood: "laplace", likelihoodScale: 0.1, klCoef: 1, klDivideByN: false },
};

export interface Toy1dData {
  /** Raw inputs and targets (f32). */
  x: Float32Array;
  y: Float32Array;
}

/** linspace(a, b, n) per range, y = cos(x) + noise (noise from the data stream, cos in wasm). */
export function makeToy1dData(rt: Runtime, rand: Randomness, cfg: Toy1dConfig["data"], stream = streamId(Stream.data, 0)): Toy1dData {
  const xs: number[] = [];
  for (const [a, b] of cfg.ranges) for (let i = 0; i < cfg.perCluster; i++) xs.push(a + ((b - a) * i) / (cfg.perCluster - 1));
  return sampleTargets(rt, rand, Float32Array.from(xs), cfg.noiseStd, stream);
}

export function sampleTargets(rt: Runtime, rand: Randomness, x: Float32Array, noiseStd: number, stream: number): Toy1dData {
  return rt.arena.scoped(() => {
    const n = x.length;
    const X = rt.arena.f32From(x), E = rt.arena.f32(n), Y = rt.arena.f32(n);
    rand.normals(stream, E.ptr, n);
    rt.wasm.toy1d_targets(X.ptr, E.ptr, Y.ptr, n, noiseStd);
    return { x: x.slice(), y: Y.toArray() };
  });
}

export interface StepStats { loss: number; nll: number; kl: number; [metric: string]: number }

/**
 * The toy SDE-BNN: x -> h(0) = [x_norm, 0, ..., 0] -> one SDE-BNN block (f_h = CSL swish CSL swish
 * CSL with trainable swish slopes, all in w_t) -> readout of the last coordinate of h(T).
 */
export class Toy1dModel {
  readonly space = new ParamSpace();
  readonly block: SdeBnnBlock;
  readonly phi: ParamRef;
  readonly dim: number;

  constructor(private readonly rt: Runtime, private readonly rand: Randomness, readonly cfg: Toy1dConfig) {
    const m = cfg.model;
    this.dim = 1 + m.augment;
    const fStack = new Stack([
      new ConcatSquash(this.dim, m.hidden), new Swish(m.hidden),
      new ConcatSquash(m.hidden, m.hidden), new Swish(m.hidden),
      new ConcatSquash(m.hidden, this.dim),
    ]);
    const D = fStack.paramCount;
    // the hypernetwork starts small (scale nnInitScale) with a zero last layer: posterior = prior
    const nStack = new Stack([
      new ConcatSquash(D, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, D, 0),
    ]);
    this.phi = this.space.add("nn", [nStack.paramCount], stackInit(nStack, rand.init(streamId(Stream.init, 1))));
    const net = m.sigma > 0 ? new StackWeightDrift(rt, nStack, this.phi) : null;
    this.block = new SdeBnnBlock(rt, this.space, "block", fStack, net, {
      sigma: m.sigma, theta: m.theta, kl: m.kl, solver: m.solver, adaptive: m.adaptive, steps: m.steps, gradient: m.gradient, keepActivationsBytes: m.keepActivationsMB * 2 ** 20,
      w0Init: stackInit(fStack, rand.init(streamId(Stream.init, 0))),
      w0Mode: m.w0, w0PriorStd: m.w0PriorStd, w0LogStdInit: m.w0LogStdInit,
    });
    this.space.allocate(rt);
  }

  get weightDim(): number { return this.block.weightSize; }

  /** h(0) for S samples of a batch of raw inputs. */
  private encode(x: Float32Array, S: number): Ptr {
    const { center, scale } = this.cfg.data;
    const B = x.length, d = this.dim;
    const h = this.rt.arena.f32(S * B * d);
    const v = h.view;
    for (let s = 0; s < S; s++) for (let i = 0; i < B; i++) v[(s * B + i) * d] = (x[i]! - center) / scale;
    return h.ptr;
  }

  /** The readout (last coordinate of h(T)) of every sample: S x B floats. */
  private readout(hOut: Ptr, S: number, B: number): Float32Array {
    const d = this.dim;
    const h = new Float32Array(this.rt.memory.buffer, hOut, S * B * d);
    const out = new Float32Array(S * B);
    for (let k = 0; k < S * B; k++) out[k] = h[k * d + d - 1]!;
    return out;
  }

  /** Standard normals for each sample's draw of a mean-field w_0 (0 for a point w_0). */
  private w0Noise(training: boolean, index: number, S: number): Ptr {
    if (this.cfg.model.w0 !== "meanfield") return 0;
    const D = this.weightDim, out = this.rt.arena.alloc(S * D * 4);
    for (let s = 0; s < S; s++) this.rand.normals(streamId(training ? Stream.headNoise : Stream.evalHeadNoise, index, s), out + s * D * 4, D);
    return out;
  }

  /**
   * Forward and backward of one training step; gradients are ADDED to the gradient block
   * (the caller zeroes it). Arena memory is released before returning.
   */
  trainStep(data: Toy1dData, step: number): StepStats {
    const { rt, cfg } = this;
    const S = cfg.train.samples, B = data.x.length, d = this.dim;
    return rt.arena.scoped(() => {
      const h0 = this.encode(data.x, S);
      const bm = this.rand.sampleBrownian(Stream.trainNoise, step, 0, S, this.weightDim, this.block.grid);
      const run = this.block.forward(h0, B, bm, S, true, this.w0Noise(true, step, S));
      const pred = rt.arena.f32From(this.readout(run.hOut, S, B));
      const target = rt.arena.f32From(data.y);
      const dpred = rt.arena.f32(S * B);
      const nllFn = cfg.train.likelihood === "gaussian" ? rt.wasm.gaussian_nll : rt.wasm.laplace_nll;
      let nll = 0;
      for (let s = 0; s < S; s++) {
        nll += nllFn(pred.ptr + s * B * 4, target.ptr, dpred.ptr + s * B * 4, B, cfg.train.likelihoodScale, 1 / S) / S;
      }
      const klCoef = cfg.train.klDivideByN ? cfg.train.klCoef / B : cfg.train.klCoef;
      const adjH = rt.arena.f32(S * B * d);
      const a = adjH.view, g = dpred.view;
      for (let k = 0; k < S * B; k++) a[k * d + d - 1] = g[k]!;
      this.block.backward(run, adjH.ptr, klCoef / S, rt.arena.alloc(S * B * d * 4));
      this.block.w0KlBackward(klCoef);
      const kl = run.kl + this.block.w0Kl();
      return { loss: nll + klCoef * kl, nll, kl };
    });
  }

  /** Function samples f_s(x) at the given raw inputs: S x x.length floats (no observation noise). */
  sampleFunctions(x: Float32Array, S: number, draw: number): Float32Array {
    if (!(Number.isInteger(S) && S >= 1)) throw new ArgumentError(`samples must be a positive integer, got ${S}`);
    const { rt } = this;
    const B = x.length;
    return rt.arena.scoped(() => {
      const h0 = this.encode(x, S);
      const bm = this.rand.sampleBrownian(Stream.evalNoise, draw, 0, S, this.weightDim, this.block.grid);
      const run = this.block.forward(h0, B, bm, S, false, this.w0Noise(false, draw, S));
      return this.readout(run.hOut, S, B);
    });
  }
}
