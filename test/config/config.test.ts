// Config validation messages: each names the field path, what was expected and what was given;
// unknown keys suggest the closest valid name; prototype-reaching keys are refused in JSON and in
// --set; presets resolve with file and --set overrides on top.
import { describe, expect, it } from "vitest";
import { resolvePreset, resolveRunConfig, PRESETS } from "../../src/presets/index.js";
import { parseConfigJson } from "../../src/config/overrides.js";
import { ConfigError } from "../../src/runtime/errors.js";

const msg = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(ConfigError); return (e as Error).message; }
  throw new Error("expected a ConfigError");
};

describe("config validation", () => {
  it("every preset resolves, and overrides land where they say", () => {
    for (const name of Object.keys(PRESETS)) expect(resolvePreset(name).kind).toBe(name.startsWith("toy1d") ? "tabular" : "image");
    // the toy1d presets: the tabular kind on its embedded points, no head, a fixed Gaussian std (paper: Laplace)
    expect(resolvePreset("toy1d")).toMatchObject({ data: { dataset: "toy1d", schema: { features: [{ name: "x", center: 4, scale: 1 }], target: { name: "y" } } },
      model: { head: "none", stochastic: "last", sigma: 1, w0: "meanfield", w0PriorStd: 0.3, likelihood: "gaussian", gaussianStd: 0.1 } });
    expect(resolvePreset("toy1d-paper")).toMatchObject({ data: { toy1d: { scale: 4 } }, model: { head: "none", stochastic: "all", width: 64, likelihood: "laplace", likelihoodScale: 0.1 } });
    expect(resolvePreset("toy1d-odenet").model).toMatchObject({ head: "none", sigma: 0, w0: "point" });
    const c = resolvePreset("mnist", { train: { batch: 32 } }, ["model.hidden=32", "model.groups=[1,1]", "train.lr=3e-4"]);
    expect(c.kind === "image" && [c.model.hidden, c.model.groups, c.train.lr, c.train.batch, c.model.sigma]).toEqual([32, [1, 1], 3e-4, 32, 0.2]);
    expect(resolvePreset("mnist-odenet").kind === "image" && resolvePreset("mnist-odenet").model).toMatchObject({ sigma: 0, w0: "point", head: "point" });
  });

  it("model.diffusionScale: the mnist SDE-BNN scales its diffusion, the baselines have none to scale (set there: a ConfigError)", () => {
    const model = (name: string) => { const c = resolvePreset(name); return c.kind === "image" ? c.model : null; };
    expect(model("mnist")).toMatchObject({ sigma: 0.2, diffusionScale: "init" });
    for (const name of ["mnist-odenet", "mnist-resnet", "mnist-mfresnet", "cifar10", "cifar10-odenet", "tiny"]) expect(model(name)!.diffusionScale, name).toBeUndefined();
    expect(msg(() => resolvePreset("mnist", undefined, ["model.sigma=0"]))).toBe(
      `config field 'model.diffusionScale': set to "init", but model.sigma 0 (the ODE limit: constant weights) has no weight diffusion to scale: remove it (or set it to "none")`);
    expect(msg(() => resolvePreset("mnist-resnet", undefined, ["model.diffusionScale=init"]))).toMatch(/^config field 'model.diffusionScale': set to "init", but model.arch "resnet" has no weight diffusion/);
    expect(msg(() => resolveRunConfig({ kind: "image", model: { sigma: 0, diffusionScale: "init" } }))).toMatch(/model.sigma 0/);
    const off = resolvePreset("mnist", undefined, ["model.sigma=0", "model.diffusionScale=none"]);
    expect(off.kind === "image" && [off.model.sigma, off.model.diffusionScale]).toEqual([0, "none"]);
  });

  it("unknown keys name the path and suggest the closest valid key", () => {
    expect(msg(() => resolvePreset("mnist", undefined, ["model.hiden=3"]))).toMatch(/model\.hiden.*did you mean 'hidden'/);
    expect(msg(() => resolvePreset("mnist", { trian: {} }))).toMatch(/'trian'.*did you mean 'train'/);
    expect(msg(() => resolvePreset("mnst"))).toMatch(/unknown preset 'mnst'.*did you mean 'mnist'/);
  });

  it("types, ranges, integers and enums: expected vs got", () => {
    expect(msg(() => resolvePreset("mnist", undefined, ["train.lr=-1"]))).toMatch(/train\.lr.*expected.*got "-1"|train\.lr.*expected.*-1/);
    expect(msg(() => resolvePreset("mnist", { model: { hidden: 2.5 } }))).toMatch(/model\.hidden.*integer.*got 2\.5/);
    expect(msg(() => resolvePreset("mnist", { model: { hidden: "16" } }))).toMatch(/model\.hidden.*got "16"/);
    expect(msg(() => resolvePreset("mnist", undefined, ["model.solver=eulr"]))).toMatch(/model\.solver.*did you mean 'euler'/);
    expect(msg(() => resolvePreset("mnist", undefined, ["train.batch=1e400"]))).toMatch(/train\.batch/);
    expect(msg(() => resolveRunConfig({ kind: "cnn" }))).toMatch(/'kind': expected one of "image", "tabular", got "cnn"/);
  });

  it("prototype-reaching keys are refused in JSON trees and in --set", () => {
    expect(msg(() => resolvePreset("mnist", JSON.parse('{"__proto__": {"x": 1}}')))).toMatch(/'__proto__' is not allowed/);
    expect(msg(() => resolvePreset("mnist", { model: { constructor: 1 } }))).toMatch(/model\.constructor.*not allowed/);
    expect(msg(() => resolvePreset("mnist", undefined, ["model.__proto__.x=1"]))).toMatch(/'__proto__' is not allowed/);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("malformed --set and JSON name the input", () => {
    expect(msg(() => resolvePreset("mnist", undefined, ["model.hidden"]))).toMatch(/expected key=value/);
    expect(msg(() => resolvePreset("mnist", undefined, ["model..hidden=3"]))).toMatch(/empty path segment/);
    expect(msg(() => parseConfigJson("{bad", "my.json"))).toMatch(/my\.json: not valid JSON/);
  });
});
