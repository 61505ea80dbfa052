// Node entry: the same core, plus a default that reads dist/sdebnn.wasm from disk.
import { readFile } from "node:fs/promises";
import { loadRuntime, type InitOptions, type Runtime, type WasmSource } from "./runtime/load.js";

export * from "./index.js";
export * from "./node/atomic.js";
export * from "./node/gzip.js";
export * from "./node/mnist.js";
export { loadImageData, limitSet } from "./node/image_data.js";
export { ShardPool } from "./node/shard_pool.js";
export { trainImageRun, CHECKPOINT_FILE, type TrainRunOptions, type TrainRunResult, type EpochRecord } from "./node/train_image.js";

/** The path of the packaged binary. */
export const wasmUrl = new URL("./sdebnn.wasm", import.meta.url);

/** Loads the sdebnn binary; without a source, reads the packaged `sdebnn.wasm` from disk. */
export async function init(source?: WasmSource, options?: InitOptions): Promise<Runtime> {
  return loadRuntime(source ?? (await readFile(wasmUrl)), options);
}
