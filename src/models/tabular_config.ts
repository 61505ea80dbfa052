import { s, type Infer } from "../config/schema.js";
import { evalSchema, trainSchema } from "../train/config.js";
import { adaptiveSchema } from "./image_config.js";
import { toy1dDataSchema } from "./toy1d_data.js";

const featureSpec = s.object({
  name: s.string({ default: "" }),
  type: s.enum(["numeric", "categorical"] as const, { default: "numeric" }),
  center: s.number({ default: 0, doc: "numeric: inputs are (value - center) / scale" }),
  scale: s.number({ min: 1e-300, default: 1 }),
  categories: s.array(s.string(), { default: [], doc: "categorical: the one-hot order" }),
});

/**
 * Tabular regression or classification from a CSV file or the embedded toy1d points (features ->
 * one SDE-BNN block over ConcatSquash layers -> head). data.schema is filled in by the loader
 * (src/node/tabular_data.ts) from the training part of a CSV file before training, or from
 * data.toy1d for the embedded points, so a checkpoint predicts raw rows.
 */
export const tabularRunSchema = s.object({
  kind: s.enum(["tabular"] as const, { default: "tabular" }),
  seed: s.integer({ min: 0, max: 2 ** 31 - 1, default: 0 }),
  data: s.object({
    dataset: s.enum(["csv", "toy1d"] as const, { default: "csv", doc: "csv: the rows of data.file (and data.test); toy1d: the embedded points of the paper's Fig. 2 (columns x and y, target y; see data.toy1d)" }),
    toy1d: toy1dDataSchema,
    file: s.string({ default: "", doc: "CSV file with a header row (the training data)" }),
    test: s.string({ default: "", doc: "CSV test file with the same columns (empty: a seeded testFraction of data.file)" }),
    target: s.string({ default: "", doc: "the target column" }),
    features: s.array(s.string(), { default: [], doc: "feature columns (empty: every column but the target)" }),
    task: s.enum(["auto", "regression", "classification"] as const, { default: "auto", doc: "auto: classification when the target is not numeric" }),
    testFraction: s.number({ min: 0, max: 0.9, default: 0.1, doc: "seeded share of data.file held out as the test set when data.test is empty" }),
    valFraction: s.number({ min: 0, max: 0.9, default: 0, doc: "seeded share of the training part held out for validation" }),
    dropMissing: s.boolean({ default: false, doc: "drop rows with a missing value (empty, NA, NaN, null, ?) in a column the model reads, and report how many (default: such a cell is a DataError naming file, line and column)" }),
    schema: s.object({
      features: s.array(featureSpec, { default: [], doc: "fitted by the loader: names, types, standardisation, categories" }),
      target: s.object({
        name: s.string({ default: "" }),
        center: s.number({ default: 0 }),
        scale: s.number({ min: 1e-300, default: 1 }),
        classes: s.array(s.string(), { default: [] }),
      }),
    }),
  }),
  model: s.object({
    augment: s.integer({ min: 0, max: 256, default: 2, doc: "zero dimensions appended to the encoded features" }),
    width: s.integer({ min: 1, max: 4096, default: 32, doc: "width of f_h's hidden ConcatSquash layers" }),
    depth: s.integer({ min: 1, max: 16, default: 2, doc: "hidden ConcatSquash layers of f_h" }),
    activation: s.enum(["swish", "softplus", "tanh", "relu"] as const, { default: "swish", doc: "f_h's activation (swish: trainable slopes)" }),
    nnHidden: s.integer({ min: 1, max: 4096, default: 32, doc: "width of the hypernetwork" }),
    nnInitScale: s.number({ min: 0, max: 10, default: 0.1 }),
    sigma: s.number({ min: 0, max: 10, default: 0.1, doc: "weight diffusion (0: the ODE limit)" }),
    theta: s.number({ min: 0, max: 100, default: 1, doc: "OU prior drift -theta w (0: a Brownian prior around w_0)" }),
    stochastic: s.enum(["all", "first", "last"] as const, { default: "all", doc: "which of f_h's weights diffuse: all (SDE-BNN) or only its first or last ConcatSquash layer's (PSDE-BNN; the rest are point parameters)" }),
    steps: s.integer({ min: 1, max: 10000, default: 8 }),
    solver: s.enum(["euler", "sra1", "reversible_heun", "adaptive"] as const, { default: "euler" }),
    adaptive: adaptiveSchema,
    kl: s.enum(["quadratic", "stl", "logratio"] as const, { default: "quadratic" }),
    gradient: s.enum(["backprop", "adjoint"] as const, { default: "backprop" }),
    keepActivationsMB: s.number({ min: 0, max: 65536, default: 256 }),
    w0: s.enum(["point", "meanfield"] as const, { default: "point" }),
    w0PriorStd: s.number({ min: 1e-6, max: 100, default: 0.1, doc: "w0 meanfield: the std s of the prior N(0, s^2) of w_0 (the toy1d preset: 0.3)" }),
    w0LogStdInit: s.number({ min: -20, max: 5, default: -4 }),
    head: s.enum(["point", "meanfield", "none"] as const, { default: "point", doc: "the Dense head's weights; none: the prediction is the last coordinate of h(T) (regression with a Gaussian or Laplace likelihood; the toy1d model)" }),
    headPriorStd: s.number({ min: 1e-6, max: 100, default: 1 }),
    likelihood: s.enum(["gaussian", "laplace", "heteroscedastic"] as const, { default: "gaussian", doc: "regression: Gaussian with a learned noise std, Laplace (fixed or learned scale), or heteroscedastic Gaussian (the head gives each row's mean and log-std)" }),
    noiseLogStdInit: s.number({ min: -20, max: 5, default: -1, doc: "Gaussian: initial log-std of the (learned) noise, in standardised target units; heteroscedastic: the initial bias of the log-std output" }),
    gaussianStd: s.number({ min: 0, max: 100, default: 0, doc: "Gaussian: 0 learns the noise std (from noiseLogStdInit); > 0 fixes it at this value, in standardised target units" }),
    likelihoodScale: s.number({ min: 1e-9, max: 100, default: 0.3, doc: "Laplace: the scale b, in standardised target units (its initial value with learnLaplaceScale)" }),
    learnLaplaceScale: s.boolean({ default: false, doc: "Laplace: learn log b (a parameter like the Gaussian's log-std), starting at likelihoodScale" }),
  }),
  train: trainSchema({ epochs: 200, batch: 32, lr: 3e-3, samples: 4, klCoef: 1, klDivideByN: true, emaDecay: 0, shards: 1, checkpointEvery: 0, logEvery: 0 }),
  eval: evalSchema({ samples: 32, batch: 256, valLimit: 0 }),
});
export type TabularRunConfig = Infer<typeof tabularRunSchema>;
