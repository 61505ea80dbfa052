// sdebnn/advanced: the composable pieces under the user API, for building new models and
// experiments: the runtime and its arena, SDE solvers and Brownian paths, the SDE-BNN block, layers
// and the parameter space, randomness, the kinds and their trainer, checkpoints, data formats.
export { loadRuntime, Runtime, type InitOptions, type WasmSource } from "./runtime/load.js";
export { init } from "./index.js";
export { Arena, F32Buffer, PAGE_BYTES } from "./runtime/memory.js";
export { hasSimd, hasWebAssembly } from "./runtime/simd.js";
export { ABI_VERSION, type WasmExports, type Ptr } from "./runtime/abi.js";
export * from "./runtime/errors.js";

// SDE library
export type { SdeTerms, BrownianSource, AdditiveNoise, DiagonalNoise } from "./sde/terms.js";
export { isReversible, type Solver, type SolverName, type StepNoise, type SolverCapabilities, type ReversibleSolver, type NoiseKind } from "./sde/solvers/solver.js";
export { UniformGrid, RecordedGrid, StateTape, type StepGrid } from "./sde/grid.js";
export { EulerMaruyama } from "./sde/solvers/euler.js";
export { Sra1 } from "./sde/solvers/sra1.js";
export { ReversibleHeun } from "./sde/solvers/reversible_heun.js";
export { solveFixed, backpropFixed, adjointReversibleHeun, gridTime, type FixedGrid } from "./sde/integrate.js";
export { solveAdaptive, type AdaptiveOptions, type AdaptiveResult } from "./sde/adaptive.js";
export * from "./sde/brownian/index.js";
export { solve, type SolveOptions, type SolveRun } from "./sde/solve.js";
export { checkContract, type Contract } from "./sde/check.js";
export { ConstantSteps } from "./sde/controllers/constant.js";
export { PiController, type PiOptions } from "./sde/controllers/pi.js";
export type { StepController, StepSequence, Trial } from "./sde/controllers/controller.js";
export { BackpropAdjoint, ReversibleAdjoint, makeAdjoint, type Adjoint } from "./sde/adjoints/index.js";

// SDE-BNN block and layers
export { BlockTerms, type HiddenDrift, type WeightDrift, type KlEstimator, type BlockTermsOptions } from "./sde/block_terms.js";
export { SdeBnnBlock, makeSolver, type SdeBnnBlockOptions, type BlockRun, type GradientMethod, type HiddenDriftSource, type AdaptiveStepping, type BlockEvaluations } from "./sde/block.js";
export { StackHiddenDrift, StackWeightDrift } from "./sde/drifts.js";
export type { Layer, LayerContext, ParamSlot, InitSpec } from "./nn/layer.js";
export { Stack, type Tape, type FlatSlot } from "./nn/stack.js";
export { ConcatSquash } from "./nn/layers/concat_squash.js";
export { Dense } from "./nn/layers/dense.js";
export { Activation, Swish, type ActivationName } from "./nn/layers/activation.js";
export { ConcatConv2d, ConcatConvTranspose2d, type ConvShape } from "./nn/layers/conv.js";
export { fillInit, stackInit, type RandomFill } from "./nn/init.js";
export { ParamSpace, ParamRef, type ParamInit, type ParamEntry } from "./nn/params.js";
export { Stream, streamId, type Randomness } from "./random/randomness.js";
export { PhiloxRandomness } from "./random/philox_randomness.js";

// models, kinds, training
export type { ModelKind, KindModel, StepOptions, StepStats, SampleRange, BaseRunConfig } from "./models/kind.js";
export { KINDS, kindOf, resolveRunConfig, type RunConfig, type KindName } from "./models/registry.js";
export { ImageSdeBnn, imageBlockDrift, imageHypernet, type ImageModelParts, type Shape as ImageShape } from "./models/image.js";
export { BayesHead, type HeadRun } from "./models/bayes_head.js";
export { imageModelSchema, imageRunSchema, imageDataSchema, type ImageModelConfig, type ImageRunConfig } from "./models/image_config.js";
export { TabularModel, stochasticRange } from "./models/tabular.js";
export { tabularRunSchema, type TabularRunConfig } from "./models/tabular_config.js";
export { makeToy1dData, sampleTargets, toy1dExamples, toy1dTableSchema, toy1dDataSchema, type Toy1dData, type Toy1dDataConfig } from "./models/toy1d_data.js";
export { predictiveBand, toy1dBandMetrics, bandFigure, type PredictiveBand, type Toy1dBandMetrics, type BandOptions } from "./models/tabular_band.js";
export { predictRows, predictRowsParallel, type RowPrediction, type SampleExecutor, type PredictOptions as RowPredictOptions } from "./models/predict.js";
export { Trainer, computeShardOn, type StepRecord, type ShardExecutor, type ShardTask, type ShardResult } from "./train/trainer.js";
export { runTraining, recordDue, type RunRecord, type RecordSums, type LoopOptions } from "./train/loop.js";
export { trainSchema, evalSchema } from "./train/config.js";
export { Optimizer, OPTIM_DEFAULTS, type OptimConfig } from "./train/optimizer.js";
export { WebShardPool } from "./train/web_shard_pool.js";
export { PRESETS, resolvePreset, isPresetName, type PresetName, type Preset } from "./presets/index.js";
export { train, configOf } from "./api/train.js";
export { Model, loadModel } from "./api/model.js";

// evaluation and figures
export { classificationMetrics, predictiveSummary, auroc, reliabilityDiagram, type ClassificationMetrics, type CalibrationBin, type PredictiveSummary } from "./eval/metrics.js";
export { scoreSet, metricsOf, gatherSet, regressionMetrics, type SetMetrics, type RegressionMetrics } from "./eval/score.js";
export { CORRUPTIONS, corruptImageSet, noiseImageSet, invertedImageSet, type CorruptionName } from "./eval/corruptions.js";
export { chart, type ChartSpec, type Series, type Band, type Bars } from "./plot/svg.js";

// checkpoints, configs, data formats
export * from "./checkpoint/safetensors.js";
export { paramBlockTensors, loadParamBlocks, evalWeightsPrefix } from "./checkpoint/state.js";
export { s, validate, defaults, schemaDoc, type Schema, type Infer } from "./config/schema.js";
export { resolveConfig, parseConfigJson, parseSetArg } from "./config/overrides.js";
export { canonicalJson } from "./config/canonical.js";
export * from "./data/gzip.js";
export * from "./data/idx.js";
export * from "./data/cifar.js";
export * from "./data/csv.js";
export { imageBatch, imageBatches, validateImageSet, mnistImageSet, cifarImageSet, UNIT_FROM_BYTE, type ImageSet } from "./data/dataset.js";
export { trainValSplit, epochOrder, permutation, type Split } from "./data/shuffle.js";
export { imageExamples, valueExamples, allIndices, type ValueRows } from "./data/examples.js";
export { syntheticImageSet } from "./data/synthetic.js";
export { decodePng, decodePngGrey, type GreyImage, type PngImage, type PngOptions } from "./data/png.js";

// test problems with closed-form solutions (the bench diagnostics and the order tests use them)
export { ScalarOU, RotatingOU, GBM, CubicDrift } from "./sde/examples.js";
