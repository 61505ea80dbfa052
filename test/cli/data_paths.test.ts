// Relative data paths (issue 16): `train --set data.dir=REL` is resolved against the working
// directory of train and stored absolute in config.json and the checkpoint, so eval and reproduce
// from another working directory read the same files (the same accuracy, a bit-identical re-run);
// after the data moved, eval and reproduce say which path is missing and how to name the new place
// (exit 6), and their own relative --set paths are taken from their working directory; eval reads
// (and checks) only the test data when the run names its own (data.testDir, a table's data.test). IDX and
// CSV paths (--set data.trainImages, --data, --set data.file) are stored the same way.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";
import { writePngFolder } from "../helpers/png_files.js";
import { encodeIdx } from "../helpers/idx_files.js";

const cli = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const SETS = ["model.hidden=8", "model.nnHidden=8", "train.epochs=4", "train.batch=16", "eval.samples=2"].flatMap((s) => ["--set", s]);

const work = mkdtempSync(join(tmpdir(), "sdebnn-paths-")), elsewhere = mkdtempSync(join(tmpdir(), "sdebnn-elsewhere-"));
const ck = join(work, "runs", "pets", "checkpoint.safetensors"), manifest = join(work, "runs", "pets", "manifest.json");
let accuracy = -1;

beforeAll(() => {
  writePngFolder(join(work, "pets", "train"), { classes: ["cat", "dog"], perClass: 16, width: 8, height: 8, seed: 1 });
  writePngFolder(join(work, "pets", "test"), { classes: ["cat", "dog"], perClass: 5, width: 8, height: 8, seed: 2 });
  const t = cli(work, "train", "--preset", "mnist", "--set", "data.dataset=folder", "--set", "data.dir=pets/train", "--set", "data.testDir=./pets/test", ...SETS,
    "--out", "runs/pets", "--json");
  expect(t.code, t.err).toBe(0);
  expect(t.err).toContain(`note: model.classes 10 -> 2 (from the PNGs in ${join(work, "pets", "train")})`);
  accuracy = JSON.parse(t.out).test.accuracy;
}, 120_000);

describe("relative data paths", () => {
  it("stored absolute (config.json, checkpoint): eval and reproduce from another working directory read the same files", () => {
    const cfg = JSON.parse(readFileSync(join(work, "runs", "pets", "config.json"), "utf8"));
    expect([cfg.data.dir, cfg.data.testDir]).toEqual([join(work, "pets", "train"), join(work, "pets", "test")]);
    const e = cli(elsewhere, "eval", "--checkpoint", ck, "--json");
    expect(e.code, e.err).toBe(0);
    expect([JSON.parse(e.out).count, JSON.parse(e.out).accuracy]).toEqual([10, accuracy]);
    const r = cli(elsewhere, "reproduce", manifest, "--json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).identical).toBe(true);
  }, 120_000);

  it("after the data moved: exit 6 naming the field, the path and --set; relative --set paths taken from eval's and reproduce's working directory", () => {
    renameSync(join(work, "pets"), join(work, "moved"));
    try {
      // eval reads the test folder only (data.testDir is set), so only that path is checked and named
      const e = cli(elsewhere, "eval", "--checkpoint", ck);
      expect(e.code).toBe(6);
      expect(e.err).toBe(`sdebnn: FileError [E_FILE]: data.testDir '${join(work, "pets", "test")}' does not exist: the run recorded this path when it was trained; ` +
        "if the data moved, name the new place: sdebnn eval ... --set data.testDir=PATH\n");
      const half = cli(work, "eval", "--checkpoint", ck, "--set", "data.dir=moved/train");
      expect(half.code).toBe(6);
      expect(half.err).toContain(`data.testDir '${join(work, "pets", "test")}' does not exist`);
      // the training folder is still missing: eval does not need it
      const moved = cli(work, "eval", "--checkpoint", ck, "--set", "data.testDir=moved/test", "--json");
      expect(moved.code, moved.err).toBe(0);
      expect([JSON.parse(moved.out).count, JSON.parse(moved.out).accuracy]).toEqual([10, accuracy]);
      const r = cli(elsewhere, "reproduce", manifest);
      expect(r.code).toBe(6);
      expect(r.err).toContain(`data.dir '${join(work, "pets", "train")}' does not exist: the run recorded this path when it was trained; ` +
        "if the data moved, name the new place: sdebnn reproduce ... --set data.dir=PATH");
      const rm = cli(work, "reproduce", manifest, "--set", "data.dir=moved/train", "--set", "data.testDir=moved/test", "--json");
      expect(rm.code, rm.err).toBe(0);
      expect(JSON.parse(rm.out).identical).toBe(true);
    } finally {
      renameSync(join(work, "moved"), join(work, "pets"));
    }
  }, 120_000);

  it("train --resume from another working directory: the stored absolute path differs, a ConfigError naming it (exit 3)", () => {
    cpSync(join(work, "pets"), join(elsewhere, "pets"), { recursive: true });
    const r = cli(elsewhere, "train", "--preset", "mnist", "--set", "data.dataset=folder", "--set", "data.dir=pets/train", "--set", "data.testDir=./pets/test", ...SETS,
      "--out", join(work, "runs", "pets"), "--resume");
    expect(r.code).toBe(3);
    expect(r.err).toContain(`at 'data.dir': ${JSON.stringify(join(work, "pets", "train"))} in the checkpoint, ${JSON.stringify(join(elsewhere, "pets", "train"))} now ` +
      "(resume with the same preset, config and --set flags; relative data paths from the same working directory)");
  });

  it("a table trained with --test: eval scores the test file without the training file, with the training run's test metrics", () => {
    const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${from + i},${((from + i) * 2.1 + ((from + i) % 3) * 0.4).toFixed(2)}`).join("\n");
    writeFileSync(join(work, "fit.csv"), `x,y\n${rows(0, 24)}\n`);
    writeFileSync(join(work, "heldout.csv"), `x,y\n${rows(24, 30)}\n`);
    const t = cli(work, "train", "--data", "fit.csv", "--target", "y", "--test", "heldout.csv", "--set", "train.epochs=5", "--set", "train.batch=8", "--out", "runs/table", "--json");
    expect(t.code, t.err).toBe(0);
    const trained = JSON.parse(t.out).test;
    renameSync(join(work, "fit.csv"), join(work, "fit.moved.csv"));
    try {
      const e = cli(elsewhere, "eval", "--checkpoint", join(work, "runs", "table", "checkpoint.safetensors"), "--json");
      expect(e.code, e.err).toBe(0);
      const r = JSON.parse(e.out);
      expect([r.count, r.rmse, r.nll]).toEqual([6, trained.rmse, trained.nll]);
      // without data.test the test share comes from the training file, which eval then needs
      const split = cli(work, "train", "--data", "heldout.csv", "--target", "y", "--set", "train.epochs=1", "--set", "train.batch=2", "--out", "runs/split", "--json");
      expect(split.code, split.err).toBe(0);
      renameSync(join(work, "heldout.csv"), join(work, "heldout.moved.csv"));
      const gone = cli(elsewhere, "eval", "--checkpoint", join(work, "runs", "split", "checkpoint.safetensors"));
      expect(gone.code).toBe(6);
      expect(gone.err).toContain(`data.file '${join(work, "heldout.csv")}' does not exist`);
    } finally {
      renameSync(join(work, "fit.moved.csv"), join(work, "fit.csv"));
    }
  }, 120_000);

  it("train: a missing relative folder names the absolute path it was resolved to (exit 6)", () => {
    const t = cli(work, "train", "--preset", "mnist", "--set", "data.dataset=folder", "--set", "data.dir=pet/train", "--out", "runs/none");
    expect(t.code).toBe(6);
    expect(t.err).toBe(`sdebnn: FileError [E_FILE]: data.dir '${join(work, "pet", "train")}' does not exist: check the path (a relative path is taken from the working directory)\n`);
  });

  it("IDX and CSV paths: stored absolute (--print-config)", () => {
    mkdirSync(join(work, "fashion"), { recursive: true });
    writeFileSync(join(work, "fashion", "images.idx"), encodeIdx([4, 2, 2], new Array(16).fill(7)));
    writeFileSync(join(work, "fashion", "labels.idx"), encodeIdx([4], [0, 1, 0, 1]));
    const idx = cli(work, "train", "--preset", "tiny", "--set", "data.dataset=idx", "--set", "data.trainImages=fashion/images.idx", "--set", "data.trainLabels=fashion/../fashion/labels.idx",
      "--out", "runs/idx", "--print-config");
    expect(idx.code, idx.err).toBe(0);
    const d = JSON.parse(idx.out).data;
    expect([d.trainImages, d.trainLabels]).toEqual([join(work, "fashion", "images.idx"), join(work, "fashion", "labels.idx")]);
    writeFileSync(join(work, "rows.csv"), "x,y\n1,2\n2,4\n3,6.5\n4,8\n5,9.5\n6,12\n7,14\n8,16.5\n9,18\n10,20\n");
    const viaFlag = cli(work, "train", "--data", "rows.csv", "--target", "y", "--test", "rows.csv", "--out", "runs/t", "--print-config");
    expect(viaFlag.code, viaFlag.err).toBe(0);
    expect([JSON.parse(viaFlag.out).data.file, JSON.parse(viaFlag.out).data.test]).toEqual([join(work, "rows.csv"), join(work, "rows.csv")]);
    writeFileSync(join(work, "tab.json"), JSON.stringify({ kind: "tabular", data: { target: "y" } }));
    const viaSet = cli(work, "train", "--config", "tab.json", "--set", "data.file=./rows.csv", "--out", "runs/t", "--print-config");
    expect(viaSet.code, viaSet.err).toBe(0);
    expect(JSON.parse(viaSet.out).data.file).toBe(join(work, "rows.csv"));
  });
});
