// toy1d (the tabular kind on its embedded points) through the same run directory as every kind:
// `sdebnn train --preset toy1d`, a run interrupted and resumed (same checkpoint bytes as an
// uninterrupted run), `eval` (its held-out points, and a CSV file of x and y), `predict` on a CSV
// with a column x and on a JSON array of x values (against loadModel in this process), and
// `reproduce` (bit-identical).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, freshRuntime } from "../helpers/wasm.js";
import { trainRun } from "../../src/node/run.js";
import { resolvePreset } from "../../src/presets/index.js";
import { loadModel } from "../../src/api/model.js";

const SETS = ["model.width=8", "model.nnHidden=8", "model.steps=4", "train.samples=2", "train.epochs=12", "train.checkpointEvery=5", "eval.samples=6"];
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const setFlags = SETS.flatMap((s) => ["--set", s]);
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `sdebnn-toy-${p}-`));

describe("toy1d through the CLI", () => {
  it("train writes checkpoint, metrics, manifest, results and figures; --resume ends with the uninterrupted bits", async () => {
    const a = tmp("a"), b = tmp("b");
    const full = cli("train", "--preset", "toy1d", ...setFlags, "--out", a, "--json");
    expect(full.code, full.err).toBe(0);
    const res = JSON.parse(full.out);
    expect(res.step).toBe(12);
    expect(res.test.task).toBe("regression");
    expect(res.test.count).toBe(200);
    expect(res.report.trueFunctionCoverage95).toBeGreaterThanOrEqual(0);
    for (const f of ["checkpoint.safetensors", "metrics.jsonl", "manifest.json", "results.json", "config.json", "posterior.svg", "learning_curve.svg"]) {
      expect(existsSync(join(a, f)), f).toBe(true);
    }
    expect(readFileSync(join(a, "posterior.svg"), "utf8")).toMatch(/^<svg/);
    // interrupted after 7 updates (checkpoint at 5), resumed in a fresh process
    const cfg = resolvePreset("toy1d", undefined, SETS);
    const cut = await trainRun(await freshRuntime(), cfg, { out: b, stopAfter: 7 });
    expect(cut.stoppedEarly).toBe(true);
    const again = cli("train", "--preset", "toy1d", ...setFlags, "--out", b, "--resume", "--json");
    expect(again.code, again.err).toBe(0);
    expect(readFileSync(join(b, "checkpoint.safetensors")).equals(readFileSync(join(a, "checkpoint.safetensors")))).toBe(true);
    const lines = (d: string) => readFileSync(join(d, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => { const r = JSON.parse(l); delete r.seconds; return r; });
    expect(lines(b)).toEqual(lines(a));

    // eval and predict
    const ck = join(a, "checkpoint.safetensors");
    const ev = cli("eval", "--checkpoint", ck, "--json");
    expect(ev.code, ev.err).toBe(0);
    expect(JSON.parse(ev.out)).toMatchObject({ task: "regression", count: 200, samples: 6, step: 12 });
    const csv = join(tmp("csv"), "points.csv");
    writeFileSync(csv, "x\n0.5\n4\n7.5\n"); // the feature column (and optionally the target y); other columns are refused
    const pr = cli("predict", "--checkpoint", ck, csv, "--json");
    expect(pr.code, pr.err).toBe(0);
    const preds = JSON.parse(pr.out).predictions as { mean: number; std: number; lower95: number; upper95: number }[];
    const m = await loadModel(await freshRuntime(), new Uint8Array(readFileSync(ck)));
    const p = m.predict([0.5, 4, 7.5]);
    if (p.task !== "regression") throw new Error(p.task);
    expect(preds.map((r) => r.mean)).toEqual(Array.from(p.mean));
    expect(preds.map((r) => r.std)).toEqual(Array.from(p.std));
    expect(preds.map((r) => r.lower95)).toEqual(Array.from(p.lower));
    // a JSON array of x values (a model of one numeric feature), and eval on a CSV file of x and y
    const json = join(tmp("json"), "points.json");
    writeFileSync(json, "[0.5, 4, 7.5]");
    const pj = cli("predict", "--checkpoint", ck, json, "--json");
    expect(pj.code, pj.err).toBe(0);
    expect((JSON.parse(pj.out).predictions as { mean: number }[]).map((r) => r.mean)).toEqual(Array.from(p.mean));
    const xy = join(tmp("xy"), "xy.csv");
    writeFileSync(xy, "x,y\n0.5,0.9\n4,-0.6\n7.5,0.3\n");
    const ed = cli("eval", "--checkpoint", ck, "--data", xy, "--json");
    expect(ed.code, ed.err).toBe(0);
    expect(JSON.parse(ed.out)).toMatchObject({ task: "regression", count: 3 });
    const text = cli("predict", "--checkpoint", ck, csv);
    expect(text.out.split("\n")[0]).toMatch(/^.*points\.csv#0: mean -?[0-9.]+, std [0-9.]+ \(epistemic [0-9.]+, aleatoric [0-9.]+\), 95 % interval \[-?[0-9.]+, -?[0-9.]+\]$/);
    const bad = join(tmp("bad"), "bad.csv");
    writeFileSync(bad, "y\n1\n");
    const e = cli("predict", "--checkpoint", ck, bad);
    expect(e.code).toBe(4);
    expect(e.err).toMatch(/bad\.csv/);

    // reproduce: bit-identical, without re-scoring by default
    const out = join(tmp("rep"), "again");
    const rep = cli("reproduce", join(a, "manifest.json"), "--out", out, "--json");
    expect(rep.code, rep.err).toBe(0);
    expect(JSON.parse(rep.out).identical).toBe(true);
    expect(existsSync(join(out, "results.json"))).toBe(false);
  }, 240_000);

  it("sdebnn with no arguments prints the help; --version prints the package version", () => {
    const h = cli();
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/Usage|usage|Commands|commands/);
    expect(h.out).toMatch(/train/);
    const v = cli("--version");
    expect(v.out.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });
});
