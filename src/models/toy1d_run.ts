import type { Runtime } from "../runtime/load.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { Optimizer, OPTIM_DEFAULTS } from "../train/optimizer.js";
import { makeToy1dData, Toy1dModel, type Toy1dConfig, type Toy1dData } from "./toy1d.js";
import { toy1dFigure, toy1dMetrics, type Toy1dMetrics } from "./toy1d_eval.js";

export interface Toy1dProgress {
  step: number;
  updates: number;
  loss: number;
  nll: number;
  kl: number;
  elapsedMs: number;
}

export interface Toy1dResult {
  model: Toy1dModel;
  data: Toy1dData;
  metrics: Toy1dMetrics & { finalLoss: number; finalNll: number; finalKl: number; updates: number; trainSeconds: number };
  svg: string;
  history: Toy1dProgress[];
}

/** Trains the toy SDE-BNN and evaluates the predictive band (coverage, gap-to-data uncertainty). */
export function runToy1d(rt: Runtime, cfg: Toy1dConfig, opts: { evalSamples?: number; onProgress?: (p: Toy1dProgress) => void; logEvery?: number; now?: () => number } = {}): Toy1dResult {
  const now = opts.now ?? (() => Date.now());
  const rand = new PhiloxRandomness(rt, cfg.seed);
  const data = makeToy1dData(rt, rand, cfg.data);
  const model = new Toy1dModel(rt, rand, cfg);
  const opt = new Optimizer(rt, model.space, { ...OPTIM_DEFAULTS, lr: cfg.train.lr, updates: cfg.train.updates });
  const history: Toy1dProgress[] = [];
  const t0 = now();
  const every = opts.logEvery ?? 50;
  let last = { loss: NaN, nll: NaN, kl: NaN };
  for (let step = 0; step < cfg.train.updates; step++) {
    const stats = opt.update(() => model.trainStep(data, step));
    last = { loss: stats.loss, nll: stats.nll!, kl: stats.kl! };
    if ((step + 1) % every === 0 || step + 1 === cfg.train.updates) {
      const p = { step: step + 1, updates: cfg.train.updates, ...last, elapsedMs: now() - t0 };
      history.push(p);
      opts.onProgress?.(p);
    }
  }
  const trainSeconds = (now() - t0) / 1000;
  const { metrics, pred } = toy1dMetrics(rt, model, rand, opts.evalSamples ?? 100);
  const svg = toy1dFigure(pred, data, `SDE-BNN posterior predictive (toy 1D, ${cfg.train.updates} updates)`);
  return {
    model, data, svg, history,
    metrics: { ...metrics, finalLoss: last.loss, finalNll: last.nll, finalKl: last.kl, updates: cfg.train.updates, trainSeconds },
  };
}
