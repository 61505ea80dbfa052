// Numerical health beyond NaN (issue 21, item 8): the divergence guard on its own, a real run with
// lr 10 (its loss reaches ~1e26 at update 2) stopped with NumericalError (exit 5) keeping its last
// checkpoint, the same run with the guard disabled finishing at chance accuracy (what used to
// happen silently), and `eval` / `predict` / loadClassifier refusing NaN weights and overflowing
// predictions (exit 5) instead of printing "entropy 0.0000".
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DivergenceGuard, parseDivergenceState } from "../../src/train/divergence.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { loadModel as loadClassifier } from "../../src/api/model.js";
import { CheckpointError, NumericalError } from "../../src/runtime/errors.js";
import { freshRuntime, ROOT } from "../helpers/wasm.js";

const CLI = join(ROOT, "dist/cli.js");
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), "sdebnn-div-"));

describe("DivergenceGuard", () => {
  it("start level = mean of the first `warmup` losses; a later loss above factor x it throws, naming step, loss and bound", () => {
    const g = new DivergenceGuard({ factor: 100, warmup: 3 });
    g.observe(1, 2);
    expect(g.startLevel).toBe(2);
    g.observe(2, 150); // 150 <= 100 x 2
    expect(g.startLevel).toBe(76);
    g.observe(3, 4);
    expect(g.state).toEqual({ sum: 156, count: 3 });
    g.observe(4, 5200); // later losses do not move the start level (52)
    expect(g.startLevel).toBe(52);
    expect(() => g.observe(5, 5201)).toThrow(NumericalError);
    expect(() => g.observe(5, 5201)).toThrow(/training diverged at update 5: loss 5201 is above train\.divergeFactor 100 x 52\.00 \(the mean of the first 3 losses\)/);
  });
  it("the first loss is never checked; factor 0 disables; restored state applies the same bound", () => {
    const first = new DivergenceGuard({ factor: 10 });
    first.observe(1, 1e30);
    expect(first.startLevel).toBe(1e30);
    const off = new DivergenceGuard({ factor: 0 });
    off.observe(1, 1);
    off.observe(2, 1e300);
    const restored = new DivergenceGuard({ factor: 10, state: parseDivergenceState('{"sum":20,"count":10}')! });
    expect(() => restored.observe(11, 21)).toThrow(/above train\.divergeFactor 10 x 2\.000/);
    expect(parseDivergenceState(undefined)).toBeNull();
    expect(() => parseDivergenceState('{"sum":"x"}')).toThrow(CheckpointError);
  });
});

describe("divergence in a real run", () => {
  it("lr 10: NumericalError at update 2, exit 5, the update-1 checkpoint kept; with divergeFactor 0 it ends at chance, exit 0", async () => {
    const out = join(dir, "lr10");
    const r = cli("train", "--preset", "tiny", "--set", "train.lr=10", "--set", "train.checkpointEvery=1", "--out", out);
    expect(r.code, r.err).toBe(5);
    expect(r.err).toMatch(/NumericalError \[E_NUMERICAL\]: training diverged at update 2: loss \d\.\d+e\+\d+ is above train\.divergeFactor 10000 x 1\.\d+ \(the mean of the first 1 losses\); lower train\.lr/);
    const ckPath = join(out, "checkpoint.safetensors");
    expect((await decodeCheckpoint(new Uint8Array(readFileSync(ckPath)), ckPath)).step).toBe(1);
    const off = cli("train", "--preset", "tiny", "--set", "train.lr=10", "--set", "train.divergeFactor=0", "--json", "--out", join(dir, "off"));
    expect(off.code, off.err).toBe(0);
    expect(JSON.parse(off.out).test.accuracy).toBeLessThan(0.5); // 4 classes: near chance, which used to be reported as success
  }, 120_000);
});

describe("eval / predict refuse non-finite weights and predictions", () => {
  it("a NaN weight: eval, predict (exit 5) and loadClassifier name the tensor; overflowing weights: predict names the example", async () => {
    const run = join(dir, "ok");
    expect(cli("train", "--preset", "tiny", "--out", run).code).toBe(0);
    const ck = await decodeCheckpoint(new Uint8Array(readFileSync(join(run, "checkpoint.safetensors"))));
    const rewrite = async (name: string, edit: (d: Float32Array) => void) => {
      const tensors = new Map(ck.tensors);
      const t = tensors.get(name)!;
      const data = (t.data as Float32Array).slice();
      edit(data);
      tensors.set(name, { ...t, data });
      const extra = Object.fromEntries(Object.entries(ck.metadata).filter(([k]) => !["format", "format_version", "config", "seed", "step", "sha256"].includes(k)));
      return encodeCheckpoint(tensors.entries(), { config: ck.config, seed: ck.seed, step: ck.step, extra });
    };
    const headW = "ema.head.W"; // the EMA weights are what eval and predict use
    expect(ck.tensors.has(headW)).toBe(true);
    const nan = join(dir, "nan.safetensors");
    writeFileSync(nan, await rewrite(headW, (d) => { d[3] = NaN; }));
    const img = join(dir, "img.json");
    writeFileSync(img, JSON.stringify(Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => (x === y ? 255 : 0)))));
    const e = cli("eval", "--checkpoint", nan);
    expect(e.code, e.err).toBe(5);
    expect(e.err).toMatch(new RegExp(`NumericalError \\[E_NUMERICAL\\]: .*nan\\.safetensors: tensor '${headW.replace(/\./g, "\\.")}' element 3 is NaN: the run diverged`));
    const p = cli("predict", "--checkpoint", nan, img);
    expect(p.code, p.err).toBe(5);
    await expect(loadClassifier(await freshRuntime(), new Uint8Array(readFileSync(nan)), { name: "nan.st" })).rejects.toThrow(/nan\.st: tensor '.*head\.W' element 3 is NaN/);
    const huge = join(dir, "huge.safetensors");
    writeFileSync(huge, await rewrite(headW, (d) => { d.fill(3e38); }));
    const h = cli("predict", "--checkpoint", huge, img);
    expect(h.code, h.err).toBe(5);
    expect(h.err).toMatch(/img\.json: the class probabilities for example 0 is NaN \(not finite\): the model overflows on this input/);
  }, 120_000);
});
