// Image folder trees ROOT/<class>/*.png as a data set (data.dataset "folder"), through the Node
// API (prepareRunConfig, loadData): class names sorted and stored, the model's shape from the data
// (with notes), pixels as the independent test encoder wrote them (grey, RGB planes, grey
// replicated in an RGB set), the seeded test share, and every refusal a DataError naming the file
// or folder with expected and actual values.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshRuntime } from "../helpers/wasm.js";
import { encodePng, writePngFolder } from "../helpers/png_files.js";
import { loadData, prepareRunConfig } from "../../src/node.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import type { RunConfig } from "../../src/models/registry.js";
import { DataError } from "../../src/runtime/errors.js";
import { kindOf } from "../../src/models/registry.js";

const tmp = () => mkdtempSync(join(tmpdir(), "sdebnn-folder-"));
const folderCfg = (sets: string[]): RunConfig => resolvePreset("tiny", undefined, ["data.dataset=folder", ...sets]);
const images = (set: unknown) => (set as { images: { count: number; channels: number; height: number; width: number; pixels: Uint8Array; labels: Uint8Array } }).images;
const fails = (f: () => unknown): Error => {
  try { f(); } catch (e) { return e as Error; }
  throw new Error("expected an error");
};

describe("data.dataset folder", () => {
  it("class names sorted and stored, model shape from the data (notes), pixels as written", async () => {
    const root = tmp();
    writePngFolder(join(root, "train"), { classes: ["zebra", "ant", "Moth"], perClass: 4, width: 6, height: 4 });
    const notes: string[] = [];
    const cfg = prepareRunConfig(folderCfg([`data.dir=${join(root, "train")}`, "data.testFraction=0.25"]), { onNote: (l) => notes.push(l) }) as ImageRunConfig;
    expect(cfg.data.classNames).toEqual(["Moth", "ant", "zebra"]); // code-unit order
    expect([cfg.model.channels, cfg.model.height, cfg.model.width, cfg.model.classes]).toEqual([1, 4, 6, 3]);
    expect(notes).toEqual([`model.height 8 -> 4 (from the PNGs in ${join(root, "train")})`, `model.width 8 -> 6 (from the PNGs in ${join(root, "train")})`,
      `model.classes 4 -> 3 (from the PNGs in ${join(root, "train")})`]);
    expect(kindOf(cfg).classNames!(cfg)).toEqual(["Moth", "ant", "zebra"]);
    const d = loadData(await freshRuntime(), cfg);
    const tr = images(d.train), te = images(d.test);
    expect([tr.count, te.count]).toEqual([9, 3]); // round(12 * 0.25) held out
    // the two parts together are the 12 files, each once: compare pixel rows with a fresh read of every file
    const all = images(loadData(await freshRuntime(), prepareRunConfig(folderCfg([`data.dir=${join(root, "train")}`, `data.testDir=${join(root, "train")}`]))).test);
    expect(all.count).toBe(12);
    const rows = (s: typeof tr) => Array.from({ length: s.count }, (_, i) => `${s.labels[i]}:${Array.from(s.pixels.subarray(i * 24, i * 24 + 24))}`);
    expect([...rows(tr), ...rows(te)].sort()).toEqual(rows(all).sort());
    // files in class order (Moth, ant, zebra), labels their sorted indices
    expect(Array.from(all.labels)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it("grey and RGB: RGB planes, grey replicated to 3 channels in a set with a colour image", async () => {
    const root = tmp();
    mkdirSync(join(root, "a")); mkdirSync(join(root, "b"));
    // a: one RGB image, pixel (x, y) = (10x + y, 100 + x, 200 - y); b: a grey image
    const rgb: number[] = [], grey: number[] = [];
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) { rgb.push(10 * x + y, 100 + x, 200 - y); grey.push(7 * x + 50 * y); }
    writeFileSync(join(root, "a", "1.png"), encodePng(3, 2, 3, rgb));
    writeFileSync(join(root, "b", "1.png"), encodePng(3, 2, 1, grey));
    writeFileSync(join(root, "b", "notes.txt"), "not an image: skipped");
    writeFileSync(join(root, "README.md"), "beside the class folders: skipped");
    writeFileSync(join(root, "a", ".DS_Store"), "hidden: skipped without a note");
    const notes: string[] = [];
    const cfg = prepareRunConfig(folderCfg([`data.dir=${root}`, `data.testDir=${root}`]), { onNote: (n) => notes.push(n) }) as ImageRunConfig;
    expect(notes).toContain(`skipped 2 entries of ${root} that are not a PNG file in a class folder: ${join(root, "README.md")}, ${join(root, "b", "notes.txt")}`);
    expect(cfg.model.channels).toBe(3);
    const s = images(loadData(await freshRuntime(), cfg).train);
    const planes = (px: number[], c: number) => px.filter((_, i) => i % 3 === c);
    expect(Array.from(s.pixels.subarray(0, 18))).toEqual([...planes(rgb, 0), ...planes(rgb, 1), ...planes(rgb, 2)]);
    expect(Array.from(s.pixels.subarray(18, 36))).toEqual([...grey, ...grey, ...grey]);
  });

  it("an image of another size: DataError naming the file, the expected and the actual size", () => {
    const root = tmp();
    writePngFolder(root, { classes: ["a", "b"], perClass: 2, width: 5, height: 5 });
    writeFileSync(join(root, "b", "odd.png"), encodePng(4, 5, 1, new Array(20).fill(9)));
    const e = fails(() => prepareRunConfig(folderCfg([`data.dir=${root}`])));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${join(root, "b", "odd.png")}: expected a 5x5 image (as ${join(root, "a", "000.png")}, the first image), got 4x5`);
  });

  it("a test folder image of another size than the model's; a test class the model does not know", async () => {
    const root = tmp();
    writePngFolder(join(root, "train"), { classes: ["a", "b"], perClass: 3, width: 5, height: 5 });
    writePngFolder(join(root, "test"), { classes: ["a"], perClass: 1, width: 5, height: 6 });
    const cfg = prepareRunConfig(folderCfg([`data.dir=${join(root, "train")}`, `data.testDir=${join(root, "test")}`]));
    const rt = await freshRuntime();
    expect(fails(() => loadData(rt, cfg)).message).toBe(`${join(root, "test", "a", "000.png")}: expected a 5x5 image (the model's input size, model.width x model.height), got 5x6`);
    writePngFolder(join(root, "test2"), { classes: ["a", "c"], perClass: 1, width: 5, height: 5 });
    const e = fails(() => loadData(rt, { ...cfg, data: { ...cfg.data, testDir: join(root, "test2") } } as RunConfig));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/test2\/c: class folder "c" is not one of the model's classes \(data.classNames\): "a", "b"$/);
  });

  it("an empty class folder, a folder without class folders, a single class: DataErrors naming the folder", () => {
    const root = tmp();
    writePngFolder(root, { classes: ["a", "b"], perClass: 1, width: 4, height: 4 });
    mkdirSync(join(root, "empty"));
    writeFileSync(join(root, "empty", "readme.md"), "no PNGs here");
    let e = fails(() => prepareRunConfig(folderCfg([`data.dir=${root}`])));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${join(root, "empty")}: class folder "empty" holds no PNG files (*.png)`);
    const flat = tmp();
    writeFileSync(join(flat, "x.png"), encodePng(1, 1, 1, [0]));
    e = fails(() => prepareRunConfig(folderCfg([`data.dir=${flat}`])));
    expect(e.message).toBe(`${flat}: no class folders (expected ${flat}/<class>/*.png, one sub-folder per class)`);
    const one = tmp();
    writePngFolder(one, { classes: ["only"], perClass: 2, width: 4, height: 4 });
    expect(fails(() => prepareRunConfig(folderCfg([`data.dir=${one}`]))).message).toMatch(/one class folder \("only"\): a classifier needs at least 2 classes/);
    expect(fails(() => prepareRunConfig(folderCfg([`data.dir=${join(one, "missing")}`]))).message).toMatch(/training folder \(data.dir\) '.*missing' does not exist/);
  });
});
