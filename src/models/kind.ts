// The model-kind contract: everything the generic trainer, checkpoint loader, predict path, CLI
// and edge handler need to know about one kind of model (image classifier, tabular regression or classification).
// A kind is registered once in ./registry.ts; nothing else branches on the kind.
import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import type { ParamSpace } from "../nn/params.js";
import type { ObjectSchema } from "../config/schema.js";
import { ArgumentError } from "../runtime/errors.js";

/** What the model's outputs mean: class probabilities, or a real-valued target. */
export type Task = "classification" | "regression";

/**
 * Training or evaluation examples as flat f32 inputs and targets (class indices as i32, or
 * values as f32), gathered by index into caller-owned host arrays.
 */
export interface ExampleSet {
  readonly count: number;
  /** Floats per example at the model's input (images: C x H x W in [0, 1]). */
  readonly inputSize: number;
  readonly task: Task;
  /** Rows order[start .. start + count) -> x (count x inputSize) and y (count targets). */
  gather(order: ArrayLike<number>, start: number, count: number, x: Float32Array, y: Int32Array | Float32Array): void;
  /** The raw bytes that identify the set (a reproduction checks them): inputs, then targets. */
  fingerprintParts(): [Uint8Array, Uint8Array];
  /** Short description for messages, e.g. "MNIST training set". */
  readonly name: string;
}

/** How one shard of a training step is weighted (see Trainer). */
export interface StepOptions {
  /** The update's index: selects the weight paths, head draws and batch. */
  step: number;
  /** Monte-Carlo samples. */
  samples: number;
  /** Weight of this shard's mean NLL: its share of the batch's rows. */
  rowWeight: number;
  /** Weight of the KL terms in the loss (0 on every shard but the first). */
  klWeight: number;
}

export interface StepStats {
  loss: number;
  nll: number;
  kl: number;
  /** Correctly classified rows (mean over samples); 0 for regression. */
  correct: number;
}

/**
 * A model of any kind: one flat parameter block, a training step over pointers in wasm memory,
 * and per-sample predictions. Gradients are ADDED to the gradient block (the caller zeroes it).
 */
export interface KindModel {
  readonly space: ParamSpace;
  /** Floats per input row. */
  readonly inputSize: number;
  /** Outputs per row and sample: classes (probabilities) or 1 (the regression function value). */
  readonly outputSize: number;
  /** The largest number of Monte-Carlo samples one call may use. */
  readonly maxSamples: number;
  /** x: rows x inputSize f32, y: rows targets (i32 classes or f32 values) at wasm pointers. */
  trainStep(x: Ptr, y: Ptr, rows: number, opts: StepOptions): StepStats;
  /**
   * Samples first .. first + samples - 1 of a `total`-sample prediction of `rows` inputs with
   * evaluation noise `draw`: samples x rows x outputSize floats (probabilities, or function values;
   * with `noiseOutputs`, each sample's values are followed by their noise variances).
   * Every sample has its own noise streams, so any split of the samples gives the same bits.
   */
  predictSamples(x: Ptr, rows: number, range: SampleRange): Float32Array;
  /** Observation-noise variance of a regression likelihood (0 for classification and per-row noise). */
  readonly noiseVariance: number;
  /**
   * Regression with per-row noise (a heteroscedastic head): predictSamples gives, per sample, the
   * rows' function values followed by their noise variances (samples x 2 x rows, target units).
   */
  readonly noiseOutputs?: boolean;
}

export interface SampleRange { draw: number; first: number; samples: number; total: number }

/** ArgumentError unless S is an integer in [1, max] (`what` follows the bound in the message). */
export function checkSampleCount(S: number, max: number, what = ""): void {
  if (!(Number.isInteger(S) && S >= 1 && S <= max)) throw new ArgumentError(`samples must be an integer in [1, ${max}]${what}, got ${S}`);
}

/** ArgumentError unless samples first .. first + samples - 1 lie inside [0, total). */
export function checkSampleRange({ first, samples: S, total }: SampleRange): void {
  if (!(Number.isInteger(first) && Number.isInteger(S) && first >= 0 && S >= 1 && first + S <= total)) {
    throw new ArgumentError(`a sample range must lie inside [0, ${total}): got first ${first}, samples ${S}`);
  }
}

/** Run-config sections every kind shares (their schemas are in ../train/config.ts). */
export interface BaseRunConfig {
  kind: string;
  seed: number;
  model: Record<string, unknown>;
  train: TrainConfig;
  data: Record<string, unknown>;
  eval: EvalConfig;
}

export interface TrainConfig {
  epochs: number;
  maxSteps: number;
  batch: number;
  lr: number;
  schedule: "constant" | "cosine";
  minLr: number;
  /** Decoupled (AdamW) weight decay: p <- p (1 - lr weightDecay) before each Adam update. */
  weightDecay: number;
  emaDecay: number;
  samples: number;
  shards: number;
  klCoef: number;
  klDivideByN: boolean;
  checkpointEvery: number;
  logEvery: number;
  onNonFinite: "stop" | "skip";
  divergeFactor: number;
}

export interface EvalConfig { samples: number; batch: number; valLimit: number }

/** A kind: its config schema, how to build its model, its task. */
export interface ModelKind<C extends BaseRunConfig = BaseRunConfig> {
  readonly name: C["kind"];
  readonly task: Task;
  /** The task of one config, for kinds whose task depends on it (default: `task`). */
  taskOf?(cfg: C): Task;
  /** The whole run config ({kind, seed, model, train, data, eval}) with defaults. */
  readonly schema: ObjectSchema;
  /** One-line description for help texts. */
  readonly description: string;
  /** A fresh model (initial weights from the config's seed). */
  build(rt: Runtime, cfg: C): KindModel;
  /**
   * The data a run trains on when it is not given any, where that needs no file system (the
   * embedded toy 1D points, synthetic images); null when the config names files.
   */
  embeddedData?(rt: Runtime, cfg: C): { train: ExampleSet; test: ExampleSet } | null;
  /**
   * The config with the fields that follow from its other fields filled in (the tabular kind on
   * the embedded toy1d points: data.schema from data.toy1d); ConfigError when a given value
   * contradicts them. Runs before checkConfig.
   */
  complete?(cfg: C): C;
  /**
   * Checks a validated config beyond its schema (ConfigError): data options its data source does
   * not read (src/config/data_options.ts), fields a data source needs.
   */
  checkConfig?(cfg: C): void;
  /**
   * data.* fields that belong to a trained model (fitted from its training data, or its input
   * encoding): `eval --set` cannot change them, `train --help` does not list the fitted ones.
   */
  readonly modelDataFields?: readonly string[];
  /** Checks a data set against the model (shapes, class count) before training or scoring. */
  checkData(cfg: C, set: ExampleSet): void;
  /** The most Monte-Carlo samples one pass of this config's model takes (checked before step 0). */
  maxSamples(cfg: C): number;
  /** Names of the classes (classification), for printing. */
  classNames?(cfg: C): string[];
  /**
   * Raw user inputs -> rows x inputSize f32. Images: bytes 0..255 (as the training data) or f32
   * values in [0, 1], count x C x H x W; tabular: rows of named values, or of numbers in the feature order. ArgumentError naming what is wrong.
   */
  encodeInputs(cfg: C, inputs: ModelInput): Float32Array;
  /** The kind's own figures of a trained model (SVG texts by file name), e.g. a 1-feature regression's predictive band. */
  figures?(rt: Runtime, cfg: C, model: KindModel, data: { train: ExampleSet; test: ExampleSet }): { file: string; svg: string }[];
  /** The kind's own summary numbers of a trained model (printed and stored in results.json); null when it has none for this config. */
  report?(rt: Runtime, cfg: C, model: KindModel): Record<string, number> | null;
}

/** What predict accepts: flat values, one row of values per example, or rows of named values (tabular). */
export type ModelInput = Uint8Array | Float32Array | Float64Array | readonly number[] | readonly (readonly number[])[]
  | readonly Readonly<Record<string, string | number>>[];

/** The task of a config of `kind`. */
export const taskOfConfig = <C extends BaseRunConfig>(kind: ModelKind<C>, cfg: C): Task => kind.taskOf?.(cfg) ?? kind.task;

/** Flat values of a ModelInput (rows of numbers are concatenated; ArgumentError on ragged rows). */
export function flatten(inputs: ModelInput): Uint8Array | Float32Array | Float64Array | readonly number[] {
  if (inputs instanceof Uint8Array || inputs instanceof Float32Array || inputs instanceof Float64Array) return inputs;
  if (!Array.isArray(inputs)) throw new ArgumentError(`inputs: expected a typed array or an array of numbers, got ${typeof inputs}`);
  if (inputs.length > 0 && inputs[0] !== null && typeof inputs[0] === "object" && !Array.isArray(inputs[0])) {
    throw new ArgumentError("inputs: rows of named values are for tabular models; pass numbers");
  }
  if (inputs.length === 0 || !Array.isArray(inputs[0])) return inputs as readonly number[];
  const rows = inputs as readonly (readonly number[])[];
  const w = rows[0]!.length;
  const out: number[] = [];
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== w) throw new ArgumentError(`inputs: row ${i} has ${Array.isArray(r) ? r.length : "no"} values, row 0 has ${w}`);
    out.push(...r);
  });
  return out;
}
