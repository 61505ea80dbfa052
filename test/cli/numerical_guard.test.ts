// The numerical guard in training: a NaN reaching the loss stops the step with a NumericalError
// naming the step (train.onNonFinite "stop"), or skips the batch leaving every weight as it was
// ("skip"); the gradient check names the tensor.
import { describe, expect, it } from "vitest";
import { Trainer } from "../../src/train/trainer.js";
import { imageExamples } from "../../src/data/examples.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import { NumericalError } from "../../src/runtime/errors.js";
import { freshRuntime } from "../helpers/wasm.js";

async function trainerWithNaN(mode: "stop" | "skip") {
  const cfg = resolvePreset("tiny", undefined, [`train.onNonFinite=${mode}`]) as ImageRunConfig;
  const tr = new Trainer(await freshRuntime(), cfg, imageExamples(syntheticImageSet(256, 4, 8, 0)));
  tr.trainStep();
  const head = tr.model.space.get("head.W")!;
  tr.opt.params.view[head.offset + 3] = NaN;
  return tr;
}

describe("numerical guard during training", () => {
  it("stop: NumericalError naming the step", async () => {
    const tr = await trainerWithNaN("stop");
    expect(() => tr.trainStep()).toThrow(NumericalError);
    expect(() => tr.trainStep()).toThrow(/step 2: the loss is NaN/);
  });

  it("skip: the batch is skipped, the weights and optimizer state are untouched, the step counter moves on", async () => {
    const tr = await trainerWithNaN("skip");
    const before = tr.opt.params.view.slice(), m = tr.opt.m.view.slice();
    const rec = tr.trainStep();
    expect(rec.skipped).toBe(true);
    expect(tr.step).toBe(2);
    expect(Object.is(tr.opt.params.view[tr.model.space.get("head.W")!.offset + 3], NaN)).toBe(true);
    expect(tr.opt.params.view).toEqual(before);
    expect(tr.opt.m.view).toEqual(m);
  });

  it("a non-finite gradient is reported with the tensor's name", async () => {
    const cfg = resolvePreset("tiny") as ImageRunConfig;
    const tr = new Trainer(await freshRuntime(), cfg, imageExamples(syntheticImageSet(256, 4, 8, 0)));
    tr.opt.zeroGrads();
    tr.opt.grads.view[tr.model.space.get("head.b")!.offset + 1] = Infinity;
    expect(() => tr.opt.apply({ loss: 1 })).toThrow(/step 1: non-finite gradient of head\.b\[1\]/);
  });
});
