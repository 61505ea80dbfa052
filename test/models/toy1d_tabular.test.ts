// The former model kind "toy1d" is now the toy1d preset of the tabular kind (data.dataset "toy1d",
// model.head "none", model.stochastic "last", a fixed Gaussian std). A checkpoint the former kind
// wrote (fixtures/toy1d_kind_checkpoint.safetensors: `resolvePreset("toy1d")` of that code with
// seed 3, width 8, 4 steps, 6 updates; fixtures/toy1d_kind_predictions.json: what that code's
// loadModel(...).predict(x) gave) loads as a tabular model and predicts the recorded mean and stds
// bit for bit: the conversion keeps every parameter's name and layout and the model's numerics.
// A partial former config reads as the preset with its fields on top; fields the former kind did
// not have are ConfigErrors naming them.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freshRuntime, ROOT } from "../helpers/wasm.js";
import { loadModel } from "../../src/api/model.js";
import { decodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { resolvePreset } from "../../src/presets/index.js";
import { resolveRunConfig } from "../../src/models/registry.js";
import { ConfigError } from "../../src/runtime/errors.js";

const FIXTURES = join(ROOT, "test/models/fixtures");
const SETS = ["seed=3", "model.width=8", "model.nnHidden=8", "model.steps=4", "train.samples=4", "train.epochs=6", "train.lr=1e-2", "eval.samples=8"];

describe("former kind toy1d", () => {
  it("its checkpoint loads as the tabular toy1d preset and predicts the recorded values bit for bit", async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, "toy1d_kind_checkpoint.safetensors")));
    expect((await decodeCheckpoint(bytes)).config).toMatchObject({ kind: "toy1d", model: { hidden: 8 } }); // the former config, as written
    const rec = JSON.parse(readFileSync(join(FIXTURES, "toy1d_kind_predictions.json"), "utf8")) as { x: number[]; samples: number; mean: number[]; std: number[]; epistemicStd: number[] };
    const model = await loadModel(await freshRuntime(), bytes);
    expect([model.kind, model.task, model.step]).toEqual(["tabular", "regression", 6]);
    expect(model.config).toEqual(resolvePreset("toy1d", undefined, SETS));
    const p = model.predict(rec.x);
    if (p.task !== "regression") throw new Error(p.task);
    expect(Array.from(p.mean)).toEqual(rec.mean);
    expect(Array.from(p.std)).toEqual(rec.std);
    expect(Array.from(p.epistemicStd)).toEqual(rec.epistemicStd);
    // and from rows of named values, as any tabular model
    expect(Array.from((model.predict(rec.x.map((x) => ({ x }))) as typeof p).mean)).toEqual(rec.mean);
  });

  it("a partial former config is the toy1d preset with its fields on top (hidden -> width, data.KEY -> data.toy1d.KEY, the likelihood's scale)", () => {
    expect(resolveRunConfig({ kind: "toy1d" })).toEqual(resolvePreset("toy1d"));
    expect(resolveRunConfig({ kind: "toy1d", seed: 2, model: { hidden: 16, likelihood: "laplace", likelihoodScale: 0.2 }, data: { scale: 4, valFraction: 0.1 }, train: { epochs: 7 } }))
      .toEqual(resolvePreset("toy1d", undefined, ["seed=2", "model.width=16", "model.likelihood=laplace", "model.likelihoodScale=0.2", "data.toy1d.scale=4", "data.valFraction=0.1", "train.epochs=7"]));
    expect(resolveRunConfig({ kind: "toy1d", model: { likelihoodScale: 0.05 } }).model).toMatchObject({ likelihood: "gaussian", gaussianStd: 0.05 });
  });

  it("fields the former kind did not have, and bad values, are ConfigErrors naming the field", () => {
    const err = (tree: unknown) => { try { resolveRunConfig(tree); } catch (e) { return e as Error; } throw new Error("expected an error"); };
    for (const [tree, msg] of [
      [{ kind: "toy1d", model: { width: 8 } }, /^config field 'model.width': unknown field of a kind "toy1d" config \(a kind "toy1d" config is read as kind "tabular"/],
      [{ kind: "toy1d", data: { file: "a.csv" } }, /^config field 'data.file': unknown field of a kind "toy1d" config/],
      [{ kind: "toy1d", model: [] }, /^config field 'model' of a kind "toy1d" config: expected an object, got \[\]/],
      [{ kind: "toy1d", model: { hidden: 0 } }, /model\.width.*got 0.*model.hidden is model.width/],
    ] as const) {
      const e = err(tree);
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toMatch(msg);
    }
  });
});
