// The predictive band of a 1-feature regression model on an even grid of x (paper Fig. 2): the
// prior predictive (hypernetwork drift switched off, same w_0) beside the posterior predictive,
// and, on the embedded toy1d points, how well the band holds the true function cos(x).
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { panels, type ChartSpec } from "../plot/svg.js";
import { encodeRecords } from "../data/table_schema.js";
import { predictRows } from "./predict.js";
import type { KindModel } from "./kind.js";
import { TabularModel } from "./tabular.js";
import type { TabularRunConfig } from "./tabular_config.js";
import { trueFunction, type Toy1dDataConfig } from "./toy1d_data.js";

export interface PredictiveBand {
  /** The grid (raw x). */
  x: Float32Array;
  mean: Float32Array;
  /** Std of the function samples (epistemic) and of the predictive (with observation noise). */
  stdFunction: Float32Array;
  stdPredictive: Float32Array;
  /** A few function samples for plotting: [k][x]. */
  samples: Float32Array[];
}

export interface Toy1dBandMetrics {
  /** Mean predictive std inside the gap and at the data ranges, and their ratio. */
  stdGap: number;
  stdData: number;
  gapToDataStdRatio: number;
  /** The same for the function (epistemic) std. */
  epistemicGapToDataRatio: number;
  /** Share of the grid (gap included) where the true function cos(x) lies inside the 95 % band. */
  trueFunctionCoverage95: number;
}

export interface BandOptions {
  /** Monte-Carlo samples (default: eval.samples). */
  samples?: number;
  /** Grid points (default 201) over `range` (default on the toy1d points: [first range start - 1, last range end + 1]). */
  points?: number;
  range?: readonly [number, number];
  /** Evaluation noise draw (default 1). */
  draw?: number;
  /** The PRIOR predictive: weights from the prior SDE (same w_0, no hypernetwork drift). */
  prior?: boolean;
}

/** data.toy1d of a config on the embedded toy1d points (ArgumentError for other data). */
export function toy1dData(cfg: TabularRunConfig): Toy1dDataConfig {
  if (cfg.data.dataset !== "toy1d" || !cfg.data.toy1d) throw new ArgumentError(`the toy1d band metrics need a model trained on data.dataset "toy1d", got ${JSON.stringify(cfg.data.dataset)}`);
  return cfg.data.toy1d;
}

/** True for a regression model of one numeric feature (the models whose band can be drawn). */
export function hasOneFeature(cfg: TabularRunConfig): boolean {
  const f = cfg.data.schema.features;
  return f.length === 1 && f[0]!.type === "numeric" && cfg.data.schema.target.classes.length === 0;
}

/** The predictive band of a 1-feature regression model on an even grid over `range`. */
export function predictiveBand(rt: Runtime, model: KindModel, cfg: TabularRunConfig, o: BandOptions = {}): PredictiveBand {
  if (!(model instanceof TabularModel) || !hasOneFeature(cfg)) throw new ArgumentError("a predictive band needs a tabular regression model of one numeric feature");
  const r = o.range ?? (() => { const t = toy1dData(cfg).ranges; return [t[0]![0]! - 1, t[t.length - 1]![1]! + 1] as const; })();
  const [lo, hi] = r, samples = o.samples ?? cfg.eval.samples, points = o.points ?? 201, draw = o.draw ?? 1;
  const x = Float32Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const name = cfg.data.schema.features[0]!.name;
  const encoded = encodeRecords(Array.from(x, (v) => ({ [name]: v })), cfg.data.schema, "band grid");
  const run = () => predictRows(rt, model, "regression", encoded, { samples, batch: cfg.eval.batch, draw, perSample: true });
  const p = o.prior ? model.asPrior(run) : run();
  const n = x.length;
  return {
    x, mean: p.mean, stdFunction: p.stdEpistemic!, stdPredictive: p.stdTotal!,
    samples: Array.from({ length: Math.min(samples, 12) }, (_, k) => p.sampleOutputs!.slice(k * n, (k + 1) * n)),
  };
}

/** The band against the toy1d data: std in the gap vs at the data, and the true function's coverage. */
export function toy1dBandMetrics(rt: Runtime, band: PredictiveBand, cfg: TabularRunConfig): Toy1dBandMetrics {
  const ranges = toy1dData(cfg).ranges;
  const inData = (x: number) => ranges.some(([a, b]) => x >= a! && x <= b!);
  const inGap = (x: number) => !inData(x) && x > ranges[0]![0]! && x < ranges[ranges.length - 1]![1]!;
  const cos = trueFunction(rt, band.x);
  const mean = (f: (x: number) => boolean, a: Float32Array) => {
    let s = 0, k = 0;
    band.x.forEach((x, i) => { if (f(x)) { s += a[i]!; k++; } });
    return s / Math.max(1, k);
  };
  let covered = 0;
  band.x.forEach((_, i) => { if (Math.abs(cos[i]! - band.mean[i]!) <= 1.96 * band.stdPredictive[i]!) covered++; });
  const stdGap = mean(inGap, band.stdPredictive), stdData = mean(inData, band.stdPredictive);
  return {
    stdGap, stdData, gapToDataStdRatio: stdGap / stdData,
    epistemicGapToDataRatio: mean(inGap, band.stdFunction) / mean(inData, band.stdFunction),
    trueFunctionCoverage95: covered / band.x.length,
  };
}

/** Raw points of a plot: x and y, and the true function's values at the grid when it is known. */
export interface BandData { x: ArrayLike<number>; y: ArrayLike<number>; truth?: { name: string; y: ArrayLike<number> } }

/** One panel of Fig. 2: data, predictive mean, 95 % band and sampled functions. */
function panel(band: PredictiveBand, data: BandData, title: string, which: string, yRange: [number, number], labels: [string, string]): ChartSpec {
  const lo = Array.from(band.mean, (m, i) => m - 1.96 * band.stdPredictive[i]!);
  const hi = Array.from(band.mean, (m, i) => m + 1.96 * band.stdPredictive[i]!);
  return {
    title, xLabel: labels[0], yLabel: labels[1], yRange, xRange: [band.x[0]!, band.x[band.x.length - 1]!],
    bands: [{ name: "95 % predictive band", x: band.x, lo, hi, color: "#1f77b4", opacity: 0.2 }],
    series: [
      ...band.samples.map((s, k) => ({ name: k === 0 ? `${which} samples` : "", x: band.x, y: s, color: "#7f7f7f", width: 1, opacity: 0.5 })),
      { name: "predictive mean", x: band.x, y: band.mean, color: "#1f77b4", width: 2.5 },
      ...(data.truth ? [{ name: data.truth.name, x: band.x, y: data.truth.y, color: "#2ca02c", dashed: true, width: 1.5 }] : []),
      { name: "training data", x: data.x, y: data.y, color: "#d62728", style: "points" as const },
    ],
  };
}

/**
 * The paper's Fig. 2: the PRIOR predictive (weights from the prior SDE started at w_0) beside the
 * POSTERIOR predictive, on the same axes (y: the data's range with 60 % of its span either side).
 */
export function bandFigure(bands: { prior: PredictiveBand; posterior: PredictiveBand }, data: BandData, label: string, labels: [string, string] = ["x", "y"]): string {
  let a = Infinity, b = -Infinity;
  for (let i = 0; i < data.y.length; i++) { a = Math.min(a, data.y[i]!); b = Math.max(b, data.y[i]!); }
  const span = Number.isFinite(b - a) && b > a ? b - a : 1;
  const yRange: [number, number] = [a - 0.6 * span, b + 0.6 * span];
  return panels([
    panel(bands.prior, data, `Prior predictive (${label})`, "prior", yRange, labels),
    panel(bands.posterior, data, `Posterior predictive (${label})`, "posterior", yRange, labels),
  ]);
}
