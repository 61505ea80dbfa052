import type { Runtime } from "../runtime/load.js";
import { ArgumentError, CheckpointError, NumericalError } from "../runtime/errors.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { ImageSdeBnn } from "../models/image.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { Optimizer } from "./optimizer.js";
import { epochOrder, imageBatch, trainValSplit, validateImageSet, type ImageSet, type Split } from "../data/dataset.js";
import { evaluateImageSet, type EvalResult } from "../models/image_predict.js";
import { expectTensor, type Tensor } from "../checkpoint/safetensors.js";

export interface StepRecord { step: number; epoch: number; loss: number; nll: number; kl: number; accuracy: number; lr: number; skipped: boolean }

/**
 * Trains the image SDE-BNN on an ImageSet. Every random quantity is a pure function of
 * (seed, step): the batch of step k is position k mod E of epoch floor(k / E)'s seeded order, its
 * weight paths and head draws come from streams indexed by k. So a run restored from a checkpoint
 * at step k continues with the same bits as an uninterrupted run.
 */
export class ImageTrainer {
  readonly model: ImageSdeBnn;
  readonly opt: Optimizer;
  readonly split: Split;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  private order: { epoch: number; idx: Uint32Array } | null = null;

  constructor(private readonly rt: Runtime, readonly cfg: ImageRunConfig, readonly train: ImageSet) {
    validateImageSet(train, "training set");
    const m = cfg.model;
    if (train.channels !== m.channels || train.height !== m.height || train.width !== m.width) {
      throw new ArgumentError(`training set: images are ${train.channels}x${train.height}x${train.width} but model expects ` +
        `${m.channels}x${m.height}x${m.width} (model.channels/height/width)`);
    }
    if (train.numClasses > m.classes) throw new ArgumentError(`training set has ${train.numClasses} classes, model.classes is ${m.classes}`);
    this.split = trainValSplit(cfg.seed, train.count, cfg.data.valFraction);
    const B = cfg.train.batch;
    this.stepsPerEpoch = Math.floor(this.split.train.length / B);
    if (this.stepsPerEpoch < 1) throw new ArgumentError(`train.batch ${B} is larger than the ${this.split.train.length} training examples`);
    const byEpochs = Math.ceil(cfg.train.epochs * this.stepsPerEpoch);
    this.totalSteps = cfg.train.maxSteps > 0 ? Math.min(cfg.train.maxSteps, byEpochs) : byEpochs;
    this.model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, cfg.seed), m);
    this.opt = new Optimizer(rt, this.model.space, {
      lr: cfg.train.lr, schedule: cfg.train.schedule, minLr: cfg.train.minLr, beta1: 0.9, beta2: 0.999, eps: 1e-8,
      weightDecay: 0, emaDecay: cfg.train.emaDecay, updates: this.totalSteps,
    });
  }

  get step(): number { return this.opt.step; }
  get done(): boolean { return this.opt.step >= this.totalSteps; }

  private batchIndices(step: number): { epoch: number; idx: Uint32Array } {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (!this.order || this.order.epoch !== epoch) this.order = { epoch, idx: epochOrder(this.cfg.seed, epoch, this.split.train) };
    const B = this.cfg.train.batch, pos = (step % this.stepsPerEpoch) * B;
    return { epoch, idx: this.order.idx.subarray(pos, pos + B) };
  }

  /** One update on the next batch. With train.onNonFinite "skip", a non-finite step leaves the weights as they were. */
  trainStep(): StepRecord {
    const { rt, cfg } = this;
    const step = this.opt.step, B = cfg.train.batch;
    const { epoch, idx } = this.batchIndices(step);
    const lr = this.opt.learningRate();
    return rt.arena.scoped(() => {
      const X = rt.arena.f32(B * this.model.inputSize, false), Y = rt.arena.alloc(B * 4);
      imageBatch(this.train, idx, 0, B, { out: { x: X.view, y: new Int32Array(rt.memory.buffer, Y, B) } });
      try {
        const st = this.opt.update(() => this.model.trainStep(X.ptr, Y, B, step, cfg.train.samples, cfg.train.klCoef, this.split.train.length));
        return { step: step + 1, epoch, loss: st.loss, nll: st.nll!, kl: st.kl!, accuracy: st.accuracy!, lr, skipped: false };
      } catch (e) {
        if (!(e instanceof NumericalError) || cfg.train.onNonFinite !== "skip") throw e;
        this.opt.skip();
        return { step: step + 1, epoch, loss: NaN, nll: NaN, kl: NaN, accuracy: NaN, lr, skipped: true };
      }
    });
  }

  /** Runs `fn` with the EMA weights in place of the trained ones (when an EMA is kept). */
  withEvalWeights<T>(fn: () => T): T {
    return this.opt.withEma(fn);
  }

  evaluate(set: ImageSet, indices: ArrayLike<number>, samples = this.cfg.eval.samples): EvalResult {
    return evaluateImageSet(this.rt, this.model, set, indices, samples, this.cfg.eval.batch);
  }

  /** Parameters (named, shaped), Adam moments and EMA as checkpoint tensors. */
  stateTensors(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const blocks: [string, Float32Array | null][] = [
      ["", this.opt.params.view], ["adam_m.", this.opt.m.view], ["adam_v.", this.opt.v.view], ["ema.", this.opt.ema?.view ?? null],
    ];
    for (const [prefix, view] of blocks) {
      if (!view) continue;
      for (const e of this.model.space.list) {
        out.push([prefix + e.name, { dtype: "F32", shape: [...e.shape], data: view.slice(e.offset, e.offset + e.size) }]);
      }
    }
    return out;
  }

  /** Restores a state written by stateTensors() at `step` (shapes checked against this model). */
  loadState(file: { tensors: Map<string, Tensor> }, step: number, withOptimizer = true): void {
    if (!Number.isSafeInteger(step) || step < 0 || step > this.totalSteps) {
      throw new CheckpointError(`checkpoint step ${step} is outside this run's [0, ${this.totalSteps}] updates`);
    }
    const blocks: [string, Float32Array | null][] = [["", this.opt.params.view], ["ema.", this.opt.ema?.view ?? null]];
    if (withOptimizer) blocks.push(["adam_m.", this.opt.m.view], ["adam_v.", this.opt.v.view]);
    for (const [prefix, view] of blocks) {
      if (!view) continue;
      for (const e of this.model.space.list) {
        const t = expectTensor(file, prefix + e.name, "F32", e.shape);
        view.set(t.data as Float32Array, e.offset);
      }
    }
    if (withOptimizer) this.opt.step = step;
  }
}
