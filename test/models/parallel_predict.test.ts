// predictParallel: S samples split over worker threads give the single-thread prediction bit for
// bit (contiguous sample ranges, per-sample noise streams), for even and uneven splits.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshRuntime, ROOT } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { ImageTrainer } from "../../src/train/image_trainer.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import { ShardPool } from "../../src/node/shard_pool.js";
import { predictParallel } from "../../src/train/parallel_predict.js";
import { ArgumentError } from "../../src/runtime/errors.js";

let rt: Runtime, trainer: ImageTrainer, pool: ShardPool;
const cfg = resolvePreset("tiny", undefined, []) as ImageRunConfig;

beforeAll(async () => {
  rt = await freshRuntime();
  trainer = new ImageTrainer(rt, cfg, syntheticImageSet(256, 4, 8, 0));
  for (let i = 0; i < 3; i++) trainer.trainStep(); // parameters away from their initial values
  pool = await ShardPool.start(3, rt.module, cfg, trainer.split.train.length, pathToFileURL(join(ROOT, "dist/shard_worker.js")));
});
afterAll(async () => { await pool?.close(); });

function single(x: Float32Array, B: number, S: number, draw: number): Float32Array {
  return rt.arena.scoped(() => trainer.model.predict(rt.arena.f32From(x).ptr, B, S, draw).sampleProbs);
}

describe("predictParallel", () => {
  const B = 3, x = Float32Array.from({ length: B * 64 }, (_, i) => ((i * 37) % 101) / 100);

  for (const [S, threads] of [[4, 2], [5, 3], [7, 3], [2, 3]] as const) {
    it(`${S} samples over ${threads} threads: the single-thread bits`, async () => {
      const ref = single(x, B, S, 9);
      const par = await predictParallel(rt, trainer.model, pool.executors.slice(0, threads - 1), x, B, S, 9);
      expect(par.samples).toBe(S);
      expect(Buffer.from(par.sampleProbs.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
      expect(ref.some((v, i) => v !== single(x, B, S, 10)[i])).toBe(true); // the draw matters
    });
  }

  it("a sample range is the same rows of the full prediction; bad ranges and inputs are typed errors", () => {
    const full = single(x, B, 6, 2), K = cfg.model.classes;
    const part = rt.arena.scoped(() => trainer.model.predict(rt.arena.f32From(x).ptr, B, 2, 2, { first: 3, total: 6 }).sampleProbs);
    expect(Array.from(part)).toEqual(Array.from(full.subarray(3 * B * K, 5 * B * K)));
    expect(() => trainer.model.predict(0, B, 4, 2, { first: 3, total: 6 })).toThrow(/sample range must lie inside \[0, 6\): got first 3, samples 4/);
    return expect(predictParallel(rt, trainer.model, [], x.subarray(1), B, 2, 0)).rejects.toThrow(ArgumentError);
  });
});
