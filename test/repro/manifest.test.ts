// Reproduction manifests: what `sdebnn train` records (checked against independent hashes of the
// wasm, the data, the checkpoint and the optimiser state), `sdebnn reproduce` on an untouched and a
// tampered manifest, a resumed run's manifest, and the comparison's step reporting.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainRun } from "../../src/node/run.js";
import { loadImageData } from "../../src/node/image_data.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { compareManifests, parseManifest, type RunManifest } from "../../src/repro/manifest.js";
import { ConfigError } from "../../src/runtime/errors.js";
import { freshRuntime, ROOT } from "../helpers/wasm.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const sha = (...parts: Uint8Array[]) => { const h = createHash("sha256"); parts.forEach((p) => h.update(p)); return h.digest("hex"); };
const f32bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `sdebnn-${p}-`));
const readManifest = (dir: string) => parseManifest(readFileSync(join(dir, "manifest.json"), "utf8"));
const cfg = resolvePreset("tiny") as ImageRunConfig;

describe("the manifest of a training run", () => {
  it("records the package, wasm, config, data, checkpoint and a hash of the state after every update", async () => {
    const dir = tmp("m");
    const run = await trainRun(await freshRuntime(), cfg, { out: dir });
    const m = readManifest(dir);
    expect(m.packageVersion).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
    expect(m.wasmSha256).toBe(sha(readFileSync(join(ROOT, "dist/sdebnn.wasm"))));
    expect(m.config).toEqual(cfg);
    expect(m.seed).toBe(0);
    const train = loadImageData(cfg).train;
    expect(m.data).toEqual({ count: 256, inputSize: 64, inputsSha256: sha(train.pixels), targetsSha256: sha(train.labels) });
    expect(m.checkpointSha256).toBe(sha(readFileSync(join(dir, "checkpoint.safetensors"))));
    expect([m.updates, m.totalUpdates, m.complete, m.traceEvery]).toEqual([24, 24, true, 1]);
    expect(m.trace.map(([s]) => s)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const o = run.trainer.opt;
    expect(m.trace[23]![1]).toBe(sha(f32bytes(o.params.view), f32bytes(o.m.view), f32bytes(o.v.view)).slice(0, 16));
    expect(new Set(m.trace.map(([, h]) => h)).size).toBe(24);
    const epochs = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(m.epochs).toEqual(epochs.map((e) => [e.epoch, e.step, e.trainLoss, e.valNll]));
  });

  it("a run interrupted and resumed writes the manifest of the uninterrupted run", async () => {
    const a = tmp("ma"), b = tmp("mb");
    await trainRun(await freshRuntime(), cfg, { out: a });
    await trainRun(await freshRuntime(), cfg, { out: b, stopAfter: 13 });
    const partial = readManifest(b);
    expect([partial.updates, partial.complete, partial.trace.length]).toEqual([10, false, 10]);
    await trainRun(await freshRuntime(), cfg, { out: b, resume: true });
    const [ma, mb] = [readManifest(a), readManifest(b)];
    expect(mb.trace).toEqual(ma.trace);
    expect(mb.epochs).toEqual(ma.epochs);
    expect(mb.checkpointSha256).toBe(ma.checkpointSha256);
  });
});

describe("sdebnn reproduce", () => {
  const dir = tmp("r"), manifestPath = join(dir, "manifest.json");
  let trained: ReturnType<typeof cli>, original: string;
  beforeAll(() => {
    trained = cli("train", "--preset", "tiny", "--out", dir, "--json");
    original = readFileSync(manifestPath, "utf8");
  });
  const tampered = (edit: (m: RunManifest) => void) => {
    const m = JSON.parse(original) as RunManifest;
    edit(m);
    const p = join(tmp("t"), "manifest.json");
    writeFileSync(p, JSON.stringify(m));
    return p;
  };

  it("re-runs a recorded run and reports bit-identical", () => {
    expect(trained.code).toBe(0);
    const out = tmp("again");
    const r = cli("reproduce", manifestPath, "--out", out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^bit-identical: 24 updates, checkpoint sha256 [0-9a-f]{64}/);
    expect(readFileSync(join(out, "checkpoint.safetensors")).equals(readFileSync(join(dir, "checkpoint.safetensors")))).toBe(true);
  });

  it("reports the first differing step when the recorded state differs from update 7 on", () => {
    const p = tampered((m) => { for (const e of m.trace) if (e[0] >= 7) e[1] = "0123456789abcdef"; });
    const r = cli("reproduce", p, "--json");
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.out);
    expect([rep.identical, rep.firstDifferingStep, rep.lastAgreeingStep]).toEqual([false, 7, 6]);
    expect(rep.differences[0]).toBe("the state first differs after update 7");
    const text = cli("reproduce", p);
    expect(text.out).toMatch(/^differs: first differing step 7/);
  });

  it("reports a differing checkpoint and epoch loss even when every traced state agrees", () => {
    const p = tampered((m) => { m.checkpointSha256 = "0".repeat(64); m.epochs[1]![2] = 0.5; });
    const rep = JSON.parse(cli("reproduce", p, "--json").out);
    expect(rep.firstDifferingStep).toBeNull();
    expect(rep.differences).toEqual([expect.stringMatching(/^epoch 2: training loss [0-9.]+, reference 0\.5$/),
      expect.stringMatching(/^checkpoint SHA-256 [0-9a-f]{64}, reference 0{64}$/)]);
  });

  it("refuses different training data before training (exit 4, naming the field)", () => {
    const r = cli("reproduce", tampered((m) => { m.data.inputsSha256 = "f".repeat(64); }));
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/field 'data\.inputsSha256': the training data differ from the recorded run: expected f{64}, got [0-9a-f]{64}/);
  });

  it("refuses an --out that already holds a run (exit 2)", () => {
    const r = cli("reproduce", manifestPath, "--out", dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out ${dir} already holds a run (checkpoint.safetensors): reproduce into an empty or new directory`);
  });

  it("refuses a malformed manifest (exit 3, naming the field)", () => {
    const r = cli("reproduce", tampered((m) => { (m as unknown as Record<string, unknown>).checkpointSha256 = "abc"; }));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/field 'checkpointSha256': expected 64 hex digits, got "abc"/);
  });
});

describe("compareManifests", () => {
  const base = (trace: [number, string][]): RunManifest => ({
    format: "sdebnn-manifest", formatVersion: 2, packageVersion: "0.1.0", wasmSha256: null, runtime: "x", config: {}, seed: 0,
    data: { count: 1, inputSize: 1, inputsSha256: "a".repeat(64), targetsSha256: "b".repeat(64) },
    updates: 20, totalUpdates: 20, complete: true, checkpointSha256: "c".repeat(64), traceEvery: 5, trace, epochs: [],
  });
  const h = (k: number) => k.toString(16).padStart(16, "0");

  it("narrows a difference to the updates between two records", () => {
    const ref = base([[5, h(5)], [10, h(10)], [15, h(15)], [20, h(20)]]);
    const got = base([[5, h(5)], [10, h(10)], [15, h(99)], [20, h(98)]]);
    expect(compareManifests(ref, ref)).toEqual({ identical: true, firstDifferingStep: null, lastAgreeingStep: 20, differences: [] });
    const c = compareManifests(ref, got);
    expect([c.identical, c.firstDifferingStep, c.lastAgreeingStep]).toEqual([false, 15, 10]);
    expect(c.differences).toEqual(["the state first differs after an update in 11..15 (recorded every 5)"]);
  });

  it("parseManifest names the file and field of a bad value", () => {
    const good = JSON.stringify(base([[5, h(5)]]));
    expect(parseManifest(good).trace).toEqual([[5, h(5)]]);
    expect(() => parseManifest(good.replace('"traceEvery":5', '"traceEvery":-1'), "m.json")).toThrow(ConfigError);
    expect(() => parseManifest(good.replace('"traceEvery":5', '"traceEvery":-1'), "m.json")).toThrow("m.json: field 'traceEvery': expected a non-negative integer, got -1");
    expect(() => parseManifest("{", "m.json")).toThrow(/^m\.json: not valid JSON/);
    expect(() => parseManifest(good.replace(h(5), "xyz"), "m.json")).toThrow(`m.json: field 'trace': expected a list of [step, 16 hex digits], got [5,"xyz"]`);
  });
});
