import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ParamSpace, type ParamInit, type ParamRef } from "../nn/params.js";
import { Stack } from "../nn/stack.js";
import { ConcatSquash } from "../nn/layers/concat_squash.js";
import { Swish } from "../nn/layers/activation.js";
import { stackInit } from "../nn/init.js";
import { SdeBnnBlock } from "../sde/block.js";
import { StackHiddenDrift, StackWeightDrift } from "../sde/drifts.js";
import { PartialHiddenDrift, type StochasticRange } from "../sde/partial_drift.js";
import { Stream, streamId, type Randomness } from "../random/randomness.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import type { KindModel, SampleRange, StepOptions, StepStats } from "./kind.js";
import { checkSampleCount, checkSampleRange } from "./kind.js";
import type { Toy1dRunConfig } from "./toy1d_config.js";

export interface Toy1dData {
  /** Raw inputs and targets (f32). */
  x: Float32Array;
  y: Float32Array;
}

/** linspace(a, b, n) per range, y = cos(x) + noise (noise from the data stream, cos in wasm). */
export function makeToy1dData(rt: Runtime, rand: Randomness, cfg: Toy1dRunConfig["data"], stream = streamId(Stream.data, 0)): Toy1dData {
  const xs: number[] = [];
  for (const [a, b] of cfg.ranges) for (let i = 0; i < cfg.perCluster; i++) xs.push(a! + ((b! - a!) * i) / (cfg.perCluster - 1));
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

const values = (v: Float32Array): ParamInit => ({ kind: "values", fill: (out) => out.set(v) });

/**
 * The floats of f_h's parameter vector that diffuse: all of them (the paper's SDE-BNN), or only
 * those of its first or last ConcatSquash layer (a partially stochastic PSDE-BNN).
 */
export function stochasticRange(fStack: Stack, which: Toy1dRunConfig["model"]["stochastic"]): StochasticRange {
  if (which === "all") return { offset: 0, count: fStack.paramCount };
  const layer = which === "first" ? 0 : fStack.layers.length - 1;
  const slots = fStack.slots().filter((s) => s.name.startsWith(`${layer}.`));
  const offset = slots[0]!.offset, end = slots[slots.length - 1]!.offset + slots[slots.length - 1]!.size;
  return { offset, count: end - offset };
}

/**
 * The toy SDE-BNN: x -> h(0) = [x_norm, 0, ..., 0] -> one SDE-BNN block (f_h = CSL swish CSL swish
 * CSL with trainable swish slopes, all in w_t) -> readout of the last coordinate of h(T).
 */
export class Toy1dModel implements KindModel {
  readonly space = new ParamSpace();
  readonly block: SdeBnnBlock;
  readonly phi: ParamRef;
  readonly dim: number;
  readonly inputSize = 1;
  readonly outputSize = 1;
  readonly maxSamples = 256;
  readonly noiseVariance: number;
  private readonly rand: Randomness;

  constructor(private readonly rt: Runtime, readonly cfg: Toy1dRunConfig) {
    const m = cfg.model;
    const rand = (this.rand = new PhiloxRandomness(rt, cfg.seed));
    this.dim = 1 + m.augment;
    // observation noise variance of the likelihood: s^2 (Gaussian), 2 b^2 (Laplace)
    const sc = m.likelihoodScale;
    this.noiseVariance = m.likelihood === "gaussian" ? sc * sc : 2 * sc * sc;
    const fStack = new Stack([
      new ConcatSquash(this.dim, m.hidden), new Swish(m.hidden),
      new ConcatSquash(m.hidden, m.hidden), new Swish(m.hidden),
      new ConcatSquash(m.hidden, this.dim),
    ]);
    // PSDE-BNN: only the weights of `stochasticRange` diffuse, the others are point parameters
    const range = stochasticRange(fStack, m.stochastic);
    const D = range.count;
    const fullInit = new Float32Array(fStack.paramCount);
    const init = stackInit(fStack, rand.init(streamId(Stream.init, 0)));
    if (init.kind === "values") init.fill(fullInit);
    // the hypernetwork starts small (scale nnInitScale) with a zero last layer: posterior = prior
    const nStack = new Stack([
      new ConcatSquash(D, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, m.nnHidden, m.nnInitScale), new Swish(m.nnHidden),
      new ConcatSquash(m.nnHidden, D, 0),
    ]);
    this.phi = this.space.add("nn", [nStack.paramCount], stackInit(nStack, rand.init(streamId(Stream.init, 1))));
    const net = m.sigma > 0 ? new StackWeightDrift(rt, nStack, this.phi) : null;
    const partial = D < fStack.paramCount;
    const fixed = partial
      ? this.space.add("block.fixed", [fStack.paramCount - D], values(Float32Array.from([...fullInit.subarray(0, range.offset), ...fullInit.subarray(range.offset + D)])))
      : null;
    const hidden = fixed ? (rows: number) => new PartialHiddenDrift(rt, new StackHiddenDrift(rt, fStack, rows), fixed, range) : fStack;
    this.block = new SdeBnnBlock(rt, this.space, "block", hidden, net, {
      sigma: m.sigma, theta: m.theta, kl: m.kl, solver: m.solver, adaptive: m.adaptive, steps: m.steps, gradient: m.gradient, keepActivationsBytes: m.keepActivationsMB * 2 ** 20,
      w0Init: values(fullInit.slice(range.offset, range.offset + D)),
      w0Mode: m.w0, w0PriorStd: m.w0PriorStd, w0LogStdInit: m.w0LogStdInit,
    });
    this.space.allocate(rt);
  }

  get weightDim(): number { return this.block.weightSize; }

  /** Runs `fn` with the prior weight SDE (the hypernetwork's drift switched off, same w_0). */
  asPrior<T>(fn: () => T): T { return this.block.asPrior(fn); }

  /** h(0) for S samples of a batch of raw inputs x (B floats at a pointer). */
  private encode(x: Ptr, B: number, S: number): Ptr {
    const { center, scale } = this.cfg.data;
    const d = this.dim;
    const xs = new Float32Array(this.rt.memory.buffer, x, B).slice();
    const h = this.rt.arena.f32(S * B * d);
    const v = h.view;
    for (let s = 0; s < S; s++) for (let i = 0; i < B; i++) v[(s * B + i) * d] = (xs[i]! - center) / scale;
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
  private w0Noise(training: boolean, index: number, S: number, first = 0): Ptr {
    if (this.cfg.model.w0 !== "meanfield") return 0;
    const D = this.weightDim, out = this.rt.arena.alloc(S * D * 4);
    for (let s = 0; s < S; s++) this.rand.normals(streamId(training ? Stream.headNoise : Stream.evalHeadNoise, index, first + s), out + s * D * 4, D);
    return out;
  }

  /**
   * Forward and backward of one training step on B rows (x and y: B floats at pointers);
   * gradients are ADDED to the gradient block. Arena memory is released before returning.
   */
  trainStep(x: Ptr, y: Ptr, B: number, opts: StepOptions): StepStats {
    const { rt, cfg } = this;
    const S = opts.samples, d = this.dim;
    checkSampleCount(S, this.maxSamples);
    return rt.arena.scoped(() => {
      const h0 = this.encode(x, B, S);
      const bm = this.rand.sampleBrownian(Stream.trainNoise, opts.step, 0, S, this.weightDim, this.block.grid);
      const run = this.block.forward(h0, B, bm, S, true, this.w0Noise(true, opts.step, S));
      const pred = rt.arena.f32From(this.readout(run.hOut, S, B));
      const dpred = rt.arena.f32(S * B);
      const nllFn = cfg.model.likelihood === "gaussian" ? rt.wasm.gaussian_nll : rt.wasm.laplace_nll;
      let nll = 0;
      for (let s = 0; s < S; s++) {
        nll += nllFn(pred.ptr + s * B * 4, y, dpred.ptr + s * B * 4, B, cfg.model.likelihoodScale, opts.rowWeight / S) / S;
      }
      const klCoef = opts.klWeight;
      const adjH = rt.arena.f32(S * B * d);
      const a = adjH.view, g = dpred.view;
      for (let k = 0; k < S * B; k++) a[k * d + d - 1] = g[k]!;
      this.block.backward(run, adjH.ptr, klCoef / S, rt.arena.alloc(S * B * d * 4));
      let kl = run.kl;
      if (klCoef) { this.block.w0KlBackward(klCoef); kl += this.block.w0Kl(); }
      return { loss: opts.rowWeight * nll + klCoef * kl, nll, kl, correct: 0 };
    });
  }

  /** Function samples f_s(x) (no observation noise): samples x B floats. */
  predictSamples(x: Ptr, B: number, range: SampleRange): Float32Array {
    const { rt } = this;
    const { first, samples: S, total, draw } = range;
    checkSampleCount(total, this.maxSamples);
    checkSampleRange(range);
    return rt.arena.scoped(() => {
      const h0 = this.encode(x, B, S);
      const bm = this.rand.sampleBrownian(Stream.evalNoise, draw, first, S, this.weightDim, this.block.grid);
      const run = this.block.forward(h0, B, bm, S, false, this.w0Noise(false, draw, S, first));
      return this.readout(run.hOut, S, B);
    });
  }
}
