// A data option the chosen data source does not read is a ConfigError naming the option and the
// data source, for every kind: each image data set against every data field it ignores, the
// tabular test share beside a test file; toy1d reads all of its data options. The options a
// source does read are accepted.
import { describe, expect, it } from "vitest";
import { resolvePreset } from "../../src/presets/index.js";
import { resolveRunConfig } from "../../src/models/registry.js";
import { IMAGE_DATASETS, imageDataOptionsUsed, imageDataSchema } from "../../src/models/image_config.js";
import { tabularRunSchema } from "../../src/models/tabular_config.js";
import { toy1dRunSchema } from "../../src/models/toy1d_config.js";
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

  it("toy1d: every data option is read (each may be set)", () => {
    for (const [k, f] of Object.entries(toy1dRunSchema.fields.data.fields)) {
      if (f.kind === "array") continue; // data.ranges: pairs, set in the test below
      expect(() => resolveRunConfig({ kind: "toy1d" }, [`data.${k}=${otherValue(f)}`]), k).not.toThrow();
    }
    expect(() => resolveRunConfig({ kind: "toy1d" }, ["data.ranges=[[0,1],[3,4]]"])).not.toThrow();
    expect(Object.keys(tabularRunSchema.fields.data.fields)).toContain("dropMissing");
  });
});
