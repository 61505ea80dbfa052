import { s, type Infer } from "../config/schema.js";
import { evalSchema, trainSchema } from "../train/config.js";
import { adaptiveSchema } from "./image_config.js";

/** The toy 1D regression of the paper's Fig. 2 (SPEC section 3) as a validated plain-JSON config. */
export const toy1dRunSchema = s.object({
  kind: s.enum(["toy1d"] as const, { default: "toy1d" }),
  seed: s.integer({ min: 0, max: 2 ** 31 - 1, default: 0 }),
  data: s.object({
    perCluster: s.integer({ min: 2, max: 100000, default: 20, doc: "training points per range (linspace)" }),
    ranges: s.array(s.array(s.number(), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8, default: [[0, 2], [6, 8]], doc: "x ranges of the training clusters" }),
    noiseStd: s.number({ min: 0, max: 100, default: 0.1, doc: "std of the observation noise of y = cos(x) + noise" }),
    center: s.number({ default: 4, doc: "inputs are normalised as (x - center) / scale" }),
    scale: s.number({ min: 1e-9, default: 1, doc: "1: x - 4 in [-4, 4] (the paper: 4, x in [-1, 1], whose nearly linear fit misses the dip of cos in the gap)" }),
    heldOut: s.integer({ min: 1, max: 100000, default: 100, doc: "held-out test points per range (fresh noise)" }),
    valFraction: s.number({ min: 0, max: 0.9, default: 0, doc: "seeded share of the training points held out for validation" }),
  }),
  model: s.object({
    augment: s.integer({ min: 0, max: 64, default: 2, doc: "zero dimensions appended to x (a 1D flow is monotone)" }),
    hidden: s.integer({ min: 1, max: 4096, default: 32, doc: "width of f_h's ConcatSquash layers" }),
    nnHidden: s.integer({ min: 1, max: 4096, default: 64, doc: "width of the hypernetwork" }),
    nnInitScale: s.number({ min: 0, max: 10, default: 0.1, doc: "scale of the hypernetwork's initial weights (its last layer starts at zero)" }),
    sigma: s.number({ min: 0, max: 10, default: 1, doc: "weight diffusion (0: the ODE limit, constant weights, no path KL)" }),
    theta: s.number({ min: 0, max: 100, default: 0, doc: "OU prior drift -theta w (0: a Brownian prior around w_0)" }),
    stochastic: s.enum(["all", "first", "last"] as const, { default: "last", doc: "which of f_h's weights diffuse: all (SDE-BNN) or only its first or last layer's (PSDE-BNN; the rest are point parameters)" }),
    steps: s.integer({ min: 1, max: 10000, default: 10 }),
    solver: s.enum(["euler", "sra1", "reversible_heun", "adaptive"] as const, { default: "euler" }),
    adaptive: adaptiveSchema,
    kl: s.enum(["quadratic", "stl", "logratio"] as const, { default: "quadratic" }),
    gradient: s.enum(["backprop", "adjoint"] as const, { default: "backprop" }),
    keepActivationsMB: s.number({ min: 0, max: 65536, default: 256, doc: "backprop: memory lent to keep f_h's in-step activations (0: recompute; same bits)" }),
    w0: s.enum(["point", "meanfield"] as const, { default: "meanfield" }),
    w0PriorStd: s.number({ min: 1e-6, max: 100, default: 0.3 }),
    w0LogStdInit: s.number({ min: -20, max: 5, default: -4 }),
    likelihood: s.enum(["gaussian", "laplace"] as const, { default: "gaussian" }),
    likelihoodScale: s.number({ min: 1e-9, max: 100, default: 0.1, doc: "Gaussian std or Laplace scale of the likelihood" }),
  }),
  train: trainSchema({ epochs: 2000, batch: 40, lr: 3e-3, samples: 10, klCoef: 4, klDivideByN: true, emaDecay: 0, shards: 1,
    checkpointEvery: 0, logEvery: 50 }),
  eval: evalSchema({ samples: 100, batch: 256, valLimit: 0 }),
});
export type Toy1dRunConfig = Infer<typeof toy1dRunSchema>;
