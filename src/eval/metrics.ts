import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { chart } from "../plot/svg.js";

export interface CalibrationBin { lo: number; hi: number; count: number; accuracy: number; confidence: number }

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  nll: number;
  brier: number;
  /** Expected calibration error over equal-width bins of the max probability. */
  ece: number;
  confidence: number;
  entropy: number;
  bins: CalibrationBin[];
}

function checkProbs(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  if (!Number.isInteger(classes) || classes < 1) throw new ArgumentError(`classes must be a positive integer, got ${classes}`);
  const n = labels.length;
  if (probs.length !== n * classes) {
    throw new ArgumentError(`probabilities: expected ${n} x ${classes} = ${n * classes} values for ${n} labels, got ${probs.length}`);
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new ArgumentError(`labels[${i}] = ${y} is not a class index in [0, ${classes})`);
  }
  return n;
}

/** Accuracy, NLL, Brier, ECE (equal-width bins) of predictive probabilities [N x C]. */
export function classificationMetrics(rt: Runtime, probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number, bins = 10): ClassificationMetrics {
  const n = checkProbs(probs, labels, classes);
  if (n === 0) throw new ArgumentError("classificationMetrics needs at least one example");
  if (!Number.isInteger(bins) || bins < 1) throw new ArgumentError(`bins must be a positive integer, got ${bins}`);
  return rt.arena.scoped(() => {
    const P = rt.arena.f32From(probs);
    const L = rt.arena.alloc(n * 4);
    new Int32Array(rt.memory.buffer, L, n).set(Array.from(labels));
    const out = rt.arena.alloc((6 + 3 * bins) * 8);
    rt.wasm.calibration_metrics(P.ptr, L, n, classes, bins, out);
    const o = new Float64Array(rt.memory.buffer, out, 6 + 3 * bins).slice();
    return {
      n, accuracy: o[0]!, nll: o[1]!, brier: o[2]!, ece: o[3]!, confidence: o[4]!, entropy: o[5]!,
      bins: Array.from({ length: bins }, (_, b) => ({
        lo: b / bins, hi: (b + 1) / bins, count: o[6 + 3 * b]!, accuracy: o[7 + 3 * b]!, confidence: o[8 + 3 * b]!,
      })),
    };
  });
}

export interface PredictiveSummary {
  /** Mean probabilities over samples [N x C] (the Bayesian model average). */
  mean: Float32Array;
  entropy: Float32Array;
  mutualInformation: Float32Array;
}

/** Model average and uncertainty decomposition of per-sample probabilities [S x N x C]. */
export function predictiveSummary(rt: Runtime, probs: ArrayLike<number>, samples: number, n: number, classes: number): PredictiveSummary {
  if (probs.length !== samples * n * classes) {
    throw new ArgumentError(`per-sample probabilities: expected ${samples} x ${n} x ${classes} values, got ${probs.length}`);
  }
  return rt.arena.scoped(() => {
    const P = rt.arena.f32From(probs), M = rt.arena.f32(n * classes), H = rt.arena.f32(n), I = rt.arena.f32(n);
    rt.wasm.predictive_summary(P.ptr, samples, n, classes, M.ptr, H.ptr, I.ptr);
    return { mean: M.toArray(), entropy: H.toArray(), mutualInformation: I.toArray() };
  });
}

/**
 * Area under the ROC curve of scores separating positives (expected higher) from negatives:
 * the Mann-Whitney statistic, ties counted one half. Comparisons and integer counting only.
 */
export function auroc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  if (positives.length === 0 || negatives.length === 0) throw new ArgumentError("auroc needs at least one positive and one negative score");
  const all = [...Array.from(positives, (s) => [s, 1] as const), ...Array.from(negatives, (s) => [s, 0] as const)];
  for (const [s] of all) if (Number.isNaN(s)) throw new ArgumentError("auroc: scores contain NaN");
  all.sort((a, b) => a[0] - b[0]);
  // twice the rank sum of positives (average ranks for ties), in integers
  let twiceRankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]![0] === all[i]![0]) j++;
    const twiceAvgRank = i + 1 + j; // ranks i+1 .. j
    for (let k = i; k < j; k++) if (all[k]![1] === 1) twiceRankSum += twiceAvgRank;
    i = j;
  }
  const nP = positives.length, nN = negatives.length;
  return (twiceRankSum - nP * (nP + 1)) / (2 * nP * nN);
}

/** Reliability diagram: accuracy per confidence bin against the diagonal, with bin counts. */
export function reliabilityDiagram(metrics: ClassificationMetrics, title: string): string {
  const used = metrics.bins.filter((b) => b.count > 0);
  return chart({
    title, xLabel: "confidence (max predictive probability)", yLabel: "accuracy",
    xRange: [0, 1], yRange: [0, 1],
    bars: [{ name: "accuracy per bin (count above)", left: used.map((b) => b.lo), right: used.map((b) => b.hi), height: used.map((b) => b.accuracy), color: "#1f77b4",
      labels: used.map((b) => String(b.count)) }],
    series: [
      { name: "perfect calibration", x: [0, 1], y: [0, 1], color: "#333", dashed: true, width: 1 },
      { name: "mean confidence per bin", x: used.map((b) => b.confidence), y: used.map((b) => b.accuracy), color: "#d62728", style: "points" },
    ],
    notes: [`ECE ${(100 * metrics.ece).toFixed(2)} %  accuracy ${(100 * metrics.accuracy).toFixed(2)} %  N ${metrics.n}`],
  });
}
