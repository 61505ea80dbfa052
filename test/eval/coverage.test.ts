// The regression figures' coverage curve: the wasm normal quantile against published values of
// Phi^-1, interval_coverage against a direct f64 count, and, for targets drawn from the predictive
// distribution itself (fixed-seed normals), observed coverage within binomial bounds of nominal.
import { describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { COVERAGE_LEVELS, coverageCurve } from "../../src/eval/score.js";
import type { RowPrediction } from "../../src/models/predict.js";

// Phi^-1(p) to 16 digits (e.g. scipy.special.ndtri; Abramowitz & Stegun table 26.5)
const PUBLISHED: [number, number][] = [
  [0.5, 0], [0.975, 1.959963984540054], [0.995, 2.5758293035489004], [0.9, 1.2815515655446004],
  [0.841344746068543, 1.0000000000000002], [0.001, -3.090232306167813], [0.02, -2.053748910631823],
  [0.03, -1.880793608151251], [1e-10, -6.361340902404056], [0.6, 0.2533471031357997],
];

const regression = (mean: number[], std: number[]): RowPrediction => ({
  task: "regression", rows: mean.length, samples: 1, outputs: 1, mean: Float32Array.from(mean), entropy: null, mutualInformation: null,
  stdEpistemic: Float32Array.from(std), stdAleatoric: new Float32Array(mean.length), stdTotal: Float32Array.from(std), sampleOutputs: null,
});

describe("interval coverage", () => {
  it("normal_quantile matches published Phi^-1 values to 1.2e-9 relative, is odd and monotone, infinite at 0 and 1", async () => {
    const rt = await freshRuntime();
    for (const [p, z] of PUBLISHED) {
      expect(Math.abs(rt.wasm.normal_quantile(p) - z), `p = ${p}`).toBeLessThanOrEqual(1.2e-9 * Math.max(1e-3, Math.abs(z)));
      // odd about 1/2 (1 - p itself is rounded: the far tail is left out)
      if (p > 1e-6) expect(Math.abs(rt.wasm.normal_quantile(1 - p) + rt.wasm.normal_quantile(p))).toBeLessThan(3e-9 * Math.max(1, Math.abs(z)));
    }
    let prev = -Infinity;
    for (let k = 1; k < 1000; k++) { const z = rt.wasm.normal_quantile(k / 1000); expect(z).toBeGreaterThan(prev); prev = z; }
    expect(rt.wasm.normal_quantile(0)).toBe(-Infinity);
    expect(rt.wasm.normal_quantile(1)).toBe(Infinity);
    expect(rt.wasm.normal_quantile(NaN)).toBeNaN();
  });

  it("interval_coverage equals a direct count at every level (0 at level 0, 1 at level 1)", async () => {
    const rt = await freshRuntime();
    const g = gaussianStream(5), n = 57;
    const mean = Array.from({ length: n }, () => Math.fround(g())), std = Array.from({ length: n }, () => Math.fround(0.2 + Math.abs(g())));
    const y = mean.map((m, i) => Math.fround(m + 1.3 * std[i]! * g()));
    const c = coverageCurve(rt, regression(mean, std), y);
    expect(c.nominal).toEqual(COVERAGE_LEVELS);
    c.nominal.forEach((q, k) => {
      const z = rt.wasm.normal_quantile((1 + q) / 2);
      const direct = y.filter((yi, i) => Math.abs(yi - mean[i]!) <= z * std[i]!).length / n;
      expect(c.observed[k], `level ${q}`).toBe(direct);
    });
    expect(c.observed[0]).toBe(0);
    expect(c.observed[20]).toBe(1);
  });

  it("targets drawn from the predictive: observed coverage within 4 binomial sigmas of nominal (n = 4000)", async () => {
    const rt = await freshRuntime();
    const g = gaussianStream(77), n = 4000;
    const mean = Array.from({ length: n }, () => 3 * g()), std = Array.from({ length: n }, (_, i) => 0.5 + (i % 7) / 4);
    const y = mean.map((m, i) => m + std[i]! * g());
    const c = coverageCurve(rt, regression(mean, std), y);
    c.nominal.forEach((q, k) => expect(Math.abs(c.observed[k]! - q), `level ${q}`).toBeLessThanOrEqual(4 * Math.sqrt(q * (1 - q) / n) + 1e-12));
  });
});
