// A memory ceiling on the wasm instance is honoured during training with a MemoryLimitError (never
// a trap): the tiny model trains under 8 MiB, the MNIST-sized model does not fit in 8 MiB.
import { describe, expect, it } from "vitest";
import { Trainer } from "../../src/train/trainer.js";
import { imageExamples } from "../../src/data/examples.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import { MemoryLimitError } from "../../src/runtime/errors.js";
import { freshRuntime } from "../helpers/wasm.js";

describe("memory ceiling during training", () => {
  it("a small model trains under the ceiling; a large one gets MemoryLimitError naming the limit", async () => {
    const limit = 8 << 20;
    const tiny = resolvePreset("tiny") as ImageRunConfig;
    const tr = new Trainer(await freshRuntime({ memoryLimitBytes: limit }), tiny, imageExamples(syntheticImageSet(256, 4, 8, 0)));
    expect(tr.trainStep().skipped).toBe(false);
    const big = resolvePreset("tiny", undefined, ["model.height=28", "model.width=28", "model.hidden=32", "train.batch=64"]) as ImageRunConfig;
    const rt = await freshRuntime({ memoryLimitBytes: limit });
    let err: unknown;
    try {
      const t2 = new Trainer(rt, big, imageExamples(syntheticImageSet(256, 4, 28, 0)));
      t2.trainStep();
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MemoryLimitError);
    expect(String((err as Error).message)).toMatch(new RegExp(`limit ${limit} bytes`));
    // the instance is still usable after the refusal
    expect(rt.wasm.vec_sum(rt.arena.f32From([1, 2, 3]).ptr, 3)).toBe(6);
  });
});
