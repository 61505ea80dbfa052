// sdebnn: train and run SDE-BNNs (infinitely deep Bayesian neural networks) in any runtime.
// This entry is the user API; composable pieces (solvers, Brownian paths, blocks, layers, the
// arena) are in "sdebnn/advanced", the inference-only path in "sdebnn/infer".
import { loadRuntime, type InitOptions, type Runtime, type WasmSource } from "./runtime/load.js";
import { defaultWasm } from "./runtime/default_wasm.js";

/**
 * Loads the sdebnn binary. Without a source it finds `sdebnn.wasm` next to this module (Node and
 * Deno read the file, browsers fetch it); edge runtimes pass the bytes or a WebAssembly.Module.
 * @example
 * const rt = await init();
 */
export async function init(source?: WasmSource, options?: InitOptions): Promise<Runtime> {
  return loadRuntime(source ?? (await defaultWasm(new URL("./sdebnn.wasm", import.meta.url))), options);
}
export type { Runtime, InitOptions, WasmSource };

// training and prediction
export { train, configOf, type TrainOptions, type TrainProgress, type Overrides } from "./api/train.js";
export { Model, loadModel, type Prediction, type ClassPrediction, type RegressionPrediction, type PredictOptions, type LoadOptions } from "./api/model.js";
export type { SetMetrics, RegressionMetrics } from "./eval/score.js";
export type { ClassificationMetrics, CalibrationBin } from "./eval/metrics.js";
export type { RunRecord } from "./train/loop.js";

// configurations
export { PRESETS, type PresetName, type Preset } from "./presets/index.js";
export { KINDS, type RunConfig, type KindName } from "./models/registry.js";
export type { ImageRunConfig } from "./models/image_config.js";
export type { TabularRunConfig } from "./models/tabular_config.js";
export type { TrainConfig, EvalConfig, ExampleSet, ModelInput, Task } from "./models/kind.js";

// data
export { imageExamples, valueExamples, type ValueRows } from "./data/examples.js";
export type { ImageSet } from "./data/dataset.js";
export { syntheticImageSet } from "./data/synthetic.js";
export { decodePng, type PngImage, type PngOptions } from "./data/png.js";

// errors (every error is an SdebnnError with a stable `code`)
export {
  SdebnnError, ConfigError, DataError, CheckpointError, NumericalError, ArgumentError, RuntimeSupportError, WasmLoadError,
  MemoryLimitError, WasmAbortError, FileError,
} from "./runtime/errors.js";
