// loadModel (the one loader of every kind, what sdebnn/infer runs): predictions from checkpoint
// bytes equal the training code's scoring path bit for bit and an independent f64 summary of the
// per-sample outputs; bad inputs are typed errors. Image and toy1d (tabular) models.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainRun } from "../../src/node/run.js";
import { loadImageData } from "../../src/node/image_data.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { predictRows } from "../../src/models/predict.js";
import { encodeCheckpoint, decodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { loadModel, type Model, type ClassPrediction, type RegressionPrediction } from "../../src/api/model.js";
import { ArgumentError, CheckpointError } from "../../src/runtime/errors.js";
import type { ImageSet } from "../../src/data/dataset.js";
import { Trainer } from "../../src/train/trainer.js";
import { imageExamples } from "../../src/data/examples.js";
import { freshRuntime } from "../helpers/wasm.js";

const cfg = resolvePreset("tiny", undefined, ["eval.batch=5"]) as ImageRunConfig;
let bytes: Uint8Array;
let test: ImageSet;
let clf: Model;
const progress = { validation: [] as [number, number][], test: [] as [number, number][] };
const cls = (p: ReturnType<Model["predict"]>): ClassPrediction => { if (p.task !== "classification") throw new Error(p.task); return p; };
const reg = (p: ReturnType<Model["predict"]>): RegressionPrediction => { if (p.task !== "regression") throw new Error(p.task); return p; };
const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-infer-"));
  await trainRun(await freshRuntime(), cfg, {
    out: dir, onValidationProgress: (d, t) => progress.validation.push([d, t]), onTestProgress: (d, t) => progress.test.push([d, t]),
  });
  bytes = new Uint8Array(readFileSync(join(dir, "checkpoint.safetensors")));
  test = loadImageData(cfg).test;
  clf = await loadModel(await freshRuntime(), bytes);
});

describe("loadModel / predict (image)", () => {
  it("every scoring pass reports its progress chunk by chunk (validation passes, the test set, evaluate, predict)", async () => {
    // chunks of eval.batch = 5 rows: done = 5, 10, ... up to the total, for each pass
    const chunked = (total: number) =>
      Array.from({ length: Math.ceil(total / 5) }, (_, i) => [Math.min(5 * (i + 1), total), total]);
    const val = progress.validation, nVal = val[0]![1];
    expect(val.length % Math.ceil(nVal / 5)).toBe(0); // whole passes, one per record
    expect(val.length).toBeGreaterThan(0);
    expect(val.slice(0, Math.ceil(nVal / 5))).toEqual(chunked(nVal));
    expect(progress.test).toEqual(chunked(test.count));
    const calls: [number, number][] = [];
    await clf.evaluate(imageExamples(test), { samples: 2, indices: Uint32Array.from({ length: 12 }, (_, i) => i), onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([[5, 12], [10, 12], [12, 12]]);
    calls.length = 0;
    clf.predict(test.pixels.subarray(0, 7 * 64), { samples: 2, onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([[5, 7], [7, 7]]);
  });

  it("gives the bits of the scoring path (EMA weights, chunks of eval.batch, same noise)", async () => {
    const n = 13;
    const p = cls(clf.predict(test.pixels.subarray(0, n * 64), { samples: 6 }));
    const rt = await freshRuntime();
    const trainer = new Trainer(rt, cfg, imageExamples(loadImageData(cfg).train));
    const ck = await decodeCheckpoint(bytes);
    trainer.loadState(ck, ck.step);
    const x = Float32Array.from(test.pixels.subarray(0, n * 64), (b) => b / 255);
    const ref = trainer.withEvalWeights(() => predictRows(rt, trainer.model, "classification", x, { samples: 6, batch: cfg.eval.batch }));
    expect(same(p.probs, ref.mean)).toBe(true);
    expect(Array.from(p.entropy)).toEqual(Array.from(ref.entropy!));
    expect(Array.from(p.mutualInformation)).toEqual(Array.from(ref.mutualInformation!));
    expect([p.count, p.classes, p.samples, clf.step, clf.kind, clf.task]).toEqual([13, 4, 6, 24, "image", "classification"]);
    for (let i = 0; i < n; i++) {
      const row = Array.from(p.probs.subarray(i * 4, i * 4 + 4));
      expect(p.predicted[i]).toBe(row.indexOf(Math.max(...row)));
    }
    // f32 inputs b / 255 give the same bits as bytes
    expect(same(cls(clf.predict(x, { samples: 6 })).probs, p.probs)).toBe(true);
  });

  it("loads from a Node Buffer that is a view into a larger buffer (odd byte offset)", async () => {
    const big = Buffer.alloc(bytes.length + 10, 0xee);
    big.set(bytes, 3);
    const other = await loadModel(await freshRuntime(), big.subarray(3, 3 + bytes.length));
    const x = test.pixels.subarray(0, 4 * 64);
    expect(same(cls(other.predict(x, { samples: 3 })).probs, cls(clf.predict(x, { samples: 3 })).probs)).toBe(true);
  });

  it("averaged probabilities, entropy and MI match an f64 summary of the per-sample probabilities", () => {
    const n = 5, S = 7, K = 4;
    const p = cls(clf.predict(test.pixels.subarray(0, n * 64), { samples: S, perSample: true }));
    const per = p.sampleProbs!;
    for (let i = 0; i < n; i++) {
      const mean = Array.from({ length: K }, (_, k) => { let s = 0; for (let t = 0; t < S; t++) s += per[(t * n + i) * K + k]!; return s / S; });
      const H = -mean.reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0);
      let Hs = 0;
      for (let t = 0; t < S; t++) for (let k = 0; k < K; k++) { const q = per[(t * n + i) * K + k]!; if (q > 0) Hs -= q * Math.log(q) / S; }
      mean.forEach((q, k) => expect(p.probs[i * K + k]).toBeCloseTo(q, 6));
      expect(p.entropy[i]).toBeCloseTo(H, 5);
      expect(p.mutualInformation[i]).toBeCloseTo(H - Hs, 5);
      expect(mean.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    }
    expect(new Set(Array.from(p.mutualInformation)).size).toBe(n);
  });

  it("'trained' weights differ from the EMA weights the default uses; save() round-trips the evaluation weights", async () => {
    const t = await loadModel(await freshRuntime(), bytes, { weights: "trained" });
    const img = test.pixels.subarray(0, 64);
    expect(Array.from(cls(t.predict(img, { samples: 2 })).probs)).not.toEqual(Array.from(cls(clf.predict(img, { samples: 2 })).probs));
    const again = await loadModel(await freshRuntime(), await clf.save());
    expect(same(cls(again.predict(img, { samples: 2 })).probs, cls(clf.predict(img, { samples: 2 })).probs)).toBe(true);
    expect(again.step).toBe(clf.step);
  });

  it("bad inputs are typed errors naming what was expected", async () => {
    expect(() => clf.predict(new Uint8Array(65))).toThrow(ArgumentError);
    expect(() => clf.predict(new Uint8Array(65))).toThrow("images: expected a positive multiple of 64 values (1x8x8 per image), got 65");
    expect(() => clf.predict(new Float32Array(64).fill(1.5))).toThrow("images: value 0 is 1.5, expected a number in [0, 1]");
    expect(() => clf.predict(new Uint8Array(64), { samples: 0 })).toThrow("samples must be an integer in [1, 128], got 0");
    const broken = bytes.slice();
    broken[broken.length - 1] ^= 1;
    await expect(loadModel(await freshRuntime(), broken, { name: "x.safetensors" })).rejects.toThrow(/^x\.safetensors: checksum mismatch/);
    const unknown = await encodeCheckpoint({ w: { dtype: "F32", shape: [1], data: new Float32Array(1) } }, { config: { kind: "nope" }, seed: 0, step: 0 });
    await expect(loadModel(await freshRuntime(), unknown)).rejects.toThrow(CheckpointError);
    await expect(loadModel(await freshRuntime(), unknown)).rejects.toThrow(`<checkpoint>: metadata field 'config': config field 'kind': expected one of "image", "tabular", got "nope"`);
    const toy = await encodeCheckpoint({ w: { dtype: "F32", shape: [1], data: new Float32Array(1) } }, { config: { kind: "toy1d" }, seed: 0, step: 0 });
    await expect(loadModel(await freshRuntime(), toy)).rejects.toThrow("checkpoint has no tensor 'nn'");
  });
});

describe("loadModel / predict (toy1d preset: the tabular kind on its embedded points)", () => {
  const toyCfg = resolvePreset("toy1d", undefined, ["model.width=8", "model.nnHidden=8", "model.steps=4", "train.epochs=6", "train.samples=2", "eval.samples=5", "eval.batch=3"]);
  it("mean, epistemic and total std match an f64 summary of the function samples; intervals are mean -+ 1.96 std", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-infer-toy-"));
    await trainRun(await freshRuntime(), toyCfg, { out: dir });
    const m = await loadModel(await freshRuntime(), new Uint8Array(readFileSync(join(dir, "checkpoint.safetensors"))));
    expect([m.kind, m.task, m.step]).toEqual(["tabular", "regression", 6]);
    const xs = [-1, 0, 1, 4, 7.5, 9, 2.5];
    const p = reg(m.predict(xs, { perSample: true }));
    const S = 5, n = xs.length, noiseVar = 0.1 * 0.1; // the preset's Gaussian likelihood, std 0.1
    for (let i = 0; i < n; i++) {
      const f = Array.from({ length: S }, (_, s) => p.sampleValues![s * n + i]!);
      const mean = f.reduce((a, b) => a + b) / S, v = f.reduce((a, b) => a + (b - mean) ** 2, 0) / S;
      expect(p.mean[i]).toBeCloseTo(mean, 5);
      expect(p.epistemicStd[i]).toBeCloseTo(Math.sqrt(v), 5);
      expect(p.std[i]).toBeCloseTo(Math.sqrt(v + noiseVar), 5);
      expect(p.aleatoricStd[i]).toBeCloseTo(Math.sqrt(noiseVar), 6);
      expect(p.lower[i]).toBeCloseTo(p.mean[i]! - 1.96 * p.std[i]!, 5);
      expect(p.upper[i]).toBeCloseTo(p.mean[i]! + 1.96 * p.std[i]!, 5);
    }
    expect(() => m.predict([1, NaN])).toThrow('inputs: row 1, column "x": expected a number, got NaN');
  });
});
