// Metric formulas against hand-computed cases.
import { describe, expect, it } from "vitest";
import { auroc, classificationMetrics, predictiveSummary } from "../../src/eval/metrics.js";
import { freshRuntime } from "../helpers/wasm.js";

const close = (a: number, b: number, tol = 1e-6) => expect(Math.abs(a - b)).toBeLessThan(tol);

describe("classification metrics", () => {
  it("a hand-computed 4-example, 3-class case (incl. empty bins and confidence exactly 1)", async () => {
    const rt = await freshRuntime();
    // binary fractions: exact in f32, so the bin boundaries are unambiguous
    const p = [
      1.0, 0.0, 0.0, // conf 1 (top bin (0.9, 1]), correct
      0.125, 0.75, 0.125, // conf 0.75 (bin 7: (0.7, 0.8]), correct
      0.5, 0.25, 0.25, // conf 0.5 (bin 4: (0.4, 0.5]), wrong (label 2)
      0.3125, 0.3125, 0.375, // conf 0.375 (bin 3: (0.3, 0.4]), wrong (label 0)
    ];
    const y = [0, 1, 2, 0];
    const m = classificationMetrics(rt, p, y, 3, 10);
    close(m.accuracy, 0.5);
    close(m.nll, -(Math.log(1) + Math.log(0.75) + Math.log(0.25) + Math.log(0.3125)) / 4);
    const brier = [0, 0.125 ** 2 + 0.25 ** 2 + 0.125 ** 2, 0.25 + 0.0625 + 0.5625, 0.6875 ** 2 + 0.3125 ** 2 + 0.375 ** 2];
    close(m.brier, brier.reduce((a, b) => a + b) / 4);
    // ECE = 1/4 (|1 - 1| + |1 - 0.75| + |0 - 0.5| + |0 - 0.375|)
    close(m.ece, (0 + 0.25 + 0.5 + 0.375) / 4);
    close(m.confidence, (1 + 0.75 + 0.5 + 0.375) / 4);
    expect(m.bins.map((b) => b.count)).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
    expect(m.bins[9]!.accuracy).toBe(1);
    expect(m.bins[0]).toEqual({ lo: 0, hi: 0.1, count: 0, accuracy: 0, confidence: 0 });
  });
  it("ties in the arg max go to the lowest class; bad labels are typed errors", async () => {
    const rt = await freshRuntime();
    expect(classificationMetrics(rt, [0.5, 0.5], [0], 2).accuracy).toBe(1);
    expect(classificationMetrics(rt, [0.5, 0.5], [1], 2).accuracy).toBe(0);
    expect(() => classificationMetrics(rt, [0.5, 0.5], [2], 2)).toThrow(/labels\[0\] = 2 is not a class index in \[0, 2\)/);
    expect(() => classificationMetrics(rt, [0.5, 0.5, 0.1], [1], 2)).toThrow(/expected 1 x 2 = 2 values/);
  });
});

describe("predictive summary", () => {
  it("mean of probabilities, entropy and mutual information", async () => {
    const rt = await freshRuntime();
    // two samples that disagree confidently: mean uniform, H = log 2, E[H] = 0 -> MI = log 2
    // one input where both samples agree on (0.5, 0.5): H = log 2, MI = 0
    const probs = [1, 0, 0.5, 0.5, /* sample 2 */ 0, 1, 0.5, 0.5];
    const s = predictiveSummary(rt, probs, 2, 2, 2);
    expect(Array.from(s.mean)).toEqual([0.5, 0.5, 0.5, 0.5]);
    close(s.entropy[0]!, Math.log(2));
    close(s.mutualInformation[0]!, Math.log(2));
    close(s.entropy[1]!, Math.log(2));
    close(s.mutualInformation[1]!, 0);
  });
});

describe("AUROC", () => {
  it("perfect, reversed, random-tie and hand-counted cases", () => {
    expect(auroc([3, 4], [1, 2])).toBe(1);
    expect(auroc([1, 2], [3, 4])).toBe(0);
    expect(auroc([1, 1], [1, 1])).toBe(0.5);
    // pairs: (2>1) (2<3) (4>1) (4>3) -> 3 of 4
    expect(auroc([2, 4], [1, 3])).toBe(0.75);
    // a tie counts one half: (2=2) (2>1) -> 1.5 of 2
    expect(auroc([2], [2, 1])).toBe(0.75);
    expect(() => auroc([], [1])).toThrow(/at least one positive/);
  });
});
