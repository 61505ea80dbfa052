// The default toy1d preset (what `npm start` trains: the tabular kind on its embedded toy1d
// points, no head, the last layer's weights diffuse) at seed 0, the paper's Fig. 2 task: after the
// full default training, the 95 % predictive band holds the true function cos(x) on >= 90 % of the
// grid over [-1, 9] (gap (2, 6) included), >= 90 % of the 200 fresh held-out points, with a mean
// half-width <= 0.35 at the data (noise std 0.1). The run is deterministic (same bits in every
// runtime), so these are the measured numbers of one fixed run; the thresholds are the issue's
// targets (bench/toy1d.mjs measures the medians over seeds). The prior predictive (hypernetwork
// drift switched off, same w_0) is wider at the data than the posterior's: training the drift
// is what narrows the band there. The ODE limit (sigma 0) of the same preset has no epistemic
// band at all, so its true-function coverage is far lower: the band above is not the noise alone.
import { describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import { train } from "../../src/api/train.js";
import { resolvePreset } from "../../src/presets/index.js";
import { tabularKind } from "../../src/models/tabular_kind.js";
import { predictiveBand, toy1dBandMetrics } from "../../src/models/tabular_band.js";
import type { TabularRunConfig } from "../../src/models/tabular_config.js";

const mean = (a: Float32Array, keep: (x: number) => boolean, x: Float32Array) => {
  let s = 0, n = 0;
  x.forEach((v, i) => { if (keep(v)) { s += a[i]!; n++; } });
  return s / n;
};
const atData = (x: number) => (x >= 0 && x <= 2) || (x >= 6 && x <= 8);

describe("toy1d default preset (paper Fig. 2)", () => {
  it("seed 0: the band covers cos(x) across the gap, the held-out points, and is narrow at the data", async () => {
    const rt = await freshRuntime();
    const cfg = resolvePreset("toy1d") as TabularRunConfig;
    const data = tabularKind.embeddedData!(rt, cfg)!;
    const model = await train(rt, cfg, { data });
    const test = await model.evaluate(data.test);
    if (test.task !== "regression") throw new Error(test.task);
    const band = predictiveBand(rt, model.net, cfg);
    const m = toy1dBandMetrics(rt, band, cfg);
    expect(m.trueFunctionCoverage95).toBeGreaterThanOrEqual(0.9);
    expect(test.coverage95).toBeGreaterThanOrEqual(0.9);
    expect(test.halfWidth95).toBeLessThanOrEqual(0.35);
    const prior = predictiveBand(rt, model.net, cfg, { prior: true });
    expect(mean(prior.stdFunction, atData, prior.x)).toBeGreaterThan(1.5 * mean(band.stdFunction, atData, band.x));

    const ode = resolvePreset("toy1d-odenet") as TabularRunConfig;
    const odeModel = await train(rt, ode, { data: tabularKind.embeddedData!(rt, ode)! });
    const odeBand = predictiveBand(rt, odeModel.net, ode);
    expect(Math.max(...odeBand.stdFunction)).toBe(0);
    expect(toy1dBandMetrics(rt, odeBand, ode).trueFunctionCoverage95).toBeLessThan(m.trueFunctionCoverage95 - 0.2);
  }, 600_000);
});
