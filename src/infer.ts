// sdebnn/infer: the smallest path from checkpoint bytes to predictions (no training, optimiser or
// dataset code). Runtime-neutral: Node, Deno, Bun, browsers, edge workers.
import { loadRuntime, type InitOptions, type Runtime, type WasmSource } from "./runtime/load.js";
import { defaultWasm } from "./runtime/default_wasm.js";

/** Loads the binary; without a source, finds `sdebnn.wasm` next to this module (read from disk in Node/Deno, fetched elsewhere). */
export async function init(source?: WasmSource, options?: InitOptions): Promise<Runtime> {
  return loadRuntime(source ?? (await defaultWasm(new URL("./sdebnn.wasm", import.meta.url))), options);
}
export type { Runtime, InitOptions, WasmSource };
export { Model, loadModel, type Prediction, type ClassPrediction, type RegressionPrediction, type PredictOptions, type LoadOptions } from "./api/model.js";
export { decodeCheckpoint, sha256Hex, type Checkpoint } from "./checkpoint/safetensors.js";
export type { RunConfig, KindName } from "./models/registry.js";
export type { ModelInput } from "./models/kind.js";
export {
  SdebnnError, ConfigError, DataError, CheckpointError, NumericalError, ArgumentError, RuntimeSupportError, WasmLoadError,
  MemoryLimitError, WasmAbortError, FileError,
} from "./runtime/errors.js";
