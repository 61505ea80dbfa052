// predictRowsParallel: each chunk's S samples split over worker threads give the single-thread
// prediction bit for bit (contiguous sample ranges, per-sample noise streams), for even and uneven
// splits, for an image model and for toy1d (the same path serves every kind).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshRuntime, ROOT } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { RunConfig } from "../../src/models/registry.js";
import { Trainer } from "../../src/train/trainer.js";
import { imageExamples } from "../../src/data/examples.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import { ShardPool } from "../../src/node/shard_pool.js";
import { PredictionStopped, predictRows, predictRowsParallel } from "../../src/models/predict.js";
import { ArgumentError } from "../../src/runtime/errors.js";
import { tabularKind } from "../../src/models/tabular_kind.js";

const script = pathToFileURL(join(ROOT, "dist/shard_worker.js"));
const bytes = (a: Float32Array | null) => Buffer.from(a!.buffer, a!.byteOffset, a!.byteLength);

for (const preset of ["tiny", "toy1d"] as const) {
  describe(`predictRowsParallel (${preset})`, () => {
    let rt: Runtime, trainer: Trainer, pool: ShardPool;
    const cfg: RunConfig = resolvePreset(preset, undefined, preset === "toy1d" ? ["model.width=8", "model.nnHidden=8", "model.steps=4", "train.samples=2"] : []);
    beforeAll(async () => {
      rt = await freshRuntime();
      const train = preset === "tiny" ? imageExamples(syntheticImageSet(256, 4, 8, 0)) : tabularKind.embeddedData!(rt, cfg as never)!.train;
      trainer = new Trainer(rt, cfg, train);
      for (let i = 0; i < 3; i++) trainer.trainStep(); // parameters away from their initial values
      pool = await ShardPool.start(3, rt.module, cfg, script);
    });
    afterAll(async () => { await pool?.close(); });

    const rowsOf = () => (preset === "tiny" ? 5 : 7);
    const input = () => Float32Array.from({ length: rowsOf() * trainer.model.inputSize }, (_, i) => ((i * 37) % 101) / 100);
    const task = preset === "tiny" ? "classification" : "regression";

    for (const [S, threads] of [[4, 2], [5, 3], [7, 3], [2, 3]] as const) {
      it(`${S} samples over ${threads} threads, chunks of 2 rows: the single-thread bits`, async () => {
        const o = { samples: S, batch: 2, draw: 9, perSample: true };
        const ref = predictRows(rt, trainer.model, task, input(), o);
        const par = await predictRowsParallel(rt, trainer.model, task, pool.executors.slice(0, threads - 1), input(), o);
        expect(bytes(par.sampleOutputs).equals(bytes(ref.sampleOutputs))).toBe(true);
        expect(bytes(par.mean).equals(bytes(ref.mean))).toBe(true);
        const other = predictRows(rt, trainer.model, task, input(), { ...o, draw: 10 });
        const progress: [number, number][] = [];
        await predictRowsParallel(rt, trainer.model, task, pool.executors.slice(0, threads - 1), input(), { ...o, onChunk: (d, t) => progress.push([d, t]) });
        const n = rowsOf();
        expect(progress).toEqual(Array.from({ length: Math.ceil(n / 2) }, (_, c) => [Math.min(n, 2 * (c + 1)), n])); // after every chunk of 2 rows
        expect(bytes(other.sampleOutputs).equals(bytes(ref.sampleOutputs))).toBe(false); // the draw matters
      });
    }

    it("with `between` and no executors: the single-thread bits, awaited after every chunk but the last; true stops the pass", async () => {
      const o = { samples: 3, batch: 2, draw: 4, perSample: true };
      const ref = predictRows(rt, trainer.model, task, input(), o);
      let calls = 0;
      const asyncOne = await predictRowsParallel(rt, trainer.model, task, [], input(), { ...o, between: async () => { calls++; return false; } });
      expect(bytes(asyncOne.sampleOutputs).equals(bytes(ref.sampleOutputs))).toBe(true);
      expect(calls).toBe(Math.ceil(rowsOf() / 2) - 1);
      const stopped = await predictRowsParallel(rt, trainer.model, task, pool.executors.slice(0, 1), input(), { ...o, between: async () => true })
        .then(() => null, (e: unknown) => e);
      expect(stopped).toBeInstanceOf(PredictionStopped);
      expect([(stopped as PredictionStopped).rowsDone, (stopped as PredictionStopped).rows]).toEqual([2, rowsOf()]);
    });

    it("a sample range is the same rows of the full prediction; bad ranges and inputs are typed errors", async () => {
      const m = trainer.model, x = input().subarray(0, 2 * m.inputSize), K = m.outputSize;
      const full = rt.arena.scoped(() => m.predictSamples(rt.arena.f32From(x).ptr, 2, { draw: 2, first: 0, samples: 6, total: 6 }));
      const part = rt.arena.scoped(() => m.predictSamples(rt.arena.f32From(x).ptr, 2, { draw: 2, first: 3, samples: 2, total: 6 }));
      expect(Array.from(part)).toEqual(Array.from(full.subarray(3 * 2 * K, 5 * 2 * K)));
      expect(() => m.predictSamples(0, 2, { draw: 2, first: 3, samples: 4, total: 6 })).toThrow(ArgumentError);
      await expect(predictRowsParallel(rt, m, task, [], input(), { samples: 0, batch: 4 })).rejects.toThrow(ArgumentError);
      if (m.inputSize > 1) await expect(predictRowsParallel(rt, m, task, [], input().subarray(0, m.inputSize + 1), { samples: 2, batch: 4 })).rejects.toThrow(ArgumentError);
    });
  });
}
