import type { Runtime } from "../runtime/load.js";
import { Stream, streamId, type Randomness } from "../random/randomness.js";
import { chart } from "../plot/svg.js";
import { sampleTargets, type Toy1dData, type Toy1dModel } from "./toy1d.js";

export interface Toy1dPrediction {
  x: Float32Array;
  mean: Float32Array;
  /** Std of the function samples (epistemic) and of the predictive (with observation noise). */
  stdFunction: Float32Array;
  stdPredictive: Float32Array;
  /** A few function samples for plotting: [k][x]. */
  samples: Float32Array[];
}

/** Predictive distribution on a grid: S function samples, their mean and spread (wasm moments). */
export function predictToy1d(rt: Runtime, model: Toy1dModel, x: Float32Array, S: number, draw: number): Toy1dPrediction {
  const f = model.sampleFunctions(x, S, draw);
  const N = x.length;
  return rt.arena.scoped(() => {
    const F = rt.arena.f32From(f), M = rt.arena.f32(N), SD = rt.arena.f32(N), tot = rt.arena.f32(N);
    // observation noise variance of the likelihood: s^2 (Gaussian), 2 b^2 (Laplace)
    const s = model.cfg.train.likelihoodScale;
    const noiseVar = model.cfg.train.likelihood === "gaussian" ? s * s : 2 * s * s;
    rt.wasm.sample_moments(F.ptr, S, N, M.ptr, SD.ptr, 0);
    rt.wasm.sample_moments(F.ptr, S, N, M.ptr, tot.ptr, noiseVar);
    return {
      x: x.slice(), mean: M.toArray(), stdFunction: SD.toArray(), stdPredictive: tot.toArray(),
      samples: Array.from({ length: Math.min(S, 12) }, (_, k) => f.slice(k * N, (k + 1) * N)),
    };
  });
}

export interface Toy1dMetrics {
  /** Fraction of held-out points (fresh draws in the data ranges) inside the 95 % predictive band. */
  coverage95: number;
  heldOut: number;
  /** Mean predictive std inside the gap and at the data ranges, and their ratio. */
  stdGap: number;
  stdData: number;
  gapToDataStdRatio: number;
  /** The same for the function (epistemic) std. */
  epistemicGapToDataRatio: number;
  /** Mean NLL of the held-out points under the Gaussian predictive. */
  heldOutRmse: number;
}

export function toy1dMetrics(rt: Runtime, model: Toy1dModel, rand: Randomness, S: number): { metrics: Toy1dMetrics; pred: Toy1dPrediction; held: Toy1dData } {
  const cfg = model.cfg;
  const [r0, r1] = [cfg.data.ranges[0]!, cfg.data.ranges[cfg.data.ranges.length - 1]!];
  // held-out inputs: an even grid over each data range, fresh observation noise
  const xs: number[] = [];
  for (const [a, b] of cfg.data.ranges) for (let i = 0; i < 100; i++) xs.push(a + ((b - a) * (i + 0.5)) / 100);
  const held = sampleTargets(rt, rand, Float32Array.from(xs), cfg.data.noiseStd, streamId(Stream.data, 1));
  const ph = predictToy1d(rt, model, held.x, S, 0);
  let inside = 0, se = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs(held.y[i]! - ph.mean[i]!);
    if (d <= 1.96 * ph.stdPredictive[i]!) inside++;
    se += d * d;
  }
  const gapLo = r0[1], gapHi = cfg.data.ranges[1]![0];
  const grid: number[] = [];
  for (let i = 0; i <= 200; i++) grid.push(r0[0] - 1 + ((r1[1] + 1 - (r0[0] - 1)) * i) / 200);
  const pred = predictToy1d(rt, model, Float32Array.from(grid), S, 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const inGap = (x: number) => x > gapLo && x < gapHi;
  const inData = (x: number) => cfg.data.ranges.some(([a, b]) => x >= a && x <= b);
  const pick = (arr: Float32Array, f: (x: number) => boolean) => grid.map((x, i) => [x, arr[i]!] as const).filter(([x]) => f(x)).map(([, v]) => v);
  const stdGap = mean(pick(pred.stdPredictive, inGap)), stdData = mean(pick(pred.stdPredictive, inData));
  const eGap = mean(pick(pred.stdFunction, inGap)), eData = mean(pick(pred.stdFunction, inData));
  return {
    metrics: {
      coverage95: inside / xs.length, heldOut: xs.length, stdGap, stdData, gapToDataStdRatio: stdGap / stdData,
      epistemicGapToDataRatio: eGap / eData, heldOutRmse: Math.sqrt(se / xs.length),
    },
    pred, held,
  };
}

/** The paper's Fig. 2: data, predictive mean, 95 % band and sampled functions. */
export function toy1dFigure(pred: Toy1dPrediction, data: Toy1dData, title: string): string {
  const lo = Array.from(pred.mean, (m, i) => m - 1.96 * pred.stdPredictive[i]!);
  const hi = Array.from(pred.mean, (m, i) => m + 1.96 * pred.stdPredictive[i]!);
  return chart({
    title, xLabel: "x", yLabel: "y",
    bands: [{ name: "95 % predictive band", x: pred.x, lo, hi, color: "#1f77b4", opacity: 0.2 }],
    series: [
      ...pred.samples.map((s, k) => ({ name: k === 0 ? "posterior samples" : "", x: pred.x, y: s, color: "#7f7f7f", width: 1, opacity: 0.5 })),
      { name: "predictive mean", x: pred.x, y: pred.mean, color: "#1f77b4", width: 2.5 },
      { name: "cos(x)", x: pred.x, y: Array.from(pred.x, Math.cos), color: "#2ca02c", dashed: true, width: 1.5 },
      { name: "training data", x: data.x, y: data.y, color: "#d62728", style: "points" as const },
    ],
  });
}
