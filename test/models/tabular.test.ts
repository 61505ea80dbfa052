// The tabular kind end to end through trainRun and loadModel: a CSV with numeric and categorical
// columns (generated here from a known function with a fixed-seed generator), the schema fitted on
// the training part, raw rows predicted by a loaded checkpoint with the bits of the training
// process, and a fit that beats the target's own spread by a wide margin.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshRuntime } from "../helpers/wasm.js";
import { trainRun } from "../../src/node/run.js";
import { loadTabularData, prepareTabular } from "../../src/node/tabular_data.js";
import { ArgumentError, DataError } from "../../src/runtime/errors.js";
import { resolveRunConfig } from "../../src/models/registry.js";
import type { TabularRunConfig } from "../../src/models/tabular_config.js";
import { loadModel } from "../../src/api/model.js";
import { gatherSet } from "../../src/eval/score.js";
import { predictRows } from "../../src/models/predict.js";
import { allIndices } from "../../src/data/examples.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { HETERO_STD, heteroCsv, regressionCsv } from "../helpers/tables.js";
import { decodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { CheckpointError } from "../../src/runtime/errors.js";

const SETS = ["model.width=16", "model.nnHidden=8", "model.steps=4", "train.epochs=150", "train.batch=32", "train.lr=1e-2", "eval.samples=8", "model.sigma=0.05"];

describe("tabular kind", () => {
  it("regression: fits a known function, predicts raw rows after loadModel with the same bits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-tab-"));
    const file = join(dir, "train.csv");
    writeFileSync(file, regressionCsv(200));
    const cfg = prepareTabular(resolveRunConfig({ kind: "tabular", data: { file, target: "y" } }, SETS) as TabularRunConfig);
    expect(cfg.data.schema.features.map((f) => [f.name, f.type])).toEqual([["a", "numeric"], ["b", "numeric"], ["c", "categorical"]]);
    expect(cfg.data.schema.features[2]!.categories).toEqual(["u", "v", "w"]);
    expect(cfg.data.task).toBe("regression");
    const rt = await freshRuntime();
    const res = await trainRun(rt, cfg, { out: join(dir, "run") });
    const t = res.test!;
    if (t.task !== "regression") throw new Error(t.task);
    expect(t.count).toBe(20);
    // y's std is about 2.4; the noise is 0.1
    expect(t.rmse).toBeLessThan(0.5);
    const model = await loadModel(await freshRuntime(), new Uint8Array(readFileSync(join(dir, "run", "checkpoint.safetensors"))));
    const rows = [{ a: 0.5, b: -1, c: "u" }, { a: "-0.25", b: "0", c: "w" }];
    const p = model.predict(rows, { samples: 8 });
    if (p.task !== "regression") throw new Error(p.task);
    expect(Math.abs(p.mean[0]! - (2 * 0.5 + 1 + 1.5))).toBeLessThan(0.6);
    expect(Math.abs(p.mean[1]! - (-0.5))).toBeLessThan(0.6);
    expect(p.aleatoricStd[0]).toBeGreaterThan(0.02);
    expect(p.aleatoricStd[0]).toBeLessThan(0.6);
    // the loaded checkpoint scores the test part with the training process's bits
    const again = await model.evaluate(loadTabularData(cfg).test);
    if (again.task !== "regression") throw new Error(again.task);
    expect(again.rmse).toBe(t.rmse);
    expect(again.nll).toBe(t.nll);
    // the figures next to the metrics: the coverage curve in results.json is a direct count over
    // the test rows' predictions (the loaded model's, same bits), the SVGs hold the points
    expect(res.figures.map((f) => f.slice(dir.length + 5)).sort()).toEqual(["coverage.svg", "learning_curve.svg", "predicted_vs_actual.svg"]);
    const results = JSON.parse(readFileSync(join(dir, "run", "results.json"), "utf8"));
    const { x, y } = gatherSet(loadTabularData(cfg).test, allIndices(20));
    const rt2 = await freshRuntime();
    const direct = predictRows(rt2, (await loadModel(rt2, new Uint8Array(readFileSync(join(dir, "run", "checkpoint.safetensors"))))).net, "regression", x,
      { samples: cfg.eval.samples, batch: cfg.eval.batch });
    expect(results.test.coverageCurve.nominal).toEqual(Array.from({ length: 21 }, (_, k) => k / 20));
    results.test.coverageCurve.nominal.forEach((q: number, k: number) => {
      const z = rt2.wasm.normal_quantile((1 + q) / 2);
      const inside = Array.from(y).filter((yi, i) => Math.abs(yi - direct.mean[i]!) <= z * direct.stdTotal![i]!).length;
      expect(results.test.coverageCurve.observed[k], `nominal ${q}`).toBe(inside / 20);
    });
    const scatter = readFileSync(join(dir, "run", "predicted_vs_actual.svg"), "utf8");
    expect(scatter.match(/<circle /g)!.length).toBe(20 + 1); // the test points and the legend's marker
    expect(scatter.match(/<line x1="[0-9.]+" y1="[0-9.]+" x2="[0-9.]+" y2="[0-9.]+" stroke="#1f77b4" stroke-opacity/g)!.length).toBe(20);
    expect(readFileSync(join(dir, "run", "coverage.svg"), "utf8")).toMatch(/observed coverage/);
    // rows of numbers are refused when a feature is categorical; an unknown category is a DataError
    expect(() => model.predict([[0.5, -1, 0]])).toThrow(ArgumentError);
    expect(() => model.predict([{ a: 0, b: 0, c: "z" }])).toThrow(/unknown category "z"/);
    expect(() => model.predict([{ a: 0, b: 0 }])).toThrow(DataError);
  }, 120_000);

  it("classification: class names from the target column, accuracy on separable blobs, probabilities sum to 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-tabc-"));
    const file = join(dir, "train.csv");
    const g = gaussianStream(99);
    const lines = ["x1,x2,label"];
    for (let i = 0; i < 240; i++) {
      const k = i % 3, cx = [-2, 0, 2][k]!, cy = [0, 2, 0][k]!;
      lines.push(`${(cx + 0.4 * g()).toFixed(3)},${(cy + 0.4 * g()).toFixed(3)},${["red", "green", "blue"][k]}`);
    }
    writeFileSync(file, lines.join("\n"));
    const cfg = prepareTabular(resolveRunConfig({ kind: "tabular", data: { file, target: "label" } }, [...SETS, "model.head=meanfield", "train.epochs=60"]) as TabularRunConfig);
    expect(cfg.data.task).toBe("classification");
    expect(cfg.data.schema.target.classes).toEqual(["blue", "green", "red"]);
    const res = await trainRun(await freshRuntime(), cfg, { out: join(dir, "run") });
    const t = res.test!;
    if (t.task !== "classification") throw new Error(t.task);
    expect(t.accuracy).toBeGreaterThan(0.9);
    // the reliability diagram's bin counts: in results.json (summing to the test size) and printed on the figure
    const results = JSON.parse(readFileSync(join(dir, "run", "results.json"), "utf8"));
    const counts = results.test.bins.map((b: { count: number }) => b.count);
    expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(t.count);
    expect(t.count).toBe(24);
    const svg = readFileSync(join(dir, "run", "reliability.svg"), "utf8");
    const printed = [...svg.matchAll(/font-size="10" fill="#333">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(printed).toEqual(counts.filter((c: number) => c > 0));
    expect(res.figures.map((f) => f.slice(dir.length + 5)).sort()).toEqual(["learning_curve.svg", "reliability.svg"]);
    const model = await loadModel(await freshRuntime(), new Uint8Array(readFileSync(join(dir, "run", "checkpoint.safetensors"))));
    const p = model.predict([[-2, 0], [0, 2], [2, 0]]);
    if (p.task !== "classification") throw new Error(p.task);
    expect(Array.from(p.predicted, (k) => p.classNames[k])).toEqual(["red", "green", "blue"]);
    for (let i = 0; i < 3; i++) expect(Math.abs(p.probs[3 * i]! + p.probs[3 * i + 1]! + p.probs[3 * i + 2]! - 1)).toBeLessThan(1e-5);
  }, 120_000);

  it("heteroscedastic head: per-row aleatoric std follows the group's noise (0.1 vs 0.8), total^2 = epistemic^2 + aleatoric^2, save/load same bits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-tabh-"));
    const file = join(dir, "train.csv");
    writeFileSync(file, heteroCsv(400));
    const cfg = prepareTabular(resolveRunConfig({ kind: "tabular", data: { file, target: "y" } },
      [...SETS, "model.likelihood=heteroscedastic", "train.epochs=60"]) as TabularRunConfig);
    const res = await trainRun(await freshRuntime(), cfg, { out: join(dir, "run") });
    const t = res.test!;
    if (t.task !== "regression") throw new Error(t.task);
    const bytes = new Uint8Array(readFileSync(join(dir, "run", "checkpoint.safetensors")));
    const ck = await decodeCheckpoint(bytes);
    expect(ck.tensors.get("head.W")!.shape).toEqual([cfg.data.schema.features.length + 1 + cfg.model.augment, 2]);
    const model = await loadModel(await freshRuntime(), bytes);
    const rows = [{ a: 0, c: "lo" }, { a: 0.5, c: "hi" }, { a: -1, c: "lo" }, { a: 1, c: "hi" }];
    const p = model.predict(rows, { samples: 16 });
    if (p.task !== "regression") throw new Error(p.task);
    for (let i = 0; i < 4; i++) {
      const want = i % 2 === 0 ? HETERO_STD.lo : HETERO_STD.hi;
      // fitted on 360 rows (180 per group): within a factor 1.6 of the generating std
      expect(p.aleatoricStd[i]).toBeGreaterThan(want / 1.6);
      expect(p.aleatoricStd[i]).toBeLessThan(want * 1.6);
      expect(Math.abs(p.std[i]! ** 2 - p.epistemicStd[i]! ** 2 - p.aleatoricStd[i]! ** 2)).toBeLessThan(1e-5 * p.std[i]! ** 2);
      expect(p.lower[i]).toBeCloseTo(p.mean[i]! - 1.96 * p.std[i]!, 5);
      expect(Math.abs(p.mean[i]! - rows[i]!.a)).toBeLessThan(0.3);
    }
    // the loaded checkpoint scores the test part with the training process's bits
    const again = await model.evaluate(loadTabularData(cfg).test);
    if (again.task !== "regression") throw new Error(again.task);
    expect([again.rmse, again.nll, again.coverage95]).toEqual([t.rmse, t.nll, t.coverage95]);
    // a checkpoint whose head has the homoscedastic shape is refused, naming the tensor
    const homo = { ...(ck.config as Record<string, unknown>), model: { ...(ck.config as { model: object }).model, likelihood: "gaussian" } };
    await expect(loadModel(await freshRuntime(), { ...ck, config: homo })).rejects.toThrow(CheckpointError);
    await expect(loadModel(await freshRuntime(), { ...ck, config: homo })).rejects.toThrow(/head\.W/);
  }, 120_000);

  it("Laplace with a learned scale: log b moves from its start, the aleatoric std is sqrt(2) b in the target's units", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-tabl-"));
    const file = join(dir, "train.csv");
    writeFileSync(file, regressionCsv(200));
    const cfg = prepareTabular(resolveRunConfig({ kind: "tabular", data: { file, target: "y" } },
      [...SETS, "model.likelihood=laplace", "model.learnLaplaceScale=true", "train.epochs=40"]) as TabularRunConfig);
    await trainRun(await freshRuntime(), cfg, { out: join(dir, "run") });
    const ck = await decodeCheckpoint(new Uint8Array(readFileSync(join(dir, "run", "checkpoint.safetensors"))));
    const beta = (ck.tensors.get("noise.logscale")!.data as Float32Array)[0]!;
    // started at log 0.3 = -1.204; the standardised noise is about 0.1 / 2.4: the scale shrinks
    expect(beta).toBeLessThan(Math.log(0.3) - 0.5);
    const model = await loadModel(await freshRuntime(), ck);
    const p = model.predict([{ a: 0, b: 0, c: "v" }]);
    if (p.task !== "regression") throw new Error(p.task);
    const want = Math.SQRT2 * Math.exp(beta) * cfg.data.schema.target.scale;
    expect(Math.abs(p.aleatoricStd[0]! - want)).toBeLessThan(1e-5 * want);
  }, 120_000);
});
