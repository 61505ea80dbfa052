// train.weightDecay (decoupled weight decay, AdamW: Loshchilov & Hutter 2019, PyTorch's arrangement).
// Two trainers of the same config differing only in weightDecay see the same batch, draws and
// gradients on their first update (the gradients are taken at the same initial weights p0) and
// the same Adam moments, so their weights after it differ by exactly the decay term:
//   p_plain - p_decayed = lr_0 wd p0        (lr_0 the scheduled rate of step 1)
// checked element by element against that f64 closed form, within the f32 rounding of the two
// updates; later updates keep shrinking the weights' norm. weightDecay 0 gives plain Adam's bits
// (the golden runs in test/runtime/golden pin those); out-of-range values are ConfigErrors.
import { describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import { resolvePreset } from "../../src/presets/index.js";
import { Trainer } from "../../src/train/trainer.js";
import { tabularKind } from "../../src/models/tabular_kind.js";
import type { RunConfig } from "../../src/models/registry.js";
import { ConfigError } from "../../src/runtime/errors.js";

const SETS = ["model.width=8", "model.nnHidden=8", "model.steps=4", "train.samples=2", "train.lr=0.01", "train.schedule=cosine", "train.maxSteps=20"];

async function trainer(wd: number) {
  const rt = await freshRuntime();
  const cfg: RunConfig = resolvePreset("toy1d", undefined, [...SETS, `train.weightDecay=${wd}`]);
  return new Trainer(rt, cfg, tabularKind.embeddedData!(rt, cfg as never)!.train);
}

describe("train.weightDecay (decoupled, AdamW)", () => {
  it("one update: p_plain - p_decayed = lr * wd * p0 element by element (f64 closed form)", async () => {
    const wd = 0.5;
    const plain = await trainer(0), decayed = await trainer(wd);
    expect(decayed.cfg.train.weightDecay).toBe(wd);
    const p0 = Float64Array.from(plain.opt.params.view);
    expect(Array.from(decayed.opt.params.view)).toEqual(Array.from(plain.opt.params.view)); // same initial weights
    const lr = plain.opt.learningRate();
    plain.trainStep();
    decayed.trainStep();
    const a = plain.opt.params.view, b = decayed.opt.params.view;
    let moved = 0;
    for (let i = 0; i < p0.length; i++) {
      const want = lr * wd * p0[i]!;
      // both weights are f32 roundings of values within about |p0| + lr of each other, the shrink
      // factor 1 - lr wd is rounded to f32 once: a few f32 ulps of the weight
      const tol = 4 * 2 ** -24 * (Math.abs(p0[i]!) + lr) + 1e-12;
      expect(Math.abs(a[i]! - b[i]! - want), `weight ${i}: p0 ${p0[i]}`).toBeLessThanOrEqual(tol);
      if (want !== 0) moved++;
    }
    expect(moved).toBeGreaterThan(p0.length / 2);
  });

  it("keeps shrinking the weights over 20 updates (smaller norm than plain Adam), and is finite", async () => {
    const norm = (t: Trainer) => Math.sqrt(t.opt.params.view.reduce((s, v) => s + v * v, 0));
    const plain = await trainer(0), decayed = await trainer(2);
    while (!plain.done) plain.trainStep();
    while (!decayed.done) decayed.trainStep();
    expect(norm(decayed)).toBeLessThan(0.99 * norm(plain));
    expect(decayed.opt.params.view.every(Number.isFinite)).toBe(true);
  });

  it("rejects a negative or too large weightDecay naming the field", () => {
    expect(() => resolvePreset("toy1d", undefined, ["train.weightDecay=-0.1"])).toThrow(ConfigError);
    expect(() => resolvePreset("toy1d", undefined, ["train.weightDecay=-0.1"])).toThrow(/train\.weightDecay/);
    expect(() => resolvePreset("toy1d", undefined, ["train.weightDecay=1000"])).toThrow(/train\.weightDecay/);
  });
});
