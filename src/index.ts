// sdebnn: the runtime-neutral core (Node, Deno, browsers, edge). No Node built-ins here.
import { loadRuntime, type InitOptions, type Runtime, type WasmSource } from "./runtime/load.js";

export * from "./runtime/errors.js";
export { loadRuntime, Runtime, type InitOptions, type WasmSource } from "./runtime/load.js";
export { Arena, F32Buffer, PAGE_BYTES } from "./runtime/memory.js";
export { hasSimd, hasWebAssembly } from "./runtime/simd.js";
export { ABI_VERSION, type WasmExports, type Ptr } from "./runtime/abi.js";

/**
 * Loads the sdebnn binary. Without a source, fetches `sdebnn.wasm` next to this module
 * (browsers, Deno). Edge runtimes pass the bytes or a compiled WebAssembly.Module.
 */
export function init(source?: WasmSource, options?: InitOptions): Promise<Runtime> {
  return loadRuntime(source ?? new URL("./sdebnn.wasm", import.meta.url), options);
}

// SDE core
export type { SdeTerms, BrownianSource, AdditiveNoise, DiagonalNoise } from "./sde/terms.js";
export { isReversible, type Solver, type SolverName, type StepNoise, type SolverCapabilities, type ReversibleSolver, type NoiseKind } from "./sde/solvers/solver.js";
export { solve, type SolveOptions, type SolveRun } from "./sde/solve.js";
export { checkContract, type Contract } from "./sde/check.js";
export type { StepController, StepSequence, Trial } from "./sde/controllers/controller.js";
export { ConstantSteps } from "./sde/controllers/constant.js";
export { PiController, type PiOptions } from "./sde/controllers/pi.js";
export { BackpropAdjoint, ReversibleAdjoint, makeAdjoint, type Adjoint } from "./sde/adjoints/index.js";
export { UniformGrid, RecordedGrid, StateTape, type StepGrid } from "./sde/grid.js";
export { EulerMaruyama } from "./sde/solvers/euler.js";
export { Sra1 } from "./sde/solvers/sra1.js";
export { ReversibleHeun } from "./sde/solvers/reversible_heun.js";
export { solveFixed, backpropFixed, adjointReversibleHeun, gridTime, type FixedGrid } from "./sde/integrate.js";
export { solveAdaptive, type AdaptiveOptions, type AdaptiveResult } from "./sde/adaptive.js";
export { BlockTerms, type HiddenDrift, type WeightDrift, type KlEstimator, type BlockTermsOptions } from "./sde/block_terms.js";
export { SdeBnnBlock, makeSolver, type SdeBnnBlockOptions, type BlockRun, type GradientMethod, type HiddenDriftSource, type AdaptiveStepping, type BlockEvaluations } from "./sde/block.js";
export { StackHiddenDrift, StackWeightDrift } from "./sde/drifts.js";
export type { Layer, LayerContext, ParamSlot, InitSpec } from "./nn/layer.js";
export { Stack, type Tape, type FlatSlot } from "./nn/stack.js";
export { ConcatSquash } from "./nn/layers/concat_squash.js";
export { Dense } from "./nn/layers/dense.js";
export { Activation, Swish, type ActivationName } from "./nn/layers/activation.js";
export { fillInit, stackInit, type RandomFill } from "./nn/init.js";
export { ParamSpace, ParamRef, type ParamInit, type ParamEntry } from "./nn/params.js";
export { chart, type ChartSpec, type Series, type Band, type Bars } from "./plot/svg.js";
export * from "./sde/brownian/index.js";
export { Stream, streamId, type Randomness } from "./random/randomness.js";
export { PhiloxRandomness } from "./random/philox_randomness.js";
export { Optimizer, OPTIM_DEFAULTS, type OptimConfig, type StepStats } from "./train/optimizer.js";
export { Toy1dModel, TOY1D_DEFAULTS, makeToy1dData, type Toy1dConfig, type Toy1dData } from "./models/toy1d.js";
export { predictToy1d, toy1dMetrics, toy1dFigure, type Toy1dMetrics, type Toy1dPrediction } from "./models/toy1d_eval.js";
export { runToy1d, type Toy1dResult, type Toy1dProgress } from "./models/toy1d_run.js";
export { classificationMetrics, predictiveSummary, auroc, reliabilityDiagram, type ClassificationMetrics, type CalibrationBin, type PredictiveSummary } from "./eval/metrics.js";
export { ScalarOU, RotatingOU, GBM, CubicDrift } from "./sde/examples.js";
export { ConcatConv2d, ConcatConvTranspose2d, type ConvShape } from "./nn/layers/conv.js";
// Data formats, datasets, checkpoints and configs (runtime-neutral).
export * from "./data/gzip.js";
export * from "./data/idx.js";
export * from "./data/cifar.js";
export * from "./data/csv.js";
export * from "./data/dataset.js";
export * from "./checkpoint/safetensors.js";
export * from "./config/schema.js";
export * from "./config/overrides.js";
export { editDistance, closest } from "./config/suggest.js";
// Image SDE-BNN, training, presets, checkpoints
export { ImageSdeBnn, imageBlockDrift, imageHypernet, type ImageModelParts, type Shape as ImageShape, type ImagePrediction, type ImageStepStats } from "./models/image.js";
export { BayesHead, type HeadRun } from "./models/bayes_head.js";
export { imageModelSchema, imageRunSchema, trainSchema, dataSchema, evalSchema, type ImageModelConfig, type ImageRunConfig } from "./models/image_config.js";
export { toy1dRunSchema, type Toy1dRunConfig } from "./models/toy1d_config.js";
export { predictImageSet, evaluateImageSet, type SetPrediction, type EvalResult } from "./models/image_predict.js";
export { loadImageModel } from "./models/image_checkpoint.js";
export { ImageTrainer, type StepRecord, type ShardExecutor } from "./train/image_trainer.js";
export { WebShardPool } from "./train/web_shard_pool.js";
export { predictParallel, type PredictExecutor } from "./train/parallel_predict.js";
export { PRESETS, resolvePreset, resolveRunConfig, type RunConfig, type Preset } from "./presets/index.js";
export { syntheticImageSet } from "./data/synthetic.js";
export { decodePngGrey, type GreyImage } from "./data/png.js";
export { canonicalJson } from "./config/canonical.js";
export { CORRUPTIONS, corruptImageSet, noiseImageSet, invertedImageSet, type CorruptionName } from "./eval/corruptions.js";
export { ImageClassifier, loadClassifier, type Prediction } from "./infer/classifier.js";
