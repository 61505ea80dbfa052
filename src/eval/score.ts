// Scoring a set of examples with any kind's model: the chunked predict path, then the task's
// metrics (classification: accuracy, NLL, Brier, ECE, entropy, MI; regression: RMSE, Gaussian
// predictive NLL, 95 % interval coverage and width).
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { ExampleSet, KindModel } from "../models/kind.js";
import { predictRowsParallel, type RowPrediction, type SampleExecutor } from "../models/predict.js";
import { classificationMetrics, type ClassificationMetrics } from "./metrics.js";

export interface RegressionMetrics {
  n: number;
  rmse: number;
  /** Mean negative log-likelihood of the targets under the Gaussian predictive N(mean, stdTotal^2). */
  nll: number;
  /** Share of targets inside mean +- 1.96 stdTotal, and the mean half-width of that interval. */
  coverage95: number;
  halfWidth95: number;
  /**
   * The interval-coverage curve: for each nominal central coverage q (0, 0.05, .., 1), the share
   * of targets inside mean +- z std, z = Phi^-1((1 + q) / 2) (a Gaussian predictive).
   */
  coverageCurve: { nominal: number[]; observed: number[] };
}

/** The nominal coverages of the coverage curve: 0, 0.05, .., 1. */
export const COVERAGE_LEVELS: readonly number[] = Array.from({ length: 21 }, (_, k) => k / 20);

export type SetMetrics =
  | ({ task: "classification"; count: number; samples: number; mutualInformation: number } & ClassificationMetrics)
  | ({ task: "regression"; count: number; samples: number } & RegressionMetrics);

export interface ScoreOptions {
  samples: number; batch: number; draw?: number; executors?: readonly SampleExecutor[]; onChunk?: (done: number, total: number) => void;
  /** See PredictOptions.between: awaited after each chunk; true stops the pass (PredictionStopped). */
  between?: () => Promise<boolean>;
}

const HALF_LOG_2PI = 0.9189385332046727;

/** Gathers rows `indices` of `set` (inputs and targets). */
export function gatherSet(set: ExampleSet, indices: ArrayLike<number>): { x: Float32Array; y: Int32Array | Float32Array } {
  const n = indices.length;
  const x = new Float32Array(n * set.inputSize), y = set.task === "classification" ? new Int32Array(n) : new Float32Array(n);
  set.gather(indices, 0, n, x, y);
  return { x, y };
}

/** Regression metrics of predictions against targets (logs in wasm). */
export function regressionMetrics(rt: Runtime, p: RowPrediction, y: ArrayLike<number>): RegressionMetrics {
  const n = y.length;
  if (p.task !== "regression" || p.rows !== n || p.outputs !== 1) throw new ArgumentError(`regression metrics need one prediction per target: ${p.rows} x ${p.outputs} for ${n} targets`);
  if (n === 0) throw new ArgumentError("regression metrics need at least one example");
  const logStd = rt.arena.scoped(() => {
    const T = rt.arena.f32From(p.stdTotal!), L = rt.arena.f32(n);
    rt.wasm.math_map(1, T.ptr, L.ptr, n, 0); // log
    return L.toArray();
  });
  let se = 0, nll = 0, inside = 0, width = 0;
  for (let i = 0; i < n; i++) {
    const r = y[i]! - p.mean[i]!, sd = p.stdTotal![i]!, z = r / sd;
    se += r * r;
    nll += 0.5 * z * z + logStd[i]! + HALF_LOG_2PI;
    if (Math.abs(r) <= 1.96 * sd) inside++;
    width += 1.96 * sd;
  }
  return { n, rmse: Math.sqrt(se / n), nll: nll / n, coverage95: inside / n, halfWidth95: width / n, coverageCurve: coverageCurve(rt, p, y) };
}

/** Observed coverage of the central Gaussian predictive intervals at COVERAGE_LEVELS (wasm interval_coverage). */
export function coverageCurve(rt: Runtime, p: RowPrediction, y: ArrayLike<number>): { nominal: number[]; observed: number[] } {
  const n = y.length, m = COVERAGE_LEVELS.length;
  const observed = rt.arena.scoped(() => {
    const M = rt.arena.f32From(p.mean), S = rt.arena.f32From(p.stdTotal!), Y = rt.arena.f32From(Array.from(y));
    const L = rt.arena.alloc(m * 8), O = rt.arena.alloc(m * 8);
    new Float64Array(rt.memory.buffer, L, m).set(COVERAGE_LEVELS);
    rt.wasm.interval_coverage(M.ptr, S.ptr, Y.ptr, n, L, m, O);
    return Array.from(new Float64Array(rt.memory.buffer, O, m));
  });
  return { nominal: [...COVERAGE_LEVELS], observed };
}

/** The prediction of `model` for rows `indices` of `set`, with their targets. */
export async function predictSet(rt: Runtime, model: KindModel, set: ExampleSet, indices: ArrayLike<number>, o: ScoreOptions): Promise<{ prediction: RowPrediction; targets: Int32Array | Float32Array }> {
  const { x, y } = gatherSet(set, indices);
  const opts = { samples: o.samples, batch: o.batch, draw: o.draw ?? 0, onChunk: o.onChunk, between: o.between };
  // predictRowsParallel runs predictRows itself when there is neither an executor nor a `between`
  const prediction = await predictRowsParallel(rt, model, set.task, o.executors ?? [], x, opts);
  return { prediction, targets: y };
}

/** The task's metrics of `model` on rows `indices` of `set`. */
export async function scoreSet(rt: Runtime, model: KindModel, set: ExampleSet, indices: ArrayLike<number>, o: ScoreOptions): Promise<SetMetrics> {
  const { prediction, targets } = await predictSet(rt, model, set, indices, o);
  return metricsOf(rt, prediction, targets);
}

/** The metrics of a prediction against its targets. */
export function metricsOf(rt: Runtime, p: RowPrediction, y: Int32Array | Float32Array): SetMetrics {
  if (p.task === "classification") {
    const m = classificationMetrics(rt, p.mean, y, p.outputs);
    const mean = (a: Float32Array) => { let s = 0; for (const v of a) s += v; return s / Math.max(1, a.length); };
    return { task: "classification", count: p.rows, samples: p.samples, ...m, entropy: mean(p.entropy!), mutualInformation: mean(p.mutualInformation!) };
  }
  return { task: "regression", count: p.rows, samples: p.samples, ...regressionMetrics(rt, p, y) };
}
