// sdebnn for Node: the user API of "sdebnn", plus what needs the file system and worker threads:
// data sets named by a config (MNIST files, CIFAR-10 batches), run directories, and `workers`.
import { type InitOptions, type Runtime, type WasmSource } from "./runtime/load.js";
import { init as initCore } from "./index.js";
import { train as trainCore, configOf, type Overrides, type TrainOptions } from "./api/train.js";
import type { Model } from "./api/model.js";
import type { PresetName } from "./presets/index.js";
import type { RunConfig } from "./models/registry.js";
import { loadData as loadRunData, prepareRunConfig, type PrepareOptions, type RunData } from "./node/data.js";
import { ShardPool } from "./node/shard_pool.js";

export * from "./index.js";
export { trainRun, CHECKPOINT_FILE, type TrainRunOptions, type TrainRunResult } from "./node/run.js";
export type { RunData } from "./node/data.js";
export { prepareRunConfig, type PrepareOptions } from "./node/data.js";
export { ShardPool } from "./node/shard_pool.js";
/** The run directory's durable file primitives: atomic replace (temp file, fsync, rename) and an append-only JSON-lines log. */
export { writeFileAtomic, writeFileAtomicSync, JsonlAppender, readJsonl } from "./node/atomic.js";

/** Loads the sdebnn binary; without a source, reads the packaged `sdebnn.wasm` from disk. */
export function init(source?: WasmSource, options?: InitOptions): Promise<Runtime> {
  return initCore(source, options);
}

/**
 * The training and test examples a config names (embedded, or read from its data files), the
 * config prepared first (prepareRunConfig: a table's schema, an image folder's classes and shape).
 */
export function loadData(rt: Runtime, config: PresetName | Record<string, unknown> | RunConfig, options: LoadDataOptions = {}): RunData {
  const cfg = prepareRunConfig(configOf(config, options.overrides), { onNote: options.onNote });
  return loadRunData(rt, cfg, { onNote: options.onNote });
}

export interface LoadDataOptions extends PrepareOptions {
  /** Config fields to change, by dotted path (as train's). */
  overrides?: Overrides;
}

export interface NodeTrainOptions extends TrainOptions {
  /** Threads computing each batch's fixed shards (this one included); the bits do not depend on it. */
  workers?: number;
}

/**
 * train() of "sdebnn", where data files named by the config are read from disk and `workers`
 * starts worker threads (stopped when training ends).
 */
export async function train(rt: Runtime, config: PresetName | Record<string, unknown> | RunConfig, options: NodeTrainOptions = {}): Promise<Model> {
  const cfg = prepareRunConfig(configOf(config, options.overrides)); // a table's schema fitted to its file
  const data = options.data ?? loadRunData(rt, cfg);
  const workers = options.workers ?? 1;
  const pool = workers > 1 ? await ShardPool.start(workers, rt.module, cfg) : null;
  try {
    return await trainCore(rt, cfg, { ...options, overrides: undefined, data, executors: pool?.executors ?? options.executors });
  } finally {
    await pool?.close();
  }
}
