// Figures of a finished run, written next to its metrics: the learning curve (every kind), the
// reliability diagram with its bin counts (classification), predicted-vs-actual with 95 % intervals
// and the interval-coverage curve (regression), and the kind's own figures (a 1-feature regression's prior and posterior band).
import { join } from "node:path";
import type { Runtime } from "../runtime/load.js";
import type { ExampleSet } from "../models/kind.js";
import type { RegressionMetrics, SetMetrics } from "../eval/score.js";
import type { RowPrediction } from "../models/predict.js";
import type { RunRecord } from "../train/loop.js";
import type { Trainer } from "../train/trainer.js";
import { reliabilityDiagram } from "../eval/metrics.js";
import { writeFileAtomic } from "./atomic.js";
import { chart } from "../plot/svg.js";

/** Training loss (and validation NLL) against updates. */
export function learningCurve(records: readonly RunRecord[], title: string): string {
  const ok = (v: number) => Number.isFinite(v);
  const val = records.filter((r) => ok(r.valNll));
  return chart({
    title, xLabel: "update", yLabel: "loss",
    series: [
      { name: "training loss", x: records.map((r) => r.step), y: records.map((r) => r.trainLoss), color: "#1f77b4", width: 2 },
      ...(val.length ? [{ name: "validation NLL", x: val.map((r) => r.step), y: val.map((r) => r.valNll), color: "#d62728", width: 2 }] : []),
    ],
  });
}

/** Each test target against its predictive mean, with the 95 % interval as a vertical bar; y = x for reference. */
export function predictedVsActual(p: RowPrediction, y: ArrayLike<number>, m: RegressionMetrics, title: string): string {
  const n = p.rows, mean = p.mean, lo = new Float32Array(n), hi = new Float32Array(n);
  for (let i = 0; i < n; i++) { lo[i] = mean[i]! - 1.96 * p.stdTotal![i]!; hi[i] = mean[i]! + 1.96 * p.stdTotal![i]!; }
  let a = Infinity, b = -Infinity;
  for (let i = 0; i < n; i++) { a = Math.min(a, y[i]!, lo[i]!); b = Math.max(b, y[i]!, hi[i]!); }
  return chart({
    title, xLabel: "actual", yLabel: "predicted (mean, 95 % interval)",
    intervals: [{ name: "95 % interval", x: y, lo, hi, color: "#1f77b4" }],
    series: [
      { name: "y = x", x: [a, b], y: [a, b], color: "#333", dashed: true, width: 1 },
      { name: "predictive mean", x: y, y: mean, color: "#1f77b4", style: "points" },
    ],
    notes: [`RMSE ${m.rmse.toPrecision(4)}  coverage of the 95 % interval ${(100 * m.coverage95).toFixed(1)} %  N ${m.n}`],
  });
}

/** Observed against nominal coverage of the central predictive intervals; the diagonal is perfect calibration. */
export function coverageCurve(m: RegressionMetrics, title: string): string {
  const c = m.coverageCurve;
  return chart({
    title, xLabel: "nominal coverage", yLabel: "observed coverage (test set)", xRange: [0, 1], yRange: [0, 1],
    series: [
      { name: "perfect calibration", x: [0, 1], y: [0, 1], color: "#333", dashed: true, width: 1 },
      { name: "observed", x: c.nominal, y: c.observed, color: "#d62728", style: "both" },
    ],
    notes: [`N ${m.n}`],
  });
}

/** The test set's prediction and targets, for the regression figures. */
export interface TestPrediction { prediction: RowPrediction; targets: ArrayLike<number> }

/** Writes the run's figures into `dir` (with the evaluation weights in place); returns their paths. */
export async function runFigures(rt: Runtime, dir: string, t: Trainer, data: { train: ExampleSet; test: ExampleSet },
                                 test: SetMetrics, records: readonly RunRecord[], pred?: TestPrediction): Promise<string[]> {
  const figs: { file: string; svg: string }[] = [{ file: "learning_curve.svg", svg: learningCurve(records, `${t.cfg.kind}: learning curve`) }];
  if (test.task === "classification") figs.push({ file: "reliability.svg", svg: reliabilityDiagram(test, `${t.cfg.kind}: reliability on the test set (${test.samples} samples)`) });
  else {
    if (pred) figs.push({ file: "predicted_vs_actual.svg", svg: predictedVsActual(pred.prediction, pred.targets, test, `${t.cfg.kind}: test set, predicted vs actual (${test.samples} samples)`) });
    figs.push({ file: "coverage.svg", svg: coverageCurve(test, `${t.cfg.kind}: interval coverage on the test set`) });
  }
  figs.push(...(t.kind.figures?.(rt, t.cfg, t.model, data) ?? []));
  const paths: string[] = [];
  for (const f of figs) {
    const p = join(dir, f.file);
    await writeFileAtomic(p, f.svg);
    paths.push(p);
  }
  return paths;
}
