// The user-facing model: a trained (or loaded) model of any kind with predict, evaluate and save.
import type { Runtime } from "../runtime/load.js";
import { ArgumentError, CheckpointError } from "../runtime/errors.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "../checkpoint/safetensors.js";
import { evalWeightsPrefix, loadParamBlocks, paramBlockTensors } from "../checkpoint/state.js";
import { assertFiniteOutputs, assertFiniteTensors } from "../checkpoint/finite.js";
import { taskOfConfig, type ExampleSet, type KindModel, type ModelInput, type ModelKind } from "../models/kind.js";
import { kindOf, resolveRunConfig, type KindName, type RunConfig } from "../models/registry.js";
import { predictRows, predictRowsParallel, type RowPrediction, type SampleExecutor } from "../models/predict.js";
import { scoreSet, type SetMetrics } from "../eval/score.js";
import { allIndices } from "../data/examples.js";

/** Class probabilities averaged over Monte-Carlo samples (the Bayesian model average), with uncertainty. */
export interface ClassPrediction {
  task: "classification";
  count: number;
  classes: number;
  classNames: string[];
  samples: number;
  /** count x classes model-averaged probabilities. */
  probs: Float32Array;
  /** The most probable class of each input (first maximum). */
  predicted: Int32Array;
  /** Predictive entropy and mutual information (epistemic part) per input, in nats. */
  entropy: Float32Array;
  mutualInformation: Float32Array;
  /** samples x count x classes per-sample probabilities, with `perSample: true`. */
  sampleProbs?: Float32Array;
}

/** The predictive distribution of a real-valued target: mean, spread and a 95 % interval. */
export interface RegressionPrediction {
  task: "regression";
  count: number;
  samples: number;
  mean: Float32Array;
  /** Total predictive std: sqrt(epistemic^2 + aleatoric^2). */
  std: Float32Array;
  /**
   * Std of the sampled functions (weight uncertainty) and of the likelihood's observation noise:
   * per row from a heteroscedastic head (its variance averaged over the samples), else the learned
   * or fixed noise scale (Laplace: its std sqrt(2) b).
   */
  epistemicStd: Float32Array;
  aleatoricStd: Float32Array;
  /** mean -+ 1.96 std. */
  lower: Float32Array;
  upper: Float32Array;
  /** samples x count function values, with `perSample: true`. */
  sampleValues?: Float32Array;
}

export type Prediction = ClassPrediction | RegressionPrediction;

export interface PredictOptions {
  /** Monte-Carlo samples (default: the config's eval.samples). */
  samples?: number;
  /** Evaluation noise draw: another draw gives other (equally valid) samples. Default 0. */
  draw?: number;
  /** Also return the per-sample outputs. */
  perSample?: boolean;
  /** Called after every chunk of eval.batch rows with the rows done and the total (long predictions and evaluations). */
  onProgress?: (done: number, total: number) => void;
}

/** A model of any kind, ready to predict. Weights are the evaluation weights (the EMA when trained with one). */
export class Model {
  /** @internal */
  constructor(private readonly rt: Runtime, readonly config: RunConfig, /** @internal */ readonly net: KindModel,
              /** Updates the weights were trained for. */ readonly step: number,
              private readonly executors: readonly SampleExecutor[] = []) {}

  get kind(): KindName { return this.config.kind; }
  get task(): "classification" | "regression" { return taskOfConfig(kindOf(this.config), this.config); }
  private get spec(): ModelKind<RunConfig> { return kindOf(this.config); }

  /**
   * Predicts inputs (images: bytes 0..255 or values in [0, 1], count x C x H x W; tabular: rows of named values, or of numbers in the feature order, e.g. the toy1d preset's x values).
   * @example
   * const p = model.predict([0.5, 4, 7], { samples: 32 });
   * if (p.task === "regression") console.log(p.mean[1], p.lower[1], p.upper[1]);
   */
  predict(inputs: ModelInput, options: PredictOptions = {}): Prediction {
    const x = this.spec.encodeInputs(this.config, inputs);
    return this.present(predictRows(this.rt, this.net, this.task, x, this.rowOptions(options)));
  }

  /** predict, with the samples split over the worker threads the model was trained or loaded with (same bits). */
  async predictAsync(inputs: ModelInput, options: PredictOptions = {}): Promise<Prediction> {
    const x = this.spec.encodeInputs(this.config, inputs);
    return this.present(await predictRowsParallel(this.rt, this.net, this.task, this.executors, x, this.rowOptions(options)));
  }

  /**
   * The task's metrics on a set of examples (all of them, or `indices`), the samples split over the
   * model's worker threads (same bits); `onProgress` is called after every chunk of eval.batch rows.
   */
  evaluate(set: ExampleSet, options: PredictOptions & { indices?: ArrayLike<number> } = {}): Promise<SetMetrics> {
    this.spec.checkData(this.config, set);
    const o = this.rowOptions(options);
    return scoreSet(this.rt, this.net, set, options.indices ?? allIndices(set.count), { ...o, executors: this.executors });
  }

  /** The same model (same weights, same bits) predicting with these worker executors. @internal */
  withExecutors(executors: readonly SampleExecutor[]): Model {
    return new Model(this.rt, this.config, this.net, this.step, executors);
  }

  /** A checkpoint of the evaluation weights (safetensors bytes that loadModel and sdebnn/infer read). */
  save(): Promise<Uint8Array> {
    return encodeCheckpoint(paramBlockTensors(this.net.space, [["", this.net.space.allocated.params.view]]),
      { config: this.config, seed: this.config.seed, step: this.step });
  }

  private rowOptions(o: PredictOptions): { samples: number; batch: number; draw: number; perSample: boolean; onChunk?: (done: number, total: number) => void } {
    const samples = o.samples ?? this.config.eval.samples;
    if (!(Number.isInteger(samples) && samples >= 1 && samples <= this.net.maxSamples)) {
      throw new ArgumentError(`samples must be an integer in [1, ${this.net.maxSamples}], got ${samples}`);
    }
    const draw = o.draw ?? 0;
    if (!(Number.isInteger(draw) && draw >= 0)) throw new ArgumentError(`draw must be a non-negative integer, got ${draw}`);
    return { samples, batch: this.config.eval.batch, draw, perSample: o.perSample === true, onChunk: o.onProgress };
  }

  private present(p: RowPrediction): Prediction {
    assertFiniteOutputs(p.mean, p.outputs, p.task === "classification" ? "the class probabilities" : "the predictive means");
    if (p.stdTotal) assertFiniteOutputs(p.stdTotal, p.outputs, "the predictive std");
    if (p.task === "classification") {
      const K = p.outputs, predicted = new Int32Array(p.rows);
      for (let i = 0; i < p.rows; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (p.mean[i * K + k]! > p.mean[i * K + best]!) best = k;
        predicted[i] = best;
      }
      return {
        task: "classification", count: p.rows, classes: K, classNames: this.spec.classNames?.(this.config) ?? [], samples: p.samples,
        probs: p.mean, predicted, entropy: p.entropy!, mutualInformation: p.mutualInformation!, ...(p.sampleOutputs ? { sampleProbs: p.sampleOutputs } : {}),
      };
    }
    const n = p.rows, std = p.stdTotal!, aleatoric = p.stdAleatoric!;
    const lower = new Float32Array(n), upper = new Float32Array(n);
    for (let i = 0; i < n; i++) { lower[i] = p.mean[i]! - 1.96 * std[i]!; upper[i] = p.mean[i]! + 1.96 * std[i]!; }
    return {
      task: "regression", count: n, samples: p.samples, mean: p.mean, std, epistemicStd: p.stdEpistemic!, aleatoricStd: aleatoric,
      lower, upper, ...(p.sampleOutputs ? { sampleValues: p.sampleOutputs } : {}),
    };
  }
}

export interface LoadOptions {
  /** "ema" (default): the moving-average weights when the file has them; "trained": the raw weights. */
  weights?: "ema" | "trained";
  /** A name for messages (e.g. the file path). */
  name?: string;
  /** @internal worker executors for predictAsync */
  executors?: readonly SampleExecutor[];
}

/**
 * A model of any kind from checkpoint bytes (a training checkpoint, or one written by model.save()).
 * The config comes from the checkpoint (validated by its kind's schema).
 * @example
 * const model = await loadModel(rt, bytes);
 * console.log(model.kind, model.predict(x).task);
 */
export async function loadModel(rt: Runtime, checkpoint: Uint8Array | Checkpoint, options: LoadOptions = {}): Promise<Model> {
  const name = options.name ?? "<checkpoint>";
  const ck = checkpoint instanceof Uint8Array ? await decodeCheckpoint(checkpoint, name) : checkpoint;
  let cfg: RunConfig;
  try {
    cfg = resolveRunConfig(ck.config);
  } catch (e) {
    throw new CheckpointError(`${name}: metadata field 'config': ${(e as Error).message}`);
  }
  const net = kindOf(cfg).build(rt, cfg);
  const prefix = evalWeightsPrefix(ck, net.space, options.weights ?? "ema");
  // NaN or infinite weights would predict silently wrong numbers: refused, naming the tensor
  assertFiniteTensors(new Map(net.space.list.map((e) => [prefix + e.name, ck.tensors.get(prefix + e.name)!] as const).filter(([, t]) => t !== undefined)), name);
  loadParamBlocks(ck, net.space, [[prefix, net.space.allocated.params.view]]);
  return new Model(rt, cfg, net, ck.step, options.executors);
}
