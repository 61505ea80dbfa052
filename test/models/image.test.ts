// The image SDE-BNN end to end on a tiny configuration (two groups with a squeeze, mean-field w_0
// and head, 2 MC samples): the gradient of the training loss against central differences of the
// same loss (same noise: the step index fixes every random draw), tensor by tensor along seeded
// directions; probabilities; the ODEnet limit. Tolerance: relative error < 2e-2 (f32 losses,
// step 3e-3 along unit-RMS directions, loss kept O(10) so its f32 rounding stays below the signal; the kernels are checked against f64 elsewhere).
import { describe, expect, it } from "vitest";
import { ImageSdeBnn } from "../../src/models/image.js";
import { imageModelSchema, type ImageModelConfig } from "../../src/models/image_config.js";
import { validate } from "../../src/config/schema.js";
import { PhiloxRandomness } from "../../src/random/philox_randomness.js";
import { freshRuntime } from "../helpers/wasm.js";
import { uniform } from "../kernels/helpers.js";
import { expectTensorGradients } from "../helpers/param_gradients.js";

const tiny = (over: Partial<ImageModelConfig> = {}): ImageModelConfig => validate(imageModelSchema, {
  channels: 1, height: 4, width: 4, classes: 3, augment: 1, groups: [1, 1], hidden: 3, nnBottleneck: 2, nnHidden: 3,
  sigma: 0.3, steps: 3, w0: "meanfield", head: "meanfield", headPriorStd: 0.5, priorStdW0: 0.5, ...over,
});

async function setup(cfg: ImageModelConfig, B = 3) {
  const rt = await freshRuntime();
  const rand = new PhiloxRandomness(rt, 7);
  const model = new ImageSdeBnn(rt, rand, cfg);
  const x = rt.arena.f32From(uniform(B * model.inputSize, 11, 0, 1));
  const labels = rt.arena.alloc(B * 4);
  new Int32Array(rt.memory.buffer, labels, B).set([0, 2, 1].slice(0, B));
  return { rt, model, x, labels, B };
}

describe("ImageSdeBnn", () => {
  it("gradients of the training loss match central differences, tensor by tensor", async () => {
    const { rt, model, x, labels, B } = await setup(tiny());
    const { params, grads } = model.space.allocated;
    // move the log-stds off their -4 init so their gradients are not negligible
    for (const e of model.space.list) if (e.name.includes("logstd")) params.view.fill(-1.5, e.offset, e.offset + e.size);
    const loss = () => { grads.view.fill(0); return model.trainStep(x.ptr, labels, B, { step: 5, samples: 2, rowWeight: 1, klWeight: 0.5 / 10 }).loss; };
    expectTensorGradients(model.space, loss);
  });

  it("predicts probability vectors; the same draw gives the same bits", async () => {
    const { model, x, B } = await setup(tiny());
    const p = { sampleProbs: model.predictSamples(x.ptr, B, { draw: 3, first: 0, samples: 4, total: 4 }) };
    expect(p.sampleProbs.length).toBe(4 * B * 3);
    for (let r = 0; r < 4 * B; r++) {
      const row = p.sampleProbs.subarray(r * 3, r * 3 + 3);
      expect(Math.abs(row.reduce((a: number, v: number) => a + v, 0) - 1)).toBeLessThan(1e-5);
    }
    expect(Array.from(model.predictSamples(x.ptr, B, { draw: 3, first: 0, samples: 4, total: 4 }))).toEqual(Array.from(p.sampleProbs));
    const other = model.predictSamples(x.ptr, B, { draw: 4, first: 0, samples: 4, total: 4 });
    expect(Array.from(other)).not.toEqual(Array.from(p.sampleProbs));
  });

  it("the ODEnet limit (sigma 0, point weights) has no KL and identical samples", async () => {
    const { model, x, labels, B } = await setup(tiny({ sigma: 0, w0: "point", head: "point" }));
    const st = model.trainStep(x.ptr, labels, B, { step: 0, samples: 2, rowWeight: 1, klWeight: 1 / 10 });
    expect(st.kl).toBe(0);
    expect(model.space.list.some((e) => e.name.includes("nn") || e.name.includes("logstd"))).toBe(false);
    const p = model.predictSamples(x.ptr, B, { draw: 0, first: 0, samples: 2, total: 2 });
    expect(Array.from(p.subarray(0, B * 3))).toEqual(Array.from(p.subarray(B * 3)));
  });

  it("rejects odd sizes for the stride-2 pair and too many samples", async () => {
    const rt = await freshRuntime();
    expect(() => new ImageSdeBnn(rt, new PhiloxRandomness(rt, 0), tiny({ height: 6, width: 6 }))).toThrow(/even spatial size.*3x3/);
    const { model, x, labels, B } = await setup(tiny());
    expect(() => model.trainStep(x.ptr, labels, B, { step: 0, samples: 65, rowWeight: 1, klWeight: 0.1 })).toThrow(/samples must be an integer in \[1, 64\] for 2 block\(s\), got 65/);
  });
});
