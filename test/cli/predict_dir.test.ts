// `sdebnn predict` on a directory (issue 16) through dist/cli.js, with a model trained on a
// generated PNG folder: DIR/<class>/*.png gives every file's true class, and the per-file rows are
// the rows of the same files given one by one (one predict call per file, the same bits); the
// accuracy summary is the count of rows whose predicted class is the folder's, and it equals what
// `eval` reports on the same folder (one chunk of eval.batch rows, the same evaluation draw). A
// flat folder, an IDX image file with --labels, and every layout error by its message and exit code.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";
import { encodePng, writePngFolder } from "../helpers/png_files.js";
import { encodeIdx } from "../helpers/idx_files.js";
import { decodePng } from "../../src/data/png.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const SETS = ["model.hidden=8", "model.nnHidden=8", "train.epochs=8", "train.batch=16", "train.lr=1e-2", "eval.samples=4"].flatMap((s) => ["--set", s]);
const CLASSES = ["cat", "dog", "emu"];

interface Row { input: string; index: number; trueClass?: string; className: string; probabilities: number[]; entropy: number; mutualInformation: number }
const predictJson = (...args: string[]) => {
  const r = cli("predict", "--checkpoint", ck, ...args, "--json");
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as { predictions: Row[]; summary?: { images: number; correct: number; accuracy: number; meanEntropy: number } };
};
const withoutTruth = ({ trueClass: _t, ...r }: Row) => r;

const dir = mkdtempSync(join(tmpdir(), "sdebnn-predict-dir-"));
const train = join(dir, "train"), test = join(dir, "test"), ck = join(dir, "run", "checkpoint.safetensors");
/** The test tree's files in the order predict takes them: class folders, then files, by name. */
const testFiles = () => CLASSES.flatMap((c) => readdirSync(join(test, c)).sort().map((f) => join(test, c, f)));

beforeAll(() => {
  writePngFolder(train, { classes: CLASSES, perClass: 20, width: 12, height: 12, seed: 1 });
  writePngFolder(test, { classes: CLASSES, perClass: 6, width: 12, height: 12, seed: 2 });
  const t = cli("train", "--preset", "mnist", "--set", "data.dataset=folder", "--set", `data.dir=${train}`, "--set", `data.testDir=${test}`, ...SETS, "--out", join(dir, "run"), "--json");
  expect(t.code, t.err).toBe(0);
}, 180_000);

describe("predict on a directory", () => {
  it("DIR/<class>/*.png: sorted rows with the true class, equal to the files one by one; the summary counts the matching rows and equals eval", () => {
    const d = predictJson(test);
    const files = testFiles();
    expect(d.predictions.map((r) => r.input)).toEqual(files);
    expect(d.predictions.map((r) => r.trueClass)).toEqual(CLASSES.flatMap((c) => new Array(6).fill(c)));
    const one = predictJson(...files);
    expect(d.predictions.map(withoutTruth)).toEqual(one.predictions);
    for (const r of one.predictions) expect(r.trueClass).toBeUndefined();
    expect(one.summary).toBeUndefined();
    const correct = d.predictions.filter((r) => r.className === r.trueClass).length;
    const entropy = d.predictions.reduce((a, r) => a + r.entropy, 0) / 18;
    expect(d.summary).toEqual({ images: 18, correct, accuracy: correct / 18, meanEntropy: entropy });
    expect(correct).toBeGreaterThan(12); // chance: 6 of 18
    const e = cli("eval", "--checkpoint", ck, "--json");
    expect(e.code, e.err).toBe(0);
    const m = JSON.parse(e.out);
    expect(m.count).toBe(18);
    expect(m.accuracy).toBe(d.summary!.accuracy);
    expect(m.entropy).toBeCloseTo(d.summary!.meanEntropy, 5); // the wasm's f32 mean vs the rows' f64 mean
  }, 120_000);

  it("text and CSV: each line names its true class, a summary line; --out has a true_class column", () => {
    const csv = join(dir, "preds.csv");
    const p = cli("predict", "--checkpoint", ck, test, "--out", csv);
    expect(p.code, p.err).toBe(0);
    const lines = p.out.trim().split("\n");
    expect(lines).toHaveLength(19);
    expect(lines[0]).toMatch(new RegExp(`^${join(test, "cat", "000.png")}#0: class (cat|dog|emu) \\(p [01]\\.\\d{4}; true cat\\), entropy `));
    const d = predictJson(test);
    const s = d.summary!;
    expect(lines[18]).toBe(`accuracy ${(100 * s.accuracy).toFixed(2)} % (${s.correct} of 18 images with a true class), mean entropy ${s.meanEntropy.toFixed(4)}`);
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toBe("input,row,true_class,predicted,p_cat,p_dog,p_emu,entropy,mutual_information");
    expect(rows.slice(1).map((l) => l.split(",").slice(0, 4))).toEqual(d.predictions.map((r) => [r.input, "0", r.trueClass, r.className]));
  }, 60_000);

  it("a flat folder: no true class, no summary; hidden files skipped", () => {
    const flat = join(dir, "flat");
    mkdirSync(flat);
    cpSync(join(test, "emu", "001.png"), join(flat, "b.png"));
    cpSync(join(test, "dog", "002.png"), join(flat, "A.PNG"));
    writeFileSync(join(flat, ".DS_Store"), "finder metadata");
    const d = predictJson(flat);
    expect(d.predictions.map((r) => r.input)).toEqual([join(flat, "A.PNG"), join(flat, "b.png")]); // code-unit order: 'A' < 'b'
    expect(d.summary).toBeUndefined();
    expect(d.predictions.map(withoutTruth)).toEqual(predictJson(join(test, "dog", "002.png"), join(test, "emu", "001.png")).predictions
      .map((r, i) => ({ ...r, input: [join(flat, "A.PNG"), join(flat, "b.png")][i] })));
    const p = cli("predict", "--checkpoint", ck, flat, "--out", join(dir, "flat.csv"));
    expect(p.code, p.err).toBe(0);
    expect(p.out).not.toMatch(/accuracy/);
    expect(readFileSync(join(dir, "flat.csv"), "utf8").split("\n")[0]).toBe("input,row,predicted,p_cat,p_dog,p_emu,entropy,mutual_information");
  }, 60_000);

  it("an IDX image file with --labels: the same rows and summary as the folder (one chunk, the same draw)", async () => {
    const files = testFiles(), px: number[] = [];
    for (const f of files) px.push(...(await decodePng(new Uint8Array(readFileSync(f)), f, { channels: 1 })).pixels);
    const labels = files.map((_, i) => Math.floor(i / 6));
    writeFileSync(join(dir, "test-images.idx"), encodeIdx([18, 12, 12], px));
    writeFileSync(join(dir, "test-labels.idx"), encodeIdx([18], labels));
    const d = predictJson(join(dir, "test-images.idx"), "--labels", join(dir, "test-labels.idx"));
    const folder = predictJson(test);
    expect(d.summary).toEqual(folder.summary);
    expect(d.predictions.map((r) => [r.trueClass, r.probabilities])).toEqual(folder.predictions.map((r) => [r.trueClass, r.probabilities]));
    writeFileSync(join(dir, "short-labels.idx"), encodeIdx([17], labels.slice(1)));
    const short = cli("predict", "--checkpoint", ck, join(dir, "test-images.idx"), "--labels", join(dir, "short-labels.idx"));
    expect(short.code).toBe(4);
    expect(short.err).toBe(`sdebnn: DataError [E_DATA]: ${join(dir, "short-labels.idx")}: label count does not match ${join(dir, "test-images.idx")}: expected 18 labels, got 17\n`);
    writeFileSync(join(dir, "big-labels.idx"), encodeIdx([18], [...labels.slice(0, 17), 3]));
    const big = cli("predict", "--checkpoint", ck, join(dir, "test-images.idx"), "--labels", join(dir, "big-labels.idx"));
    expect(big.code).toBe(4);
    expect(big.err).toContain(`${join(dir, "big-labels.idx")}: label 17 at byte offset 25: expected a class in [0, 2], got 3`);
    const two = cli("predict", "--checkpoint", ck, join(dir, "test-images.idx"), join(dir, "test-images.idx"), "--labels", join(dir, "test-labels.idx"));
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/--labels FILE goes with one INPUT file of images/);
  }, 60_000);

  it("layout errors: a folder that is not a class, a non-PNG file, an empty folder, files beside folders, another size, a non-image model", () => {
    const err = (d: string, code = 4) => {
      const r = cli("predict", "--checkpoint", ck, d);
      expect(r.code, r.err).toBe(code);
      return r.err;
    };
    const yak = join(dir, "yak");
    cpSync(test, yak, { recursive: true });
    mkdirSync(join(yak, "yak"));
    writeFileSync(join(yak, "yak", "0.png"), readFileSync(join(test, "cat", "000.png")));
    expect(err(yak)).toBe(`sdebnn: DataError [E_DATA]: ${join(yak, "yak")}: folder "yak" is not one of the model's classes ("cat", "dog", "emu"): the folders of DIR/<class>/*.png name each image's true class\n`);
    const notes = join(dir, "notes");
    cpSync(test, notes, { recursive: true });
    writeFileSync(join(notes, "dog", "notes.txt"), "not an image");
    writeFileSync(join(notes, "dog", ".hidden.png"), "skipped");
    expect(err(notes)).toBe(`sdebnn: DataError [E_DATA]: ${join(notes, "dog", "notes.txt")}: not a PNG file (*.png): predict DIR reads DIR/*.png or DIR/<class>/*.png; ` +
      "hidden files (names starting with '.') are skipped, move other files elsewhere\n");
    const empty = join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, ".DS_Store"), "");
    expect(err(empty)).toBe(`sdebnn: DataError [E_DATA]: ${empty}: no PNG files (*.png) in the input folder\n`);
    mkdirSync(join(empty, "cat"));
    expect(err(empty)).toBe(`sdebnn: DataError [E_DATA]: ${join(empty, "cat")}: no PNG files (*.png) in class folder "cat"\n`);
    const mixed = join(dir, "mixed");
    cpSync(test, mixed, { recursive: true });
    cpSync(join(test, "cat", "000.png"), join(mixed, "loose.png"));
    expect(err(mixed)).toBe(`sdebnn: DataError [E_DATA]: ${mixed}: holds both files ("loose.png") and folders ("cat"): predict DIR reads DIR/*.png or DIR/<class>/*.png, not both\n`);
    const nested = join(dir, "nested");
    cpSync(test, nested, { recursive: true });
    mkdirSync(join(nested, "emu", "more"));
    expect(err(nested)).toBe(`sdebnn: DataError [E_DATA]: ${join(nested, "emu", "more")}: a folder inside class folder "emu": predict DIR reads DIR/*.png or DIR/<class>/*.png\n`);
    const wide = join(dir, "wide");
    cpSync(test, wide, { recursive: true });
    writeFileSync(join(wide, "dog", "wide.png"), encodePng(13, 12, 1, new Array(156).fill(0)));
    expect(err(wide)).toBe(`sdebnn: DataError [E_DATA]: ${join(wide, "dog", "wide.png")}: expected a 12x12 image for this 1-channel model, got 13x12\n`);
    const tab = cli("predict", "--checkpoint", join(ROOT, "demo/houses-small.safetensors"), test);
    expect(tab.code).toBe(2);
    expect(tab.err).toContain(`${test} is a directory: a directory INPUT (its PNG files) is for image models, this is a tabular model`);
  }, 60_000);
});
