// The toy 1D model's own report: the predictive band on a grid over the data and the gap (paper
// Fig. 2), with the mean predictive std inside the gap and at the data.
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { panels, type ChartSpec } from "../plot/svg.js";
import { Toy1dModel } from "./toy1d.js";
import { predictRows } from "./predict.js";
import type { KindModel } from "./kind.js";
import type { Toy1dRunConfig } from "./toy1d_config.js";

export interface Toy1dBand {
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
  /** Grid points (default 201) over `range` (default: [first range start - 1, last range end + 1]). */
  points?: number;
  range?: readonly [number, number];
  /** Evaluation noise draw (default 1). */
  draw?: number;
  /** The PRIOR predictive: weights from the prior SDE (OU from the same w_0, no hypernetwork drift). */
  prior?: boolean;
}

/** The predictive band on an even grid over and beyond the data. */
export function toy1dBand(rt: Runtime, model: KindModel, cfg: Toy1dRunConfig, o: BandOptions = {}): Toy1dBand {
  const r = cfg.data.ranges;
  const [lo, hi] = o.range ?? [r[0]![0]! - 1, r[r.length - 1]![1]! + 1];
  const samples = o.samples ?? cfg.eval.samples, points = o.points ?? 201, draw = o.draw ?? 1;
  const x = Float32Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const run = () => predictRows(rt, model, "regression", x, { samples, batch: cfg.eval.batch, draw, perSample: true });
  if (o.prior && !(model instanceof Toy1dModel)) throw new ArgumentError("the prior predictive needs a toy1d model");
  const p = o.prior ? (model as Toy1dModel).asPrior(run) : run();
  const n = x.length;
  return {
    x, mean: p.mean, stdFunction: p.stdEpistemic!, stdPredictive: p.stdTotal!,
    samples: Array.from({ length: Math.min(samples, 12) }, (_, k) => p.sampleOutputs!.slice(k * n, (k + 1) * n)),
  };
}

export function toy1dBandMetrics(rt: Runtime, band: Toy1dBand, cfg: Toy1dRunConfig): Toy1dBandMetrics {
  const ranges = cfg.data.ranges;
  const inData = (x: number) => ranges.some(([a, b]) => x >= a! && x <= b!);
  const inGap = (x: number) => !inData(x) && x > ranges[0]![0]! && x < ranges[ranges.length - 1]![1]!;
  const cos = rt.arena.scoped(() => {
    const X = rt.arena.f32From(band.x), E = rt.arena.f32(band.x.length), Y = rt.arena.f32(band.x.length);
    rt.wasm.toy1d_targets(X.ptr, E.ptr, Y.ptr, band.x.length, 0); // cos(x) in wasm (zero noise)
    return Y.toArray();
  });
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

/** One panel of Fig. 2: data, predictive mean, 95 % band and sampled functions. */
function panel(band: Toy1dBand, data: { x: Float32Array; y: Float32Array }, title: string, which: string, yRange: [number, number]): ChartSpec {
  const lo = Array.from(band.mean, (m, i) => m - 1.96 * band.stdPredictive[i]!);
  const hi = Array.from(band.mean, (m, i) => m + 1.96 * band.stdPredictive[i]!);
  return {
    title, xLabel: "x", yLabel: "y", yRange, xRange: [band.x[0]!, band.x[band.x.length - 1]!],
    bands: [{ name: "95 % predictive band", x: band.x, lo, hi, color: "#1f77b4", opacity: 0.2 }],
    series: [
      ...band.samples.map((s, k) => ({ name: k === 0 ? `${which} samples` : "", x: band.x, y: s, color: "#7f7f7f", width: 1, opacity: 0.5 })),
      { name: "predictive mean", x: band.x, y: band.mean, color: "#1f77b4", width: 2.5 },
      { name: "cos(x)", x: band.x, y: Array.from(band.x, Math.cos), color: "#2ca02c", dashed: true, width: 1.5 },
      { name: "training data", x: data.x, y: data.y, color: "#d62728", style: "points" as const },
    ],
  };
}

/**
 * The paper's Fig. 2: the PRIOR predictive (weights from the OU prior SDE started at w_0) beside the
 * POSTERIOR predictive, on the same axes.
 */
export function toy1dFigure(bands: { prior: Toy1dBand; posterior: Toy1dBand }, data: { x: Float32Array; y: Float32Array }, label: string): string {
  const yRange: [number, number] = [-2.5, 2.5];
  return panels([
    panel(bands.prior, data, `Prior predictive (${label})`, "prior", yRange),
    panel(bands.posterior, data, `Posterior predictive (${label})`, "posterior", yRange),
  ]);
}
