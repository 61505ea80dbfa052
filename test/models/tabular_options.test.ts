// The tabular kind's options that the toy1d preset uses, on a 3-feature regression (a schema of
// three numeric columns, rows from a fixed-seed generator): no head (model.head "none": h(T)'s
// last coordinate is the prediction), partially stochastic f_h (model.stochastic first / last: only
// that layer's weights are in the SDE state, the rest are point parameters "block.fixed"), and a
// fixed Gaussian noise std (model.gaussianStd). The loss's gradient matches central differences
// tensor by tensor (f32 losses, relative 2e-2 along unit-RMS directions); the readout, the fixed
// std's NLL and noise variance and the parameter layout are checked against their definitions;
// the configs a readout cannot serve are ConfigErrors.
import { describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import { expectTensorGradients } from "../helpers/param_gradients.js";
import { uniform } from "../kernels/helpers.js";
import { resolveRunConfig } from "../../src/models/registry.js";
import { TabularModel } from "../../src/models/tabular.js";
import type { TabularRunConfig } from "../../src/models/tabular_config.js";
import { ConfigError } from "../../src/runtime/errors.js";
import type { Runtime } from "../../src/runtime/load.js";

const schema = {
  features: ["a", "b", "c"].map((name, i) => ({ name, type: "numeric", center: i, scale: 1 + i, categories: [] })),
  target: { name: "y", center: 0.5, scale: 2, classes: [] },
};
const cfgOf = (sets: string[]) => resolveRunConfig({ kind: "tabular", data: { file: "t.csv", target: "y", schema } },
  ["model.width=6", "model.nnHidden=5", "model.steps=3", "model.sigma=0.3", "seed=4", ...sets]) as TabularRunConfig;

function setup(rt: Runtime, cfg: TabularRunConfig, B = 6) {
  const model = new TabularModel(rt, cfg);
  const x = rt.arena.f32From(uniform(B * 3, 1, -1, 1)), y = rt.arena.f32From(uniform(B, 2, -1, 2));
  return { model, x, y, B };
}

describe("tabular options of the toy1d preset (no head, PSDE-BNN, fixed Gaussian std)", () => {
  for (const sets of [
    ["model.head=none", "model.stochastic=last", "model.gaussianStd=0.2", "model.w0=meanfield", "model.w0PriorStd=0.3"],
    ["model.head=none", "model.stochastic=first", "model.likelihood=laplace", "model.likelihoodScale=0.4"],
    ["model.head=point", "model.stochastic=last", "model.gaussianStd=0.2"],
    ["model.head=meanfield", "model.stochastic=all", "model.w0=meanfield"],
  ]) {
    it(`gradients against central differences: ${sets.join(" ")}`, async () => {
      const rt = await freshRuntime();
      const { model, x, y, B } = setup(rt, cfgOf(sets));
      const { params, grads } = model.space.allocated;
      for (const e of model.space.list) if (e.name.includes("logstd")) params.view.fill(-1.5, e.offset, e.offset + e.size);
      // a trained-looking hypernetwork (its last layer starts at zero: no drift, no path KL)
      const nn = model.space.list.find((e) => e.name === "nn")!;
      params.view.set(uniform(nn.size, 9, -0.3, 0.3), nn.offset);
      const opts = { step: 3, samples: 2, rowWeight: 1, klWeight: 0.1 };
      const loss = () => { grads.view.fill(0); return model.trainStep(x.ptr, y.ptr, B, opts).loss; };
      expect(model.trainStep(x.ptr, y.ptr, B, opts).kl).toBeGreaterThan(0);
      expectTensorGradients(model.space, loss);
    });
  }

  it("parameter layout: the fixed layers beside the SDE's weights, no head or learned noise with head none and a fixed std", async () => {
    const rt = await freshRuntime();
    const last = new TabularModel(rt, cfgOf(["model.head=none", "model.stochastic=last", "model.gaussianStd=0.2", "model.w0=meanfield"]));
    expect(last.space.list.map((e) => e.name)).toEqual(["nn", "block.fixed", "block.w0", "block.w0_logstd"]);
    // dim = 3 + 2 augment = 5, f_h = CSL(5 -> 6), act, CSL(6 -> 6), act, CSL(6 -> 5); CSL(i -> o): W i x o, b o, hyper weight o, hyper bias o, gate o
    const csl = (i: number, o: number) => i * o + 4 * o, slopes = 2 * 6; // the two swish layers' trainable slopes
    const full = csl(5, 6) + csl(6, 6) + csl(6, 5) + slopes;
    expect(last.weightDim).toBe(csl(6, 5));
    expect(last.space.list.find((e) => e.name === "block.fixed")!.size).toBe(full - csl(6, 5));
    const all = new TabularModel(rt, cfgOf([]));
    expect(all.weightDim).toBe(full);
    expect(all.space.list.map((e) => e.name)).toEqual(["nn", "block.w0", "head.W", "head.b", "noise.logstd"]);
    // fixed std s in standardised units: the noise variance in target units is (s * target scale)^2
    expect(last.noiseVariance).toBeCloseTo((0.2 * 2) ** 2, 12);
    expect([last.maxSamples, all.maxSamples]).toEqual([256, 128]);
  });

  it("head none: the prediction is h(T)'s last coordinate in the target's units; with sigma 0 the NLL is the fixed-std Gaussian's", async () => {
    const rt = await freshRuntime();
    const cfg = cfgOf(["model.head=none", "model.sigma=0", "model.gaussianStd=0.25"]);
    const { model, x, y, B } = setup(rt, cfg);
    const f = model.predictSamples(x.ptr, B, { draw: 0, first: 0, samples: 1, total: 1 });
    const st = model.trainStep(x.ptr, y.ptr, B, { step: 0, samples: 1, rowWeight: 1, klWeight: 0 });
    const yv = y.view, t = cfg.data.schema.target, s = 0.25;
    let nll = 0;
    for (let i = 0; i < B; i++) {
      const r = (f[i]! - t.center) / t.scale - (yv[i]! - t.center) / t.scale; // standardised residual
      nll += (0.5 * r * r) / (s * s) + Math.log(s) + 0.5 * Math.log(2 * Math.PI);
    }
    expect(st.nll).toBeCloseTo(nll / B, 5);
  });

  it("a readout cannot serve a classifier or a heteroscedastic likelihood: ConfigError", async () => {
    const rt = await freshRuntime();
    const cls = resolveRunConfig({ kind: "tabular", data: { file: "t.csv", target: "y", schema: { ...schema, target: { name: "y", classes: ["p", "q"] } } } },
      ["model.head=none"]) as TabularRunConfig;
    expect(() => new TabularModel(rt, cls)).toThrow(ConfigError);
    expect(() => new TabularModel(rt, cls)).toThrow(/model.head: 'none' .* is for regression/);
    expect(() => new TabularModel(rt, cfgOf(["model.head=none", "model.likelihood=heteroscedastic"]))).toThrow(/heteroscedastic' needs two/);
  });
});
