// train(): the common path from a preset or config to a trained Model, in any runtime.
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { resolvePreset, type PresetName } from "../presets/index.js";
import { kindOf, resolveRunConfig, type RunConfig } from "../models/registry.js";
import type { ExampleSet } from "../models/kind.js";
import type { SampleExecutor } from "../models/predict.js";
import { Trainer, type ShardExecutor } from "../train/trainer.js";
import { runTraining, type RunRecord } from "../train/loop.js";
import { Model } from "./model.js";

/** A value for one config field, by its dotted path (e.g. { "train.epochs": 2, "model.sigma": 0.1 }). */
export type Overrides = Readonly<Record<string, string | number | boolean | readonly unknown[]>>;

/** Progress of a training run, after every update. */
export interface TrainProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  /** Classification: the batch's accuracy (NaN for regression). */
  accuracy: number;
  lr: number;
  elapsedMs: number;
}

export interface TrainOptions {
  /** Config fields to change, by dotted path. */
  overrides?: Overrides;
  /** Training (and test) examples; default: the data the config embeds (toy1d points, synthetic images). */
  data?: { train: ExampleSet; test?: ExampleSet };
  onProgress?: (p: TrainProgress) => void;
  /** Called with each metrics record (every train.logEvery updates, or per epoch), validation included. */
  onRecord?: (r: RunRecord) => void;
  /** Worker executors (the Node entry's `workers` option starts them); the bits do not depend on them. */
  executors?: readonly (ShardExecutor & SampleExecutor)[];
}

/** `key=value` texts of an Overrides object, as the CLI's --set takes them. */
export function overrideSets(o: Overrides = {}): string[] {
  return Object.entries(o).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
}

/** A config from a preset name or a config tree (its `kind` selects the schema), with overrides. */
export function configOf(config: PresetName | Record<string, unknown> | RunConfig, overrides?: Overrides): RunConfig {
  const sets = overrideSets(overrides);
  // an unknown preset name is a ConfigError naming the presets
  return typeof config === "string" ? resolvePreset(config, undefined, sets) : resolveRunConfig(config, sets);
}

/**
 * Trains a model from a preset name or a config (validated by its kind's schema) and returns it
 * with its evaluation weights.
 * @example
 * const rt = await init();
 * const model = await train(rt, "toy1d", { overrides: { "train.epochs": 100 } });
 * const p = model.predict([0, 4, 8]);
 */
export async function train(rt: Runtime, config: PresetName | Record<string, unknown> | RunConfig, options: TrainOptions = {}): Promise<Model> {
  const cfg = configOf(config, options.overrides);
  const data = options.data ?? kindOf(cfg).embeddedData?.(rt, cfg);
  if (!data) {
    throw new ArgumentError(`the config's data (data.dataset ${JSON.stringify((cfg.data as { dataset?: unknown }).dataset)}) are files: ` +
      "pass options.data, or in Node use `loadData(config)` from \"sdebnn\"");
  }
  const trainer = new Trainer(rt, cfg, data.train);
  const t0 = Date.now();
  await runTraining(rt, trainer, {
    executors: options.executors,
    onStep: (rec) => options.onProgress?.({ step: rec.step, totalSteps: trainer.totalSteps, epoch: rec.epoch, loss: rec.loss, accuracy: rec.accuracy, lr: rec.lr, elapsedMs: Date.now() - t0 }),
    onRecord: options.onRecord,
  });
  // the model predicts with the evaluation weights
  trainer.model.space.allocated.params.view.set(trainer.withEvalWeights(() => trainer.model.space.allocated.params.view.slice()));
  return new Model(rt, cfg, trainer.model, trainer.step);
}
