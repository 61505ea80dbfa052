// Image folders and IDX pairs through dist/cli.js: train on a generated PNG folder (class names in
// the config, notes for the shape the data set), eval (class names printed; another test folder
// with --set data.testDir), predict (class names, --out CSV columns), the size-mismatch error and
// its exit code, ignored data options (exit 3) for train and eval, the generated data-option help,
// and reproduce after the data folder moved.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";
import { encodePng, writePngFolder } from "../helpers/png_files.js";
import { imageDataSchema } from "../../src/models/image_config.js";
import { tabularRunSchema } from "../../src/models/tabular_config.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const SETS = ["model.hidden=8", "model.nnHidden=8", "train.epochs=12", "train.lr=1e-2", "eval.samples=4"].flatMap((s) => ["--set", s]);
const CLASSES = ["cat", "dog", "emu"];

describe("image folders through the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-imgcli-"));
  const train = writePngFolder(join(dir, "train"), { classes: CLASSES, perClass: 30, width: 12, height: 12, seed: 1 });
  const test = writePngFolder(join(dir, "test"), { classes: CLASSES, perClass: 8, width: 12, height: 12, seed: 2 });
  const out = join(dir, "run"), ck = join(out, "checkpoint.safetensors");

  it("train, eval, predict: class names stored and printed, accuracy above chance, predictions CSV columns", () => {
    const t = cli("train", "--preset", "mnist", "--set", "data.dataset=folder", "--set", `data.dir=${train}`, "--set", `data.testDir=${test}`, ...SETS, "--out", out, "--json");
    expect(t.code, t.err).toBe(0);
    expect(t.err).toContain(`note: model.height 28 -> 12 (from the PNGs in ${train})`);
    expect(t.err).toContain(`note: model.classes 10 -> 3 (from the PNGs in ${train})`);
    const res = JSON.parse(t.out);
    expect(res.test.count).toBe(24);
    expect(res.test.accuracy).toBeGreaterThan(0.8); // chance is 1/3
    const cfg = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    expect(cfg.data.classNames).toEqual(CLASSES);
    expect([cfg.model.channels, cfg.model.height, cfg.model.width, cfg.model.classes]).toEqual([1, 12, 12, 3]);
    const e = cli("eval", "--checkpoint", ck);
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/accuracy \d+\.\d\d %/);
    expect(e.out).toContain("classes: cat, dog, emu");
    const ej = JSON.parse(cli("eval", "--checkpoint", ck, "--json").out);
    expect([ej.accuracy, ej.count, ej.classNames]).toEqual([res.test.accuracy, 24, CLASSES]);
    // another test folder (a subset of the classes)
    const other = writePngFolder(join(dir, "other"), { classes: ["emu"], perClass: 5, width: 12, height: 12, seed: 3 });
    const eo = JSON.parse(cli("eval", "--checkpoint", ck, "--set", `data.testDir=${other}`, "--json").out);
    expect(eo.count).toBe(5);
    const csv = join(dir, "preds.csv");
    const p = cli("predict", "--checkpoint", ck, join(test, "dog", "000.png"), join(test, "emu", "001.png"), "--out", csv);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/dog\/000\.png#0: class dog \(p /);
    expect(p.out).toMatch(/emu\/001\.png#0: class emu \(p /);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("input,row,predicted,p_cat,p_dog,p_emu,entropy,mutual_information");
    expect(lines[1]!.split(",")[2]).toBe("dog");
    const probs = lines[1]!.split(",").slice(3, 6).map(Number);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }, 180_000);

  it("an image of another size: exit 4, the file, expected and actual size (train and predict)", () => {
    const bad = join(dir, "bad");
    cpSync(train, bad, { recursive: true });
    writeFileSync(join(bad, "dog", "wide.png"), encodePng(13, 12, 1, new Array(156).fill(0)));
    const t = cli("train", "--preset", "mnist", "--set", "data.dataset=folder", "--set", `data.dir=${bad}`, "--out", join(dir, "r-bad"));
    expect(t.code).toBe(4);
    expect(t.err).toContain(`DataError [E_DATA]: ${join(bad, "dog", "wide.png")}: expected a 12x12 image (as ${join(bad, "cat", "000.png")}, the first image), got 13x12`);
    const p = cli("predict", "--checkpoint", ck, join(bad, "dog", "wide.png"));
    expect(p.code).toBe(4);
    expect(p.err).toContain(`${join(bad, "dog", "wide.png")}: expected a 12x12 image for this 1-channel model, got 13x12`);
  });

  it("data options the data set ignores: exit 3 for train and eval; eval and predict refuse options that make no sense there", () => {
    const t = cli("train", "--preset", "tiny", "--set", `data.dir=${train}`, "--out", join(dir, "r-tiny"));
    expect(t.code).toBe(3);
    expect(t.err).toMatch(/ConfigError \[E_CONFIG\]: config field 'data.dir': set to ".*", but data.dataset "synthetic" does not read it/);
    const e = cli("eval", "--checkpoint", ck, "--set", "data.testImages=x.idx");
    expect(e.code).toBe(3);
    expect(e.err).toMatch(/config field 'data.testImages': set to "x.idx", but data.dataset "folder" does not read it/);
    expect(cli("eval", "--checkpoint", ck, "--set", "data.classNames=a,b,c").code).toBe(2);
    expect(cli("eval", "--checkpoint", ck, "--set", "model.sigma=0").err).toMatch(/only data options \(data.KEY=VALUE\) can be changed here/);
    const p = cli("predict", "--checkpoint", ck, "--set", "data.dir=x", join(test, "dog", "000.png"));
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/predict reads its INPUT files/);
  });

  it("reproduce after the data folder moved: --set data.dir and data.testDir, bit-identical", () => {
    const moved = join(dir, "moved");
    cpSync(train, join(moved, "train"), { recursive: true });
    cpSync(test, join(moved, "test"), { recursive: true });
    const r = cli("reproduce", join(out, "manifest.json"), "--set", `data.dir=${join(moved, "train")}`, "--set", `data.testDir=${join(moved, "test")}`, "--json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).identical).toBe(true);
    const bad = cli("reproduce", join(out, "manifest.json"), "--set", "data.valFraction=0.3");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/data.valFraction would change the recorded run; only the data files' locations can change \(data.dir, data.testDir, data.trainImages/);
  }, 180_000);

  it("train --help lists every data option of every kind, from the schemas' docs", () => {
    const h = cli("train", "--help").out.replace(/\s+/g, " ");
    for (const [k, f] of Object.entries(imageDataSchema.fields)) {
      expect(h, k).toContain(`data.${k} `);
      if (f.doc) expect(h, k).toContain(f.doc.replace(/\s+/g, " ").slice(0, 40));
    }
    for (const k of Object.keys(tabularRunSchema.fields.data.fields).filter((k) => k !== "schema")) expect(h, k).toMatch(new RegExp(`data\\.${k}[ .]`));
    expect(h).not.toContain("data.schema");
    expect(h).toContain("data.toy1d.perCluster"); // the embedded toy1d points
  });
});
