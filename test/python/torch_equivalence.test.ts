// The PyTorch companion (python/sdebnn_torch) against sdebnn, both directions:
// - sdebnn writes fixed cases (its parameters, batch and own random draws, and the loss,
//   gradients and predictions it computes from them; torch_case.ts); the Python tests
//   (python/tests, unittest) recompute them in PyTorch within 1e-5 relative (float32), decode an
//   sdebnn checkpoint, re-encode it to the same bytes and predict what sdebnn predicts;
// - a 2-process gloo DDP run (torchrun on 127.0.0.1) trains the tiny model to the weights of a
//   1-process run; its rank-0 checkpoint loads in sdebnn/infer and predicts what PyTorch predicts
//   from sdebnn's evaluation draws, and `sdebnn eval` scores it.
// Needs /usr/bin/python3 with PyTorch (Debian: apt-get install -y python3-torch; .ci/run installs it).
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Runtime } from "../../src/runtime/load.js";
import { decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors, type Tensor } from "../../src/checkpoint/safetensors.js";
import { loadModel } from "../../src/api/model.js";
import { resolvePreset, resolveRunConfig } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { Trainer } from "../../src/train/trainer.js";
import { imageExamples } from "../../src/data/examples.js";
import { loadImageData } from "../../src/node/image_data.js";
import { ImageSdeBnn } from "../../src/models/image.js";
import { PhiloxRandomness } from "../../src/random/philox_randomness.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import { UNIT_FROM_BYTE } from "../../src/data/dataset.js";
import { epochOrder, trainValSplit } from "../../src/data/shuffle.js";
import { freshRuntime, ROOT } from "../helpers/wasm.js";
import { buildCase, buildTabularCase, drawTensors, imageDraws, tabularDraws, type CaseSpec } from "./torch_case.js";
import { TabularModel } from "../../src/models/tabular.js";
import type { TabularRunConfig } from "../../src/models/tabular_config.js";
import { loadTabularData, prepareTabular, readTableFile } from "../../src/node/tabular_data.js";
import { encodeTable } from "../../src/data/tabular.js";
import type { RegressionPrediction } from "../../src/api/model.js";

const PYTHON = "/usr/bin/python3";
/** Timeout of the tests that start Python processes: a full `npm test` on a shared 2-core machine runs them several times slower. */
const SLOW = 600_000;
// torch 1.13's torchrun parses its default "--redirects 0" to None under Python 3.11 (IntFlag
// iteration changed): name the streams explicitly (stdout teed to the console with a rank prefix).
const TORCHRUN_STD = ["--redirects", "1", "--tee", "1"];
const dir = mkdtempSync(join(tmpdir(), "sdebnn-torch-"));
const env = { ...process.env, PYTHONPATH: join(ROOT, "python"), OMP_NUM_THREADS: "1", PYTHONDONTWRITEBYTECODE: "1", SDEBNN_TORCH_CASES: dir };
let rt: Runtime;

function torchMissing(): string {
  const r = spawnSync(PYTHON, ["-c", "import torch, torch.distributed as d; assert d.is_gloo_available(); print(torch.__version__)"], { encoding: "utf8", env });
  if (r.status === 0) return "";
  return `PyTorch is not usable from ${PYTHON} (${(r.error?.message ?? r.stderr.trim().split("\n").pop()) || "no output"}): ` +
    "install it with `apt-get install -y python3-torch` (Debian's package, as .ci/run does). These tests do not skip.";
}

function python(args: string[], timeout = 300_000) {
  const r = spawnSync(PYTHON, args, { cwd: ROOT, env, encoding: "utf8", timeout });
  return { code: r.status, out: r.stdout, err: r.stderr + (r.error ? String(r.error) : "") };
}

const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { cwd: ROOT, encoding: "utf8" });

/** `torchrun --nproc_per_node 2` of sdebnn_torch.train on 127.0.0.1 (a free port); stdout carries the rank prefixes. */
async function torchrun(args: string[]): Promise<{ code: number | null; out: string; err: string; seconds: number }> {
  const port = await freePort(), t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn("torchrun", ["--nproc_per_node", "2", ...TORCHRUN_STD, "--master_addr", "127.0.0.1", "--master_port", String(port),
      "-m", "sdebnn_torch.train", ...args, "--threads", "1"], { cwd: ROOT, env });
    let out = "", err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, out, err, seconds: (Date.now() - t0) / 1000 }); });
  });
}

/** The largest relative difference of two checkpoints' tensors (every tensor of `b`). */
function worstTensor(a: Map<string, Tensor>, b: Map<string, Tensor>): number {
  let worst = 0;
  for (const [name, t] of b) worst = Math.max(worst, rel(a.get(name)!.data as Float32Array, t.data as Float32Array));
  return worst;
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = createServer();
  srv.once("error", reject);
  srv.listen(0, "127.0.0.1", () => { const { port } = srv.address() as { port: number }; srv.close(() => resolve(port)); });
});

const tiny = () => {
  const cfg = resolvePreset("tiny") as ImageRunConfig;
  return { ...cfg, train: { ...cfg.train, maxSteps: 6, checkpointEvery: 0 } };
};

const CASES: CaseSpec[] = (() => {
  const base = { channels: 1, height: 8, width: 8, classes: 4, augment: 1, groups: [1, 1], hidden: 3, nnBottleneck: 2, nnHidden: 4, sigma: 0.2, steps: 4 };
  const spec = (name: string, model: Record<string, unknown>, samples: number): CaseSpec =>
    ({ name, tree: { kind: "image", seed: 5, model }, samples, rows: 5, step: 3, klCoef: 1, datasetSize: 50 });
  return [
    spec("euler_squeeze_2samples", base, 2),
    spec("heun_stl_meanfield_w0_recompute", { ...base, groups: [1], solver: "reversible_heun", kl: "stl", w0: "meanfield", theta: 0.5, keepActivationsMB: 0 }, 2),
    spec("heun_logratio_adjoint_rgb", { ...base, channels: 3, augment: 2, solver: "reversible_heun", kl: "logratio", gradient: "adjoint", sigma: 0.5 }, 1),
    spec("odenet", { ...base, sigma: 0, head: "point" }, 1),
    // model.diffusionScale "init": per-weight diffusion sigma s_i, KL with u_i = NN_i / (sigma s_i) (two block shapes: two scale vectors)
    spec("euler_stl_diffusion_init_squeeze", { ...base, kl: "stl", diffusionScale: "init" }, 2),
    spec("heun_logratio_adjoint_diffusion_init_meanfield_w0", { ...base, groups: [1], solver: "reversible_heun", kl: "logratio", gradient: "adjoint",
      w0: "meanfield", sigma: 0.5, diffusionScale: "init" }, 2),
  ];
})();

/**
 * A small table (integer arithmetic, exact decimals): numeric x1, x2, categorical color and the
 * target: y = 2 x1 - x2 + [color = red] + noise, or (classes) its class low / mid / high.
 */
function tableCsv(n: number, classes: boolean): string {
  const colors = ["red", "green", "blue"], lines = [`x1,x2,color,${classes ? "label" : "y"}`];
  for (let i = 0; i < n; i++) {
    const a = (i * 7919 + 13) % 1000, b = (i * 104729 + 71) % 1000, c = colors[(i * 31 + 7) % 3]!, e = ((i * 613) % 41) - 20;
    const y = 2 * (a - 500) - (b - 500) + (c === "red" ? 100 : 0) + e; // hundredths
    lines.push(`${(a - 500) / 100},${(b - 500) / 100},${c},${classes ? (y < -150 ? "low" : y < 150 ? "mid" : "high") : y / 100}`);
  }
  return lines.join("\n") + "\n";
}
const TABLE = join(dir, "table.csv"), CLASS_TABLE = join(dir, "classes.csv"), QUIRKS = join(dir, "quirks.csv");
/** CSV as people write it: a byte order mark, comments, CRLF and LF, a blank line, quoted fields with commas and quotes, exponents. */
const QUIRKS_CSV = "\ufeff# measured 2026\r\na, \"b c\" ,cat,t\r\n1.5,2e1,\"x, y\",3\r\n\r\n-2,.5,\"say \"\"hi\"\"\",4.25\r\n" +
  "# another comment\n3,+7,plain,-1\n4.,1E-2,\"x, y\",0\n";

/** The tiny tabular run (a regression on TABLE, schema not fitted: each side fits it from the CSV). */
const tinyTabularTree = (target = "y") => ({
  kind: "tabular", seed: 6, data: { file: target === "y" ? TABLE : CLASS_TABLE, target, testFraction: 0.2 },
  model: { augment: 1, width: 6, depth: 2, nnHidden: 5, sigma: 0.2, steps: 3, head: "meanfield", w0: "meanfield" },
  train: { maxSteps: 4, batch: 8, samples: 2, emaDecay: 0.9, lr: 0.01 }, eval: { samples: 3 },
});
const tinyTabular = (target = "y") => prepareTabular(resolveRunConfig(tinyTabularTree(target)) as TabularRunConfig);

/** Rows of a CSV file written by tableCsv as named values (the feature columns only). */
const csvRecords = (text: string) => {
  const [head, ...rows] = text.trim().split("\n").map((l) => l.split(","));
  return rows.map((r) => Object.fromEntries(head!.slice(0, 3).map((h, k) => [h, r[k]!])));
};

const TABULAR_CASES: CaseSpec[] = (() => {
  const base = { augment: 1, width: 5, depth: 2, nnHidden: 4, sigma: 0.3, steps: 4 };
  const spec = (name: string, target: string, model: Record<string, unknown>, samples: number): CaseSpec =>
    ({ name, tree: { kind: "tabular", seed: 4, data: target === "y" ? { file: TABLE, target, features: ["x1", "x2", "color"] } : { file: CLASS_TABLE, target }, model },
      samples, rows: 6, step: 3, klCoef: 1, datasetSize: 50 });
  return [
    spec("tabular_gaussian_euler_meanfield", "y", { ...base, w0: "meanfield", head: "meanfield" }, 2),
    spec("tabular_laplace_heun_stl_tanh", "y", { ...base, depth: 1, activation: "tanh", likelihood: "laplace", solver: "reversible_heun", kl: "stl", theta: 0.5 }, 2),
    spec("tabular_classes_heun_adjoint_logratio_softplus", "label", { ...base, activation: "softplus", head: "meanfield", solver: "reversible_heun", gradient: "adjoint", kl: "logratio", keepActivationsMB: 0 }, 2),
    spec("tabular_classes_odenet_relu", "label", { ...base, activation: "relu", sigma: 0, depth: 3 }, 1),
    spec("tabular_heteroscedastic_meanfield_head", "y", { ...base, likelihood: "heteroscedastic", head: "meanfield", noiseLogStdInit: -0.5 }, 2),
    spec("tabular_laplace_learned_scale_heun", "y", { ...base, likelihood: "laplace", learnLaplaceScale: true, likelihoodScale: 0.7, solver: "reversible_heun" }, 2),
  ];
})();

/** Configs, synthetic data, split, orders and JSON numbers as sdebnn produces them. */
function dataFile(): Uint8Array {
  const set = syntheticImageSet(300, 4, 8, 11);
  const { train, val } = trainValSplit(11, 300, 0.2);
  const i32 = (a: Uint32Array): Tensor => ({ dtype: "I32", shape: [a.length], data: Int32Array.from(a) });
  const trees: unknown[] = [{ kind: "image" }, { kind: "image", seed: 3, model: { groups: [2, 1], sigma: 0.5 }, train: { lr: 2e-4 } },
    { kind: "tabular" }, { kind: "tabular", seed: 2, model: { activation: "tanh", likelihood: "laplace", adaptive: { rtol: 0.1 } }, train: { batch: 8 },
      data: { file: "t.csv", target: "y", schema: { features: [{ name: "a", type: "categorical", categories: ["p", "q"] }, { name: "b", center: 2.5 }], target: { name: "y", scale: 3 } } } }];
  const configs = [...trees.map((t) => [t, resolveRunConfig(t)]), ...["tiny", "mnist", "cifar10", "mnist-odenet"].map((p) => {
    const c = resolvePreset(p);
    return [c, c];
  })];
  const fits = [tinyTabularTree("y"), tinyTabularTree("label"),
    { kind: "tabular", data: { file: CLASS_TABLE, target: "label", features: ["color", "x2", "x1"], testFraction: 0.3 } },
    { kind: "tabular", seed: 1, data: { file: QUIRKS, test: QUIRKS, target: "t" } }].map((t) => [t, prepareTabular(resolveRunConfig(t) as TabularRunConfig)] as const);
  const encoded = fits.flatMap(([, cfg], i): [string, Tensor][] => {
    const train = (loadTabularData(cfg).train as unknown as { rows: { x: Float32Array; y: Float32Array | Int32Array; width: number } }).rows;
    const all = encodeTable(readTableFile(cfg.data.file, "data"), cfg.data.schema, { withTarget: true });
    const y = (v: Float32Array | Int32Array): Tensor => (v instanceof Int32Array ? { dtype: "I32", shape: [v.length], data: v } : { dtype: "F32", shape: [v.length], data: v });
    return [[`fit${i}.train.x`, { dtype: "F32", shape: [train.y.length, train.width], data: train.x }], [`fit${i}.train.y`, y(train.y)],
      [`fit${i}.all.x`, { dtype: "F32", shape: [all.count, all.width], data: all.x }], [`fit${i}.all.y`, y(all.y!)]];
  });
  const numbers = [0, 1, -2, 100, 0.1, 0.2 + 0.1, 1e-3, 1e-7, 1.5e-6, 123456.789, 1e21, 1.2e21, 2 ** 53, 5e-324, 1.7976931348623157e308, -3.5e-10, 1e20, 0.000001];
  return encodeSafetensors([
    ["synthetic.pixels", { dtype: "U8", shape: [set.pixels.length], data: set.pixels }],
    ["synthetic.labels", { dtype: "U8", shape: [set.labels.length], data: set.labels }],
    ["split.train", i32(train)], ["split.val", i32(val)],
    ["order.0", i32(epochOrder(11, 0, train))], ["order.3", i32(epochOrder(11, 3, train))],
    ["unit_from_byte", { dtype: "F32", shape: [256], data: UNIT_FROM_BYTE }],
    ...encoded,
  ], { configs: JSON.stringify(configs), tabular_fits: JSON.stringify(fits), js_numbers: JSON.stringify(numbers.map((v) => [String(v), JSON.stringify(v)])) });
}

/** Images of the tiny task (bytes) and sdebnn's evaluation draws for a prediction of them (draw 0). */
function evalFiles(cfg: ImageRunConfig): { images: Uint8Array; noise: Uint8Array } {
  const set = syntheticImageSet(24, cfg.model.classes, cfg.model.height, 99);
  const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, cfg.seed), cfg.model);
  const noise = encodeSafetensors(drawTensors(rt, imageDraws(model), cfg.seed, false, 0, cfg.eval.samples, ""));
  return { images: set.pixels, noise };
}

const imagesTensor = (cfg: ImageRunConfig, px: Uint8Array): [string, Tensor] =>
  ["images", { dtype: "U8", shape: [px.length / (cfg.model.height * cfg.model.width), 1, cfg.model.height, cfg.model.width], data: px }];

/** Normwise relative difference max|a - b| / max|b|. */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); s = Math.max(s, Math.abs(b[i]!)); }
  return s > 0 ? d / s : d;
}

let missing = "";
beforeAll(async () => {
  missing = torchMissing();
  if (missing) return;
  rt = await freshRuntime();
  for (const c of CASES) writeFileSync(join(dir, `case_${c.name}.safetensors`), buildCase(rt, c));
  writeFileSync(TABLE, tableCsv(60, false));
  writeFileSync(CLASS_TABLE, tableCsv(60, true));
  writeFileSync(QUIRKS, QUIRKS_CSV);
  for (const c of TABULAR_CASES) writeFileSync(join(dir, `case_${c.name}.safetensors`), buildTabularCase(rt, c));
  writeFileSync(join(dir, "data.safetensors"), dataFile());
  // an sdebnn training checkpoint of the tiny model (3 updates), and what sdebnn/infer predicts from it
  const cfg = tiny();
  const trainer = new Trainer(rt, cfg, imageExamples(loadImageData(cfg).train));
  for (let k = 0; k < 3; k++) trainer.trainStep();
  const ck = await encodeCheckpoint(trainer.stateTensors(), { config: cfg, seed: cfg.seed, step: trainer.step,
    extra: { epoch_sums: JSON.stringify({ loss: 1.25, acc: 0.5, count: 3, skipped: 0 }) } });
  writeFileSync(join(dir, "ts_checkpoint.safetensors"), ck);
  const { images, noise } = evalFiles(cfg);
  writeFileSync(join(dir, "eval_noise.safetensors"), noise);
  const p = (await loadModel(rt, ck)).predict(images, { samples: cfg.eval.samples, draw: 0 }) as import("../../src/api/model.js").ClassPrediction;
  writeFileSync(join(dir, "ts_predict.safetensors"), encodeSafetensors([imagesTensor(cfg, images),
    ["probs", { dtype: "F32", shape: [p.count, p.classes], data: p.probs }]]));
  writeFileSync(join(dir, "tiny.json"), JSON.stringify(cfg, null, 2));

  // an sdebnn tabular checkpoint (3 updates), its evaluation draws and what sdebnn/infer predicts from it
  const tcfg = tinyTabular();
  const tt = new Trainer(rt, tcfg, loadTabularData(tcfg).train);
  for (let k = 0; k < 3; k++) tt.trainStep();
  const tck = await encodeCheckpoint(tt.stateTensors(), { config: tcfg, seed: tcfg.seed, step: tt.step,
    extra: { epoch_sums: JSON.stringify({ loss: 0.75, acc: 0, count: 3, skipped: 0 }) } });
  writeFileSync(join(dir, "ts_tabular_checkpoint.safetensors"), tck);
  writeFileSync(join(dir, "tabular_eval_noise.safetensors"), tabularNoise(tcfg));
  const tp = (await loadModel(rt, tck)).predict(csvRecords(readFileSync(TABLE, "utf8")), { samples: tcfg.eval.samples, draw: 0, perSample: true }) as RegressionPrediction;
  writeFileSync(join(dir, "ts_tabular_predict.safetensors"), encodeSafetensors([
    ["sample_values", { dtype: "F32", shape: [tp.samples, tp.count], data: tp.sampleValues! }],
    ["mean", { dtype: "F32", shape: [tp.count], data: tp.mean }], ["std", { dtype: "F32", shape: [tp.count], data: tp.std }]]));
}, SLOW);

/** sdebnn's evaluation draws (draw 0, chunk 0) of a tabular config's model. */
const tabularNoise = (cfg: TabularRunConfig) =>
  encodeSafetensors(drawTensors(rt, tabularDraws(new TabularModel(rt, cfg)), cfg.seed, false, 0, cfg.eval.samples, ""));

describe("PyTorch companion (python/sdebnn_torch)", () => {
  it("gives sdebnn's loss, gradients and predictions from sdebnn's draws; reads and writes its checkpoints byte for byte (python/tests)", () => {
    if (missing) throw new Error(missing);
    const r = python(["-m", "unittest", "discover", "-s", "python/tests", "-v"]);
    if (r.code !== 0) console.error(r.err);
    expect(r.code, r.err.slice(-3000)).toBe(0);
    expect(r.err).toMatch(/Ran \d+ tests/);
    const table: Record<string, Record<string, number>> = {};
    for (const f of readdirSync(dir).filter((n) => n.startsWith("errors_"))) table[f.slice(7, -5)] = JSON.parse(readFileSync(join(dir, f), "utf8"));
    console.log("max relative error per tensor (PyTorch vs sdebnn, float32):\n" + Object.entries(table).map(([c, e]) =>
      `  ${c}: ${Object.entries(e).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`).join("\n"));
    expect(Object.keys(table).sort()).toEqual([...CASES.map((c) => c.name), ...TABULAR_CASES.map((c) => c.name), "ts_checkpoint", "ts_tabular_checkpoint"].sort());
    for (const e of Object.values(table)) for (const v of Object.values(e)) expect(v).toBeLessThanOrEqual(1e-5);
  }, SLOW);

  it("a 2-process gloo DDP run trains the weights of a 1-process run; its checkpoint loads in sdebnn/infer and `sdebnn eval`", async () => {
    if (missing) throw new Error(missing);
    const cfg = tiny();
    const ddp = await torchrun(["--config", join(dir, "tiny.json"), "--out", join(dir, "ddp")]);
    const ddpSeconds = ddp.seconds;
    expect(ddp.code, ddp.err.slice(-3000)).toBe(0);
    const single = python(["-m", "sdebnn_torch.train", "--config", join(dir, "tiny.json"), "--out", join(dir, "single"), "--threads", "1"]);
    expect(single.code, single.err.slice(-3000)).toBe(0);
    const summary = JSON.parse(/^\[default0\]:(\{"step".*)$/m.exec(ddp.out)?.[1] ?? "null") as { world: number; updates: number; seconds: number; test: { accuracy: number } };
    expect([summary.world, summary.updates]).toEqual([2, 6]);

    // rank 0's checkpoint: a valid sdebnn checkpoint, the weights of the 1-process run
    const ckBytes = new Uint8Array(readFileSync(join(dir, "ddp", "checkpoint.safetensors")));
    const ck = await decodeCheckpoint(ckBytes, "ddp/checkpoint.safetensors");
    const one = await decodeCheckpoint(new Uint8Array(readFileSync(join(dir, "single", "checkpoint.safetensors"))));
    expect(ck.step).toBe(6);
    expect(ck.config).toEqual(cfg);
    const worst = worstTensor(ck.tensors, one.tensors);
    // six updates happened: every second moment is positive somewhere
    const moved = [...ck.tensors].filter(([n]) => n.startsWith("adam_v.")).every(([, t]) => Math.max(...(t.data as Float32Array)) > 0);
    const losses = readFileSync(join(dir, "ddp", "metrics.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { loss: number }).loss);
    console.log(`DDP (2 x gloo, tiny preset, 6 updates of batch ${cfg.train.batch}): ${ddpSeconds.toFixed(1)} s wall incl. start-up, ` +
      `${summary.seconds} s training; losses ${losses.map((l) => l.toFixed(4)).join(" ")}; test accuracy ${summary.test.accuracy}; ` +
      `max relative difference to the 1-process run over all ${one.tensors.size} tensors ${worst.toExponential(2)}`);
    expect(moved).toBe(true);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(losses).toHaveLength(6);

    // sdebnn/infer predicts what PyTorch predicts from the same evaluation draws
    const { images } = evalFiles(cfg);
    writeFileSync(join(dir, "images.safetensors"), encodeSafetensors([imagesTensor(cfg, images)]));
    const pr = python(["-m", "sdebnn_torch.predict", "--checkpoint", join(dir, "ddp", "checkpoint.safetensors"), "--images", join(dir, "images.safetensors"),
      "--noise", join(dir, "eval_noise.safetensors"), "--out", join(dir, "torch_predict.safetensors")]);
    expect(pr.code, pr.err).toBe(0);
    const torchProbs = decodeSafetensors(new Uint8Array(readFileSync(join(dir, "torch_predict.safetensors")))).tensors.get("probs")!.data as Float32Array;
    const p = (await loadModel(rt, ckBytes)).predict(images, { samples: cfg.eval.samples, draw: 0 }) as import("../../src/api/model.js").ClassPrediction;
    const err = rel(p.probs, torchProbs);
    console.log(`PyTorch-trained checkpoint in sdebnn/infer: ${p.count} images, max relative difference of the probabilities ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-5);

    // the CLI scores it
    const ev = cli("eval", "--checkpoint", join(dir, "ddp", "checkpoint.safetensors"), "--json");
    expect(ev.status, ev.stderr).toBe(0);
    const res = JSON.parse(ev.stdout) as { step: number; accuracy: number; count: number };
    expect(res.step).toBe(6);
    expect(res.accuracy).toBeGreaterThanOrEqual(0);
    console.log(`sdebnn eval of the DDP checkpoint: ${ev.stdout.trim().slice(0, 300)}`);
    const img = Array.from({ length: cfg.model.height }, (_, i) => Array.from({ length: cfg.model.width }, (_, j) => images[i * cfg.model.width + j]!));
    writeFileSync(join(dir, "digit.json"), JSON.stringify(img));
    const pd = cli("predict", "--checkpoint", join(dir, "ddp", "checkpoint.safetensors"), join(dir, "digit.json"), "--json");
    expect(pd.status, pd.stderr).toBe(0);
    const probs = (JSON.parse(pd.stdout) as { predictions: { probabilities: number[] }[] }).predictions[0]!.probabilities;
    expect(rel(probs, torchProbs.subarray(0, cfg.model.classes))).toBeLessThanOrEqual(1e-5); // chunk 0 of draw 0: the same draws
  }, SLOW);

  it("model.diffusionScale init: a checkpoint trained in PyTorch predicts in sdebnn/infer what PyTorch predicts, and one trained in sdebnn predicts in PyTorch what sdebnn predicts", async () => {
    if (missing) throw new Error(missing);
    const base = tiny();
    const cfg: ImageRunConfig = { ...base, model: { ...base.model, diffusionScale: "init" } };
    writeFileSync(join(dir, "tiny_init.json"), JSON.stringify(cfg));
    const { images, noise } = evalFiles(cfg);
    writeFileSync(join(dir, "init_images.safetensors"), encodeSafetensors([imagesTensor(cfg, images)]));
    writeFileSync(join(dir, "init_eval_noise.safetensors"), noise);
    const torchProbs = (ckPath: string): Float32Array => {
      const out = `${ckPath}.torch_predict.safetensors`;
      const r = python(["-m", "sdebnn_torch.predict", "--checkpoint", ckPath, "--images", join(dir, "init_images.safetensors"),
        "--noise", join(dir, "init_eval_noise.safetensors"), "--out", out]);
      expect(r.code, r.err).toBe(0);
      return decodeSafetensors(new Uint8Array(readFileSync(out))).tensors.get("probs")!.data as Float32Array;
    };
    const ourProbs = async (bytes: Uint8Array) =>
      ((await loadModel(rt, bytes)).predict(images, { samples: cfg.eval.samples, draw: 0 }) as import("../../src/api/model.js").ClassPrediction).probs;

    // trained in PyTorch (6 updates), predicted on both sides from sdebnn's evaluation draws
    const tr = python(["-m", "sdebnn_torch.train", "--config", join(dir, "tiny_init.json"), "--out", join(dir, "init_torch"), "--threads", "1"]);
    expect(tr.code, tr.err.slice(-3000)).toBe(0);
    const torchCk = join(dir, "init_torch", "checkpoint.safetensors");
    const torchBytes = new Uint8Array(readFileSync(torchCk));
    const decoded = await decodeCheckpoint(torchBytes);
    expect([decoded.config, decoded.step]).toEqual([cfg, 6]);
    const fromTorch = torchProbs(torchCk);
    const errTorchTrained = rel(await ourProbs(torchBytes), fromTorch);
    // the same weights with the unscaled diffusion predict differently: the scale is what both sides apply
    const unscaled = await encodeCheckpoint([...decoded.tensors], { config: { ...cfg, model: base.model }, seed: cfg.seed, step: decoded.step });
    const errUnscaled = rel(await ourProbs(unscaled), fromTorch);

    // trained in sdebnn (3 updates), predicted on both sides
    const trainer = new Trainer(rt, cfg, imageExamples(loadImageData(cfg).train));
    for (let k = 0; k < 3; k++) trainer.trainStep();
    const ourBytes = await encodeCheckpoint(trainer.stateTensors(), { config: cfg, seed: cfg.seed, step: trainer.step });
    const ourCk = join(dir, "init_ts_checkpoint.safetensors");
    writeFileSync(ourCk, ourBytes);
    const errOursTrained = rel(torchProbs(ourCk), await ourProbs(ourBytes));
    console.log(`diffusionScale init, tiny preset (${images.length / 64} images, ${cfg.eval.samples} samples): max relative difference of the probabilities, ` +
      `PyTorch-trained checkpoint ${errTorchTrained.toExponential(2)}, sdebnn-trained checkpoint ${errOursTrained.toExponential(2)}; ` +
      `the PyTorch-trained weights predicted with diffusionScale none ${errUnscaled.toExponential(2)}`);
    expect(errTorchTrained).toBeLessThanOrEqual(1e-5);
    expect(errOursTrained).toBeLessThanOrEqual(1e-5);
    expect(errUnscaled).toBeGreaterThan(1e-3);
  }, SLOW);

  it("tabular: a 2-process gloo DDP run fits sdebnn's schema and trains the weights of a 1-process run; its checkpoint predicts in sdebnn/infer and the CLI what PyTorch predicts", async () => {
    if (missing) throw new Error(missing);
    writeFileSync(join(dir, "tabular.json"), JSON.stringify(tinyTabularTree()));
    const ddp = await torchrun(["--config", join(dir, "tabular.json"), "--out", join(dir, "tab_ddp")]);
    expect(ddp.code, ddp.err.slice(-3000)).toBe(0);
    const single = python(["-m", "sdebnn_torch.train", "--config", join(dir, "tabular.json"), "--out", join(dir, "tab_single"), "--threads", "1"]);
    expect(single.code, single.err.slice(-3000)).toBe(0);
    const summary = JSON.parse(/^\[default0\]:(\{"step".*)$/m.exec(ddp.out)?.[1] ?? "null") as { world: number; updates: number; seconds: number; test: { rmse: number; nll: number } };
    expect([summary.world, summary.updates]).toEqual([2, 4]);
    const ckPath = join(dir, "tab_ddp", "checkpoint.safetensors");
    const ckBytes = new Uint8Array(readFileSync(ckPath));
    const ck = await decodeCheckpoint(ckBytes, "tab_ddp/checkpoint.safetensors");
    const one = await decodeCheckpoint(new Uint8Array(readFileSync(join(dir, "tab_single", "checkpoint.safetensors"))));
    expect(ck.step).toBe(4);
    expect(ck.config).toEqual(tinyTabular()); // PyTorch fitted the schema from the CSV as sdebnn does
    const names = new TabularModel(rt, ck.config as TabularRunConfig).space.list.map((e) => e.name);
    expect(names).toEqual(["nn", "block.w0", "block.w0_logstd", "head.W", "head.b", "head.W_logstd", "head.b_logstd", "noise.logstd"]);
    expect([...ck.tensors.keys()]).toEqual(["", "adam_m.", "adam_v.", "ema."].flatMap((p) => names.map((n) => p + n)));
    const worst = worstTensor(ck.tensors, one.tensors);
    const losses = readFileSync(join(dir, "tab_ddp", "metrics.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { loss: number }).loss);
    console.log(`tabular DDP (2 x gloo, ${TABLE.split("/").pop()}, 4 updates of batch 8): ${ddp.seconds.toFixed(1)} s wall incl. start-up, ${summary.seconds} s training; ` +
      `losses ${losses.map((l) => l.toFixed(4)).join(" ")}; test RMSE ${summary.test.rmse.toFixed(4)}, NLL ${summary.test.nll.toFixed(4)}; ` +
      `max relative difference to the 1-process run over all ${one.tensors.size} tensors ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(losses).toHaveLength(4);

    // sdebnn/infer predicts what PyTorch predicts from sdebnn's evaluation draws: function samples, mean and std
    const pr = python(["-m", "sdebnn_torch.predict", "--checkpoint", ckPath, "--csv", TABLE, "--noise", join(dir, "tabular_eval_noise.safetensors"),
      "--out", join(dir, "tab_torch_predict.safetensors")]);
    expect(pr.code, pr.err).toBe(0);
    const tp = decodeSafetensors(new Uint8Array(readFileSync(join(dir, "tab_torch_predict.safetensors")))).tensors;
    const cfg = ck.config as TabularRunConfig;
    const p = (await loadModel(rt, ckBytes)).predict(csvRecords(readFileSync(TABLE, "utf8")), { samples: cfg.eval.samples, draw: 0, perSample: true }) as RegressionPrediction;
    const errs = { sample_values: rel(p.sampleValues!, tp.get("sample_values")!.data as Float32Array), mean: rel(p.mean, tp.get("mean")!.data as Float32Array),
      std: rel(p.std, tp.get("std")!.data as Float32Array) };
    console.log(`PyTorch-trained tabular checkpoint in sdebnn/infer: ${p.count} rows, max relative differences ${JSON.stringify(errs)}`);
    for (const e of Object.values(errs)) expect(e).toBeLessThanOrEqual(1e-5);

    // the CLI predicts the same means from the CSV file, and scores the checkpoint on its test part
    const pd = cli("predict", "--checkpoint", ckPath, TABLE, "--out", join(dir, "tab_preds.csv"));
    expect(pd.status, pd.stderr).toBe(0);
    const means = readFileSync(join(dir, "tab_preds.csv"), "utf8").trim().split("\n").slice(1).map((l) => Number(l.split(",")[2]));
    expect(rel(means, tp.get("mean")!.data as Float32Array)).toBeLessThanOrEqual(1e-5);
    const ev = cli("eval", "--checkpoint", ckPath, "--json");
    expect(ev.status, ev.stderr).toBe(0);
    expect((JSON.parse(ev.stdout) as { step: number }).step).toBe(4);
  }, SLOW);

  it("tabular: a classifier and a heteroscedastic regression trained by PyTorch predict in sdebnn/infer what PyTorch predicts", async () => {
    if (missing) throw new Error(missing);
    // a classifier trained by PyTorch (one process) predicts in sdebnn/infer what PyTorch predicts
    writeFileSync(join(dir, "tab_classes.json"), JSON.stringify(tinyTabularTree("label")));
    const tc = python(["-m", "sdebnn_torch.train", "--config", join(dir, "tab_classes.json"), "--out", join(dir, "tab_classes"), "--threads", "1"]);
    expect(tc.code, tc.err.slice(-3000)).toBe(0);
    const cBytes = new Uint8Array(readFileSync(join(dir, "tab_classes", "checkpoint.safetensors")));
    const ccfg = (await decodeCheckpoint(cBytes)).config as TabularRunConfig;
    expect(ccfg).toEqual(tinyTabular("label"));
    writeFileSync(join(dir, "tab_classes_noise.safetensors"), tabularNoise(ccfg));
    const cp = python(["-m", "sdebnn_torch.predict", "--checkpoint", join(dir, "tab_classes", "checkpoint.safetensors"), "--csv", CLASS_TABLE,
      "--noise", join(dir, "tab_classes_noise.safetensors"), "--out", join(dir, "tab_classes_predict.safetensors")]);
    expect(cp.code, cp.err).toBe(0);
    const cprobs = decodeSafetensors(new Uint8Array(readFileSync(join(dir, "tab_classes_predict.safetensors")))).tensors.get("probs")!.data as Float32Array;
    const q = (await loadModel(rt, cBytes)).predict(csvRecords(readFileSync(CLASS_TABLE, "utf8")), { samples: ccfg.eval.samples, draw: 0 }) as import("../../src/api/model.js").ClassPrediction;
    const cerr = rel(q.probs, cprobs);
    console.log(`PyTorch-trained tabular classifier (${q.classNames.join("/")}) in sdebnn/infer: ${q.count} rows, max relative difference of the probabilities ${cerr.toExponential(2)}`);
    expect(q.classNames).toEqual(["high", "low", "mid"]);
    expect(cerr).toBeLessThanOrEqual(1e-5);

    // a heteroscedastic regression trained by PyTorch: per-row noise std, mean and total std as sdebnn/infer predicts them
    writeFileSync(join(dir, "tab_hetero.json"), JSON.stringify({ ...tinyTabularTree(), model: { ...tinyTabularTree().model, likelihood: "heteroscedastic" } }));
    const th = python(["-m", "sdebnn_torch.train", "--config", join(dir, "tab_hetero.json"), "--out", join(dir, "tab_hetero"), "--threads", "1"]);
    expect(th.code, th.err.slice(-3000)).toBe(0);
    const hBytes = new Uint8Array(readFileSync(join(dir, "tab_hetero", "checkpoint.safetensors")));
    const hcfg = (await decodeCheckpoint(hBytes)).config as TabularRunConfig;
    writeFileSync(join(dir, "tab_hetero_noise.safetensors"), tabularNoise(hcfg));
    const hp = python(["-m", "sdebnn_torch.predict", "--checkpoint", join(dir, "tab_hetero", "checkpoint.safetensors"), "--csv", TABLE,
      "--noise", join(dir, "tab_hetero_noise.safetensors"), "--out", join(dir, "tab_hetero_predict.safetensors")]);
    expect(hp.code, hp.err).toBe(0);
    const ht = decodeSafetensors(new Uint8Array(readFileSync(join(dir, "tab_hetero_predict.safetensors")))).tensors;
    const h = (await loadModel(rt, hBytes)).predict(csvRecords(readFileSync(TABLE, "utf8")), { samples: hcfg.eval.samples, draw: 0, perSample: true }) as RegressionPrediction;
    const herrs = { sample_values: rel(h.sampleValues!, ht.get("sample_values")!.data as Float32Array), mean: rel(h.mean, ht.get("mean")!.data as Float32Array),
      std: rel(h.std, ht.get("std")!.data as Float32Array), aleatoric_std: rel(h.aleatoricStd, ht.get("aleatoric_std")!.data as Float32Array) };
    console.log(`PyTorch-trained heteroscedastic tabular checkpoint in sdebnn/infer: ${h.count} rows, max relative differences ${JSON.stringify(herrs)}`);
    expect(new Set(h.aleatoricStd).size).toBeGreaterThan(1); // per-row noise
    for (const e of Object.values(herrs)) expect(e).toBeLessThanOrEqual(1e-5);
  }, SLOW);

  it("a run started in PyTorch continues in `sdebnn train --resume`, and one started in sdebnn in PyTorch (3 updates each)", async () => {
    if (missing) throw new Error(missing);
    const out = join(dir, "handoff");
    const part = python(["-m", "sdebnn_torch.train", "--config", join(dir, "tiny.json"), "--out", out, "--stop-after", "3", "--threads", "1"]);
    expect(part.code, part.err).toBe(0);
    const rs = cli("train", "--preset", "tiny", "--config", join(dir, "tiny.json"), "--out", out, "--resume");
    expect(rs.status, rs.stderr).toBe(0);
    const steps = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { step: number }).step);
    expect(steps.slice(0, 3)).toEqual([1, 2, 3]); // PyTorch's records, then sdebnn's epoch record
    expect(steps[steps.length - 1]).toBe(6);
    // and back: sdebnn's step-3 checkpoint of the same config finishes in PyTorch
    const back = join(dir, "handback");
    mkdirSync(back);
    copyFileSync(join(dir, "ts_checkpoint.safetensors"), join(back, "checkpoint.safetensors"));
    const fin = python(["-m", "sdebnn_torch.train", "--config", join(dir, "tiny.json"), "--out", back, "--resume", "--threads", "1"]);
    expect(fin.code, fin.err).toBe(0);
    const ck = await decodeCheckpoint(new Uint8Array(readFileSync(join(back, "checkpoint.safetensors"))));
    expect(ck.step).toBe(6);
    expect(readFileSync(join(back, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { step: number }).step)).toEqual([4, 5, 6]);
  }, SLOW);
});
