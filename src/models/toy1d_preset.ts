// The toy1d presets (the paper's Fig. 2, SPEC section 3) as plain configs of the tabular kind on
// its embedded toy1d points. No imports from the registry: the reading of old kind "toy1d" configs
// (./toy1d_legacy.ts) starts from the toy1d preset too.
import { toy1dDataDefaults } from "./toy1d_data.js";

/**
 * toy1d, the model tuned for a calibrated band (docs/implementation.md, bench/results/toy1d.md):
 * x - 4 -> [x - 4, 0, 0] -> one SDE-BNN block of width 32 whose last ConcatSquash layer's weights
 * diffuse (sigma 1, Brownian prior around a mean-field w_0 ~ N(0, 0.3^2)) -> h(T)'s last coordinate,
 * a Gaussian likelihood of fixed std 0.1 (the data's noise), 2000 full-batch updates.
 */
export const TOY1D_PRESET = {
  kind: "tabular", seed: 0,
  data: { dataset: "toy1d", toy1d: toy1dDataDefaults(), valFraction: 0 },
  model: {
    augment: 2, width: 32, depth: 2, activation: "swish", nnHidden: 64, nnInitScale: 0.1,
    sigma: 1, theta: 0, stochastic: "last", steps: 10, solver: "euler", kl: "quadratic", gradient: "backprop",
    w0: "meanfield", w0PriorStd: 0.3, w0LogStdInit: -4, head: "none", likelihood: "gaussian", gaussianStd: 0.1,
  },
  train: { epochs: 2000, batch: 40, lr: 3e-3, samples: 10, klCoef: 4, klDivideByN: true, emaDecay: 0, logEvery: 50 },
  eval: { samples: 100, batch: 256 },
};

/** toy1d-paper: SPEC section 3 as the paper states it (every weight diffuses, width 64, sigma 0.2, 19 steps, Laplace likelihood, KL not / N, inputs (x - 4) / 4). */
export const TOY1D_PAPER_CHANGES = {
  data: { toy1d: { scale: 4 } },
  model: { width: 64, nnHidden: 64, stochastic: "all", sigma: 0.2, theta: 1, steps: 19, w0: "point", w0PriorStd: 0.1, likelihood: "laplace", likelihoodScale: 0.1 },
  train: { epochs: 1000, lr: 3e-3, samples: 10, klCoef: 1, klDivideByN: false },
};

/** toy1d-odenet: the ODE limit (sigma 0: constant weights, no KL) with a point w_0. */
export const TOY1D_ODENET_CHANGES = { model: { sigma: 0, w0: "point" } };
