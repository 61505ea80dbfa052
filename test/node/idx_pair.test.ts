// Any IDX image/label pair as a data set (data.dataset "idx"): raw and gzipped files, class names
// default "0".."K-1" (K = largest label + 1) or given, a seeded test share or a test pair, the
// model's shape from the images; refusals name the file with expected and actual values.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { freshRuntime } from "../helpers/wasm.js";
import { encodeIdx as idx } from "../helpers/idx_files.js";
import { loadData, prepareRunConfig } from "../../src/node.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { ConfigError, DataError } from "../../src/runtime/errors.js";

const dir = mkdtempSync(join(tmpdir(), "sdebnn-idx-"));
const put = (name: string, b: Uint8Array) => { writeFileSync(join(dir, name), b); return join(dir, name); };
const cfgOf = (sets: string[]) => resolvePreset("tiny", undefined, ["data.dataset=idx", ...sets]);
const images = (set: unknown) => (set as { images: { count: number; height: number; width: number; pixels: Uint8Array; labels: Uint8Array; numClasses: number } }).images;
const fails = (f: () => unknown): Error => { try { f(); } catch (e) { return e as Error; } throw new Error("expected an error"); };

// 10 images of 3x2 pixels: image i has every pixel = 20 i, label i % 3
const px = Array.from({ length: 10 }, (_, i) => new Array(6).fill(20 * i)).flat();
const trainImages = put("train-images.idx3-ubyte", idx([10, 3, 2], px));
const trainLabels = put("train-labels.idx1-ubyte.gz", gzipSync(idx([10], Array.from({ length: 10 }, (_, i) => i % 3))));

describe("data.dataset idx", () => {
  it("a raw image file and a gzipped label file: classes \"0\"..\"2\", shape 3x2, a seeded test share", async () => {
    const cfg = prepareRunConfig(cfgOf([`data.trainImages=${trainImages}`, `data.trainLabels=${trainLabels}`, "data.testFraction=0.2"])) as ImageRunConfig;
    expect(cfg.data.classNames).toEqual(["0", "1", "2"]);
    expect([cfg.model.channels, cfg.model.height, cfg.model.width, cfg.model.classes]).toEqual([1, 3, 2, 3]);
    const d = loadData(await freshRuntime(), cfg), tr = images(d.train), te = images(d.test);
    expect([tr.count, te.count]).toEqual([8, 2]);
    // each example keeps its own label: pixel value 20 i <-> label i % 3
    for (const s of [tr, te]) for (let k = 0; k < s.count; k++) expect(s.labels[k]).toBe((s.pixels[k * 6]! / 20) % 3);
    const ids = [...tr.pixels.filter((_, i) => i % 6 === 0), ...te.pixels.filter((_, i) => i % 6 === 0)].map((v) => v / 20).sort((a, b) => a - b);
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("named classes (Fashion-MNIST style) and a test pair", async () => {
    const testImages = put("t-images.gz", gzipSync(idx([2, 3, 2], new Array(12).fill(5)))), testLabels = put("t-labels", idx([2], [2, 0]));
    const cfg = prepareRunConfig(cfgOf([`data.trainImages=${trainImages}`, `data.trainLabels=${trainLabels}`, `data.testImages=${testImages}`,
      `data.testLabels=${testLabels}`, "data.classNames=shirt,trouser,bag"])) as ImageRunConfig;
    expect(cfg.data.classNames).toEqual(["shirt", "trouser", "bag"]);
    const te = images(loadData(await freshRuntime(), cfg).test);
    expect([te.count, Array.from(te.labels)]).toEqual([2, [2, 0]]);
  });

  it("refusals: counts that differ, a label beyond the named classes, test images of another size, half a test pair", async () => {
    const fewLabels = put("few.idx", idx([9], new Array(9).fill(1)));
    let e = fails(() => prepareRunConfig(cfgOf([`data.trainImages=${trainImages}`, `data.trainLabels=${fewLabels}`])));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${fewLabels}: label count does not match ${trainImages}: expected 10 labels, got 9`);
    e = fails(() => prepareRunConfig(cfgOf([`data.trainImages=${trainImages}`, `data.trainLabels=${trainLabels}`, "data.classNames=a,b"])));
    expect(e.message).toBe(`${trainLabels}: label 2 at byte offset 10: expected a class in [0, 1], got 2`);
    const big = put("big.idx", idx([1, 4, 2], new Array(8).fill(0))), bigLabels = put("big-labels.idx", idx([1], [0]));
    const cfg = prepareRunConfig(cfgOf([`data.trainImages=${trainImages}`, `data.trainLabels=${trainLabels}`, `data.testImages=${big}`, `data.testLabels=${bigLabels}`]));
    const rt = await freshRuntime();
    e = fails(() => loadData(rt, cfg));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${big}: expected 3x2 images for this 1-channel model (model.channels, height, width), got 4x2`);
    e = fails(() => cfgOf([`data.trainImages=${trainImages}`, `data.trainLabels=${trainLabels}`, `data.testImages=${big}`]));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/'data.testLabels' is missing: data.dataset "idx" takes test images and labels together/);
    expect(fails(() => cfgOf([`data.trainImages=${trainImages}`])).message).toMatch(/'data.trainLabels' is missing: data.dataset "idx" needs the training images and labels/);
  });
});
