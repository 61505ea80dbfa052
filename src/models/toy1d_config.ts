import { s, type Infer } from "../config/schema.js";
import { adaptiveSchema } from "./image_config.js";

/** The toy 1D run (SPEC section 3) as a validated plain-JSON config; defaults come from the preset. */
export const toy1dRunSchema = s.object({
  kind: s.enum(["toy1d"] as const),
  seed: s.integer({ min: 0, max: 2 ** 31 - 1 }),
  data: s.object({
    perCluster: s.integer({ min: 2, max: 100000 }),
    ranges: s.array(s.array(s.number(), { minLength: 2, maxLength: 2 }), { minLength: 2, maxLength: 2 }),
    noiseStd: s.number({ min: 0, max: 100 }),
    center: s.number(),
    scale: s.number({ min: 1e-9 }),
  }),
  model: s.object({
    augment: s.integer({ min: 0, max: 64 }),
    hidden: s.integer({ min: 1, max: 4096 }),
    nnHidden: s.integer({ min: 1, max: 4096 }),
    nnInitScale: s.number({ min: 0, max: 10 }),
    sigma: s.number({ min: 0, max: 10 }),
    theta: s.number({ min: 0, max: 100 }),
    steps: s.integer({ min: 1, max: 10000 }),
    solver: s.enum(["euler", "sra1", "reversible_heun", "adaptive"] as const),
    adaptive: adaptiveSchema,
    kl: s.enum(["quadratic", "stl", "logratio"] as const),
    gradient: s.enum(["backprop", "adjoint"] as const),
    keepActivationsMB: s.number({ min: 0, max: 65536 }),
    w0: s.enum(["point", "meanfield"] as const),
    w0PriorStd: s.number({ min: 1e-6, max: 100 }),
    w0LogStdInit: s.number({ min: -20, max: 5 }),
  }),
  train: s.object({
    updates: s.integer({ min: 0, max: 1e8 }),
    lr: s.number({ min: 0, max: 10 }),
    samples: s.integer({ min: 1, max: 256 }),
    likelihood: s.enum(["gaussian", "laplace"] as const),
    likelihoodScale: s.number({ min: 1e-9, max: 100 }),
    klCoef: s.number({ min: 0, max: 1e6 }),
    klDivideByN: s.boolean(),
  }),
});
export type Toy1dRunConfig = Infer<typeof toy1dRunSchema>;
