// sdebnn/infer: predictions from checkpoint bytes equal the training code's evaluation path bit for
// bit and an independent f64 summary of the per-sample probabilities; bad inputs are typed errors.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainImageRun } from "../../src/node/train_image.js";
import { loadImageData } from "../../src/node/image_data.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { predictImageSet } from "../../src/models/image_predict.js";
import { encodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { loadClassifier, type ImageClassifier } from "../../src/infer/classifier.js";
import { ArgumentError, CheckpointError } from "../../src/runtime/errors.js";
import type { ImageSet } from "../../src/data/dataset.js";
import { freshRuntime } from "../helpers/wasm.js";

const cfg = resolvePreset("tiny", undefined, ["eval.batch=5"]) as ImageRunConfig;
let bytes: Uint8Array;
let test: ImageSet;
let clf: ImageClassifier;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-infer-"));
  await trainImageRun(await freshRuntime(), cfg, { out: dir });
  bytes = new Uint8Array(readFileSync(join(dir, "checkpoint.safetensors")));
  test = loadImageData(cfg).test;
  clf = await loadClassifier(await freshRuntime(), bytes);
});

describe("loadClassifier / predict", () => {
  it("gives the bits of the evaluation path (EMA weights, chunks of eval.batch, same noise)", async () => {
    const n = 13, idx = Array.from({ length: n }, (_, i) => i);
    const p = clf.predict(test.pixels.subarray(0, n * 64), 6);
    const rt = await freshRuntime();
    const { ImageTrainer } = await import("../../src/train/image_trainer.js");
    const trainer = new ImageTrainer(rt, cfg, loadImageData(cfg).train);
    const { decodeCheckpoint } = await import("../../src/checkpoint/safetensors.js");
    const ck = await decodeCheckpoint(bytes);
    trainer.loadState(ck, ck.step);
    const ref = trainer.withEvalWeights(() => predictImageSet(rt, trainer.model, test, idx, 6, cfg.eval.batch));
    expect(Buffer.from(p.probs.buffer).equals(Buffer.from(ref.probs.buffer))).toBe(true);
    expect(Array.from(p.entropy)).toEqual(Array.from(ref.entropy));
    expect(Array.from(p.mutualInformation)).toEqual(Array.from(ref.mutualInformation));
    expect([p.count, p.classes, p.samples, clf.step]).toEqual([13, 4, 6, 24]);
    // f32 inputs b / 255 give the same bits as bytes
    const unit = Float32Array.from(test.pixels.subarray(0, n * 64), (b) => b / 255);
    expect(Array.from(clf.predict(unit, 6).probs)).toEqual(Array.from(p.probs));
  });

  it("loads from a Node Buffer that is a view into a larger buffer (odd byte offset)", async () => {
    const big = Buffer.alloc(bytes.length + 10, 0xee);
    big.set(bytes, 3);
    const view = big.subarray(3, 3 + bytes.length);
    const other = await loadClassifier(await freshRuntime(), view);
    const x = test.pixels.subarray(0, 4 * 64);
    expect(Buffer.from(other.predict(x, 3).probs.buffer).equals(Buffer.from(clf.predict(x, 3).probs.buffer))).toBe(true);
  });

  it("averaged probabilities, entropy and MI match an f64 summary of the per-sample probabilities", () => {
    const n = 5, S = 7, K = 4;
    const p = clf.predict(test.pixels.subarray(0, n * 64), S);
    const rt = (clf as unknown as { rt: import("../../src/runtime/load.js").Runtime }).rt;
    const x = rt.arena.f32From(Float32Array.from(test.pixels.subarray(0, n * 64), (b) => b / 255));
    const per = clf.model.predict(x.ptr, n, S, 0).sampleProbs; // chunk 0 of draw 0: the same noise
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

  it("'trained' weights differ from the EMA weights the default uses", async () => {
    const t = await loadClassifier(await freshRuntime(), bytes, { weights: "trained" });
    const img = test.pixels.subarray(0, 64);
    expect(Array.from(t.predict(img, 2).probs)).not.toEqual(Array.from(clf.predict(img, 2).probs));
  });

  it("bad inputs are typed errors naming what was expected", async () => {
    expect(() => clf.predict(new Uint8Array(65))).toThrow(ArgumentError);
    expect(() => clf.predict(new Uint8Array(65))).toThrow("images: expected a positive multiple of 64 values (1x8x8 per image), got 65");
    expect(() => clf.predict(new Float32Array(64).fill(1.5))).toThrow("images: value 0 is 1.5, expected a number in [0, 1]");
    const broken = bytes.slice();
    broken[broken.length - 1] ^= 1;
    await expect(loadClassifier(await freshRuntime(), broken, { name: "x.safetensors" })).rejects.toThrow(/^x\.safetensors: checksum mismatch/);
    const toy = await encodeCheckpoint({ w: { dtype: "F32", shape: [1], data: new Float32Array(1) } }, { config: { kind: "toy1d" }, seed: 0, step: 0 });
    await expect(loadClassifier(await freshRuntime(), toy)).rejects.toThrow(CheckpointError);
    await expect(loadClassifier(await freshRuntime(), toy)).rejects.toThrow('the checkpoint holds a "toy1d" model, expected an image model');
  });
});
