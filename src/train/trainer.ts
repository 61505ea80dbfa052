import type { Runtime } from "../runtime/load.js";
import { ArgumentError, CheckpointError, NumericalError } from "../runtime/errors.js";
import { Optimizer } from "./optimizer.js";
import { epochOrder, trainValSplit, type Split } from "../data/shuffle.js";
import type { ExampleSet, KindModel, ModelKind } from "../models/kind.js";
import { kindOf, type RunConfig } from "../models/registry.js";
import { loadParamBlocks, paramBlockTensors } from "../checkpoint/state.js";
import type { Tensor } from "../checkpoint/safetensors.js";

export interface StepRecord { step: number; epoch: number; loss: number; nll: number; kl: number; accuracy: number; lr: number; skipped: boolean }

/** One shard of a training step: its rows of the batch and how its loss is weighted. */
export interface ShardTask {
  step: number;
  x: Float32Array;
  y: Int32Array | Float32Array;
  rowWeight: number;
  /** The KL weight of this shard (klCoef, or klCoef / N; 0 on every shard but the first). */
  klWeight: number;
  /** The parameter block to use (remote executors); null: the executor's current parameters. */
  params: Float32Array | null;
}

export interface ShardResult { grads: Float32Array; loss: number; nll: number; kl: number; correct: number; rowWeight: number; klWeight: number }

/** Computes shards elsewhere (a worker thread holding its own instance of the same binary). */
export interface ShardExecutor { run(task: ShardTask): Promise<ShardResult> }

/**
 * Trains a model of any kind on an ExampleSet. Every random quantity is a pure function of
 * (seed, step): the batch of step k is position k mod E of epoch floor(k / E)'s seeded order, its
 * weight paths and head draws come from streams indexed by k. So a run restored from a checkpoint
 * at step k continues with the same bits as an uninterrupted run, and the fixed row shards of each
 * batch, summed in shard order, give the same bits whatever number of threads computes them.
 */
export class Trainer {
  readonly kind: ModelKind<RunConfig>;
  readonly model: KindModel;
  readonly opt: Optimizer;
  readonly split: Split;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  private order: { epoch: number; idx: Uint32Array } | null = null;

  constructor(private readonly rt: Runtime, readonly cfg: RunConfig, readonly train: ExampleSet) {
    this.kind = kindOf(cfg);
    this.kind.checkData(cfg, train);
    this.split = trainValSplit(cfg.seed, train.count, cfg.data.valFraction);
    const B = cfg.train.batch;
    this.stepsPerEpoch = Math.floor(this.split.train.length / B);
    if (this.stepsPerEpoch < 1) throw new ArgumentError(`train.batch ${B} is larger than the ${this.split.train.length} training examples`);
    const byEpochs = Math.ceil(cfg.train.epochs * this.stepsPerEpoch);
    this.totalSteps = cfg.train.maxSteps > 0 ? Math.min(cfg.train.maxSteps, byEpochs) : byEpochs;
    this.model = this.kind.build(rt, cfg);
    const t = cfg.train;
    if (t.samples > this.model.maxSamples) throw new ArgumentError(`train.samples ${t.samples} exceeds this model's limit of ${this.model.maxSamples}`);
    if (cfg.eval.samples > this.model.maxSamples) throw new ArgumentError(`eval.samples ${cfg.eval.samples} exceeds this model's limit of ${this.model.maxSamples}`);
    this.opt = new Optimizer(rt, this.model.space, {
      lr: t.lr, schedule: t.schedule, minLr: t.minLr, beta1: 0.9, beta2: 0.999, eps: 1e-8,
      weightDecay: t.weightDecay, emaDecay: t.emaDecay, updates: this.totalSteps,
    });
  }

  get step(): number { return this.opt.step; }
  get done(): boolean { return this.opt.step >= this.totalSteps; }
  /** N of the KL's 1/N scaling: the examples the model trains on. */
  get datasetSize(): number { return this.split.train.length; }

  private batchIndices(step: number): { epoch: number; idx: Uint32Array } {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (!this.order || this.order.epoch !== epoch) this.order = { epoch, idx: epochOrder(this.cfg.seed, epoch, this.split.train) };
    const B = this.cfg.train.batch, pos = (step % this.stepsPerEpoch) * B;
    return { epoch, idx: this.order.idx.subarray(pos, pos + B) };
  }

  /** Row ranges [lo, hi) of the batch's shards (fixed by the config, whatever executes them). */
  shardRanges(): [number, number][] {
    const B = this.cfg.train.batch, n = Math.min(this.cfg.train.shards, B);
    return Array.from({ length: n }, (_, i) => [Math.floor((i * B) / n), Math.floor(((i + 1) * B) / n)] as [number, number]);
  }

  /** The step's batch as host arrays. */
  batch(step = this.opt.step): { epoch: number; x: Float32Array; y: Int32Array | Float32Array } {
    const B = this.cfg.train.batch;
    const { epoch, idx } = this.batchIndices(step);
    const x = new Float32Array(B * this.model.inputSize);
    const y = this.train.task === "classification" ? new Int32Array(B) : new Float32Array(B);
    this.train.gather(idx, 0, B, x, y);
    return { epoch, x, y };
  }

  /**
   * One update on the next batch. Shard i is computed by executor i mod n (executor 0 is this
   * thread) and the gradients are summed here in shard order. With train.onNonFinite "skip", a
   * non-finite step leaves the weights as they were.
   */
  async trainStepAsync(remote: readonly ShardExecutor[] = []): Promise<StepRecord> {
    const step = this.opt.step, lr = this.opt.learningRate();
    const { epoch, x, y } = this.batch(step);
    const ranges = this.shardRanges(), execs = 1 + remote.length;
    const params = remote.length ? this.opt.params.view.slice() : null;
    const pending = ranges.map(([lo, hi], i) => (i % execs === 0 ? null : remote[(i % execs) - 1]!.run(this.shardTask(step, x, y, lo, hi, i, params!))));
    const local = ranges.map(([lo, hi], i) => (i % execs === 0 ? this.computeShard(this.shardTask(step, x, y, lo, hi, i, null)) : null));
    const results = await Promise.all(pending.map((p, i) => p ?? Promise.resolve(local[i]!)));
    return this.finishStep(step, epoch, lr, results);
  }

  /** The same update computed entirely on this thread (bit-identical to any executor split). */
  trainStep(): StepRecord {
    const step = this.opt.step, lr = this.opt.learningRate();
    const { epoch, x, y } = this.batch(step);
    const results = this.shardRanges().map(([lo, hi], i) => this.computeShard(this.shardTask(step, x, y, lo, hi, i, null)));
    return this.finishStep(step, epoch, lr, results);
  }

  private shardTask(step: number, x: Float32Array, y: Int32Array | Float32Array, lo: number, hi: number, index: number, params: Float32Array | null): ShardTask {
    const per = this.model.inputSize, t = this.cfg.train;
    const klWeight = index === 0 ? (t.klDivideByN ? t.klCoef / this.datasetSize : t.klCoef) : 0;
    return { step, x: x.slice(lo * per, hi * per), y: y.slice(lo, hi), rowWeight: (hi - lo) / t.batch, klWeight, params };
  }

  /** Gradient and statistics of one shard with the current parameters of this thread's model. */
  computeShard(task: ShardTask): ShardResult {
    return computeShardOn(this.rt, this.model, this.cfg.train.samples, task);
  }

  private finishStep(step: number, epoch: number, lr: number, results: ShardResult[]): StepRecord {
    const { rt } = this;
    const n = this.opt.space.size, B = this.cfg.train.batch;
    this.opt.zeroGrads();
    rt.arena.scoped(() => {
      const g = rt.arena.f32(n, false);
      for (const r of results) { g.view.set(r.grads); rt.wasm.vec_axpy(1, g.ptr, this.opt.grads.ptr, n); }
    });
    let loss = 0, nll = 0, kl = 0, correct = 0;
    for (const r of results) { loss += r.loss; nll += r.nll * r.rowWeight; kl += r.klWeight ? r.kl : 0; correct += r.correct; }
    const accuracy = this.train.task === "classification" ? correct / B : NaN;
    try {
      this.opt.apply({ loss });
      return { step: step + 1, epoch, loss, nll, kl, accuracy, lr, skipped: false };
    } catch (e) {
      if (!(e instanceof NumericalError) || this.cfg.train.onNonFinite !== "skip") throw e;
      this.opt.skip();
      return { step: step + 1, epoch, loss: NaN, nll: NaN, kl: NaN, accuracy: NaN, lr, skipped: true };
    }
  }

  /** Runs `fn` with the EMA weights in place of the trained ones (when an EMA is kept). */
  withEvalWeights<T>(fn: () => T): T {
    return this.opt.withEma(fn);
  }

  /** withEvalWeights for asynchronous work (scoring over worker threads): the trained weights come back after it. */
  async withEvalWeightsAsync<T>(fn: () => Promise<T>): Promise<T> {
    const params = this.model.space.allocated.params;
    const evalWeights = this.withEvalWeights(() => params.view.slice()), live = params.view.slice();
    params.view.set(evalWeights);
    try {
      return await fn();
    } finally {
      params.view.set(live);
    }
  }

  /** Parameters (named, shaped), Adam moments and EMA as checkpoint tensors. */
  stateTensors(): [string, Tensor][] {
    const o = this.opt;
    return paramBlockTensors(this.model.space, [["", o.params.view], ["adam_m.", o.m.view], ["adam_v.", o.v.view], ["ema.", o.ema?.view ?? null]]);
  }

  /** Restores a state written by stateTensors() at `step` (shapes checked against this model). */
  loadState(file: { tensors: Map<string, Tensor> }, step: number, withOptimizer = true): void {
    if (!Number.isSafeInteger(step) || step < 0 || step > this.totalSteps) {
      throw new CheckpointError(`checkpoint step ${step} is outside this run's [0, ${this.totalSteps}] updates`);
    }
    const o = this.opt;
    const blocks: [string, Float32Array | null][] = [["", o.params.view], ["ema.", o.ema?.view ?? null]];
    if (withOptimizer) blocks.push(["adam_m.", o.m.view], ["adam_v.", o.v.view]);
    loadParamBlocks(file, this.model.space, blocks);
    if (withOptimizer) o.step = step;
  }
}

/** A shard's gradient (a fresh copy of the gradient block) on `model`, whose parameters are set from task.params when given. */
export function computeShardOn(rt: Runtime, model: KindModel, samples: number, task: ShardTask): ShardResult {
  const { params, grads } = model.space.allocated;
  if (task.params) params.view.set(task.params);
  rt.wasm.sde_lincomb(grads.ptr, 0, grads.length, 0, 0, 0, 0, 0, 0);
  const rows = task.y.length;
  const st = rt.arena.scoped(() => {
    const X = rt.arena.f32From(task.x), Y = rt.arena.alloc(rows * 4);
    if (task.y instanceof Int32Array) new Int32Array(rt.memory.buffer, Y, rows).set(task.y);
    else new Float32Array(rt.memory.buffer, Y, rows).set(task.y);
    return model.trainStep(X.ptr, Y, rows, { step: task.step, samples, rowWeight: task.rowWeight, klWeight: task.klWeight });
  });
  return { grads: grads.view.slice(), loss: st.loss, nll: st.nll, kl: st.kl, correct: st.correct, rowWeight: task.rowWeight, klWeight: task.klWeight };
}
