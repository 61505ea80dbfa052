// A data option the chosen data source does not read is a ConfigError naming the option and the
// data source, for every kind: each image data set against every data field it ignores, the
// tabular test share beside a test file, the CSV options beside the embedded toy1d points and
// data.toy1d beside a CSV file. The options a
// source does read are accepted.
import { describe, expect, it } from "vitest";
import { resolvePreset } from "../../src/presets/index.js";
import { resolveRunConfig } from "../../src/models/registry.js";
import { IMAGE_DATASETS, imageDataOptionsUsed, imageDataSchema } from "../../src/models/image_config.js";
import { tabularRunSchema } from "../../src/models/tabular_config.js";
import { toy1dDataSchema } from "../../src/models/toy1d_data.js";
import { ConfigError } from "../../src/runtime/errors.js";
import type { Schema } from "../../src/config/schema.js";
import { defaults } from "../../src/config/schema.js";

/** A valid value of a field that is not its default. */
function otherValue(f: Schema): string {
  switch (f.kind) {
    case "string": return "some/path";
    case "number": return String(f.integer ? (f.default ?? 0) + 3 : ((f.default ?? 0) + (f.max ?? 1)) / 2);
    case "array": return "a,b";
    case "boolean": return String(!f.default);
    case "enum": return f.values.find((v) => v !== f.default)!;
    default: throw new Error(f.kind);
  }
}
const needs: Record<string, string[]> = {
  folder: ["data.dir=train"], idx: ["data.trainImages=i", "data.trainLabels=l"], mnist: [], cifar10: [], synthetic: [],
};
const err = (f: () => unknown): Error => { try { f(); } catch (e) { return e as Error; } throw new Error("expected an error"); };

describe("data options a data set ignores", () => {
  for (const ds of IMAGE_DATASETS) {
    it(`image, data.dataset ${ds}: every ignored option is a ConfigError naming it and the data set; the used ones pass`, () => {
      const base = { ...defaults(imageDataSchema), dataset: ds };
      const used = imageDataOptionsUsed(base);
      const ignored = Object.keys(imageDataSchema.fields).filter((k) => !used.includes(k));
      if (ds !== "folder" && ds !== "idx") expect(ignored).toEqual(expect.arrayContaining(["testDir", "trainImages", "classNames", "testFraction"]));
      for (const k of ignored) {
        const v = otherValue(imageDataSchema.fields[k as keyof typeof imageDataSchema.fields]);
        const e = err(() => resolvePreset("tiny", undefined, [`data.dataset=${ds}`, ...needs[ds]!, `data.${k}=${v}`]));
        expect(e, k).toBeInstanceOf(ConfigError);
        expect(e.message, k).toMatch(new RegExp(`^config field 'data\\.${k}': set to .*, but data\\.dataset "${ds}" does not read it \\(it reads data\\.dataset, `));
      }
      for (const k of used.filter((k) => k !== "dataset" && !(ds === "idx" && (k === "testImages" || k === "testLabels")))) {
        const v = otherValue(imageDataSchema.fields[k as keyof typeof imageDataSchema.fields]);
        expect(() => resolvePreset("tiny", undefined, [`data.dataset=${ds}`, ...needs[ds]!, `data.${k}=${v}`]), k).not.toThrow();
      }
    });
  }

  it("the issue's case: --set data.dir with the tiny preset (synthetic images)", () => {
    expect(err(() => resolvePreset("tiny", undefined, ["data.dir=/my/images"])).message)
      .toBe(`config field 'data.dir': set to "/my/images", but data.dataset "synthetic" does not read it (it reads data.dataset, data.valFraction, data.trainLimit, data.testLimit): remove it or choose a data source that uses it`);
  });

  it("folder: data.testFraction beside data.testDir; idx: beside a test pair", () => {
    expect(err(() => resolvePreset("tiny", undefined, ["data.dataset=folder", "data.dir=a", "data.testDir=b", "data.testFraction=0.3"])).message)
      .toMatch(/^config field 'data.testFraction': set to 0.3, but data.dataset "folder" does not read it/);
    expect(err(() => resolvePreset("tiny", undefined, ["data.dataset=idx", "data.trainImages=a", "data.trainLabels=b", "data.testImages=c", "data.testLabels=d", "data.testFraction=0.3"])).message)
      .toMatch(/^config field 'data.testFraction': set to 0.3, but data.dataset "idx" does not read it/);
    expect(err(() => resolvePreset("tiny", undefined, ["data.dataset=folder"])).message).toMatch(/'data.dir' is missing: data.dataset "folder" needs the training folder/);
  });

  it("tabular: data.testFraction beside data.test; every other data option is read", () => {
    const e = err(() => resolveRunConfig({ kind: "tabular" }, ["data.file=a.csv", "data.target=y", "data.test=b.csv", "data.testFraction=0.2"]));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/^config field 'data.testFraction': set to 0.2, but a run with a test file \(data.test\) does not read it/);
    expect(() => resolveRunConfig({ kind: "tabular" }, ["data.file=a.csv", "data.target=y", "data.testFraction=0.2", "data.dropMissing=true", "data.valFraction=0.1"])).not.toThrow();
  });

  it("tabular, data.dataset toy1d: every data.toy1d option is read; the CSV options are refused beside it, data.toy1d beside a CSV file", () => {
    const toy = { kind: "tabular", data: { dataset: "toy1d" } };
    for (const [k, f] of Object.entries(toy1dDataSchema.fields)) {
      if (f.kind === "array") continue;
      expect(() => resolveRunConfig(toy, [`data.toy1d.${k}=${otherValue(f)}`]), k).not.toThrow();
    }
    expect(resolveRunConfig(toy, ["data.toy1d.ranges=[[0,1],[3,4]]", "data.valFraction=0.2"]).data).toMatchObject({ toy1d: { ranges: [[0, 1], [3, 4]] }, valFraction: 0.2 });
    for (const k of ["file", "test", "target", "features", "task", "testFraction", "dropMissing"]) {
      const v = otherValue(tabularRunSchema.fields.data.fields[k as keyof typeof tabularRunSchema.fields.data.fields]);
      const e = err(() => resolveRunConfig(toy, [`data.${k}=${v}`]));
      expect(e, k).toBeInstanceOf(ConfigError);
      expect(e.message, k).toMatch(new RegExp(`^config field 'data\\.${k}': set to .*, but data\\.dataset "toy1d" \\(the embedded points\\) does not read it \\(it reads data\\.dataset, data\\.toy1d, data\\.valFraction, data\\.schema\\)`));
    }
    expect(err(() => resolveRunConfig({ kind: "tabular" }, ["data.file=a.csv", "data.target=y", "data.toy1d.scale=2"])).message)
      .toMatch(/^config field 'data.toy1d': set to \{.*"scale":2.*\}, but data.dataset "csv" does not read it/);
    // the schema follows from data.toy1d; a contradicting one is refused
    expect(resolveRunConfig(toy, ["data.toy1d.scale=4"]).data).toMatchObject({ schema: { features: [{ name: "x", center: 4, scale: 4 }], target: { name: "y", center: 0, scale: 1 } } });
    expect(err(() => resolveRunConfig({ kind: "tabular", data: { dataset: "toy1d", schema: { features: [{ name: "x", scale: 2 }], target: { name: "y" } } } })).message)
      .toMatch(/^config field 'data.schema': data.dataset "toy1d" gives .* \(from data.toy1d\), got .*: set data.toy1d.center and data.toy1d.scale instead/);
  });
});
