// How the cost grows with the work: time and peak memory of one training step (forward, backward,
// Adam) and of one prediction of the `mnist` preset (synthetic MNIST-shaped data, one thread)
// against one factor at a time, the others at the preset's values (width 16, 10 Euler steps,
// batch 64, 1 MC sample; prediction: 64 images, 8 samples); with the power-law exponent of each
// (least squares of log cost on log factor). Every point runs in its own process (its own peak RSS
// and wasm arena peak). Time is wall clock and CPU time of the process (one thread: equal on an idle
// machine); exponents are fitted to the CPU time, which other tenants of a shared machine disturb
// less. Memory exponents are fitted to the wasm arena peak (the working memory; the RSS adds a
// constant of the runtime and the binary).
//   node scripts/build.mjs && node bench/scaling.mjs [--reps 3] [--quick]
// Writes bench/results/scaling.json and bench/results/scaling.md.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { median } from "./lib/measure.mjs";

const argv = process.argv.slice(2);
const opt = (n, d) => { const i = argv.indexOf(`--${n}`); return i >= 0 ? argv[i + 1] : d; };
const here = (p) => new URL(p, import.meta.url).pathname;

// ---- one point (child process) -----------------------------------------------------------------
if (argv.includes("--point")) {
  const { init, resolvePreset, Trainer, imageExamples, ImageSdeBnn, PhiloxRandomness } = await import("../dist/advanced.js");
  const kind = opt("point"), reps = Number(opt("reps", 3));
  const sets = JSON.parse(opt("sets", "[]"));
  const images = Number(opt("images", 64)), samples = Number(opt("samples", 8));
  const rt = await init();
  const cfg = resolvePreset("mnist", undefined, ["train.epochs=1000", ...sets]);
  const ms = [], cpuMs = [];
  const timed = (i, fn) => {
    const t0 = performance.now(), c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    if (i > 0) { ms.push(performance.now() - t0); cpuMs.push((c.user + c.system) / 1000); }
  };
  if (kind === "train") {
    let s = 1;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    const count = Math.max(1280, Math.ceil(cfg.train.batch / 0.9) + 16); // one batch after the 10 % validation split
    const data = { count, channels: 1, height: 28, width: 28, pixels: new Uint8Array(count * 784).map(() => next() >>> 24),
      labels: new Uint8Array(count).map(() => next() % 10), numClasses: 10 };
    const trainer = new Trainer(rt, cfg, imageExamples(data));
    for (let i = 0; i < 1 + reps; i++) timed(i, () => trainer.trainStep());
  } else {
    const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, cfg.seed), cfg.model);
    const X = rt.arena.f32(images * model.inputSize);
    X.view.fill(0.5);
    for (let i = 0; i < 1 + reps; i++) timed(i, () => rt.arena.scoped(() => model.predictSamples(X.ptr, images, { draw: i, first: 0, samples, total: samples })));
  }
  console.log(JSON.stringify({ ms: median(ms), cpuMs: median(cpuMs), arenaPeakBytes: rt.arena.peak, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

// ---- the table ---------------------------------------------------------------------------------
const QUICK = argv.includes("--quick"), REPS = QUICK ? 1 : Number(opt("reps", 3));
const pick = (full, quick) => (QUICK ? quick : full);
const AXES = {
  train: [
    { factor: "width (hidden channels)", values: pick([8, 16, 32, 64], [8, 16]), sets: (v) => [`model.hidden=${v}`] },
    { factor: "Euler steps", values: pick([5, 10, 20, 40], [5, 10]), sets: (v) => [`model.steps=${v}`] },
    { factor: "batch", values: pick([16, 32, 64, 128, 256], [16, 32]), sets: (v) => [`train.batch=${v}`] },
    { factor: "MC samples", values: pick([1, 2, 4, 8], [1, 2]), sets: (v) => [`train.samples=${v}`] },
  ],
  predict: [
    { factor: "width (hidden channels)", values: pick([8, 16, 32, 64], [8, 16]), sets: (v) => [`model.hidden=${v}`] },
    { factor: "Euler steps", values: pick([5, 10, 20, 40], [5, 10]), sets: (v) => [`model.steps=${v}`] },
    { factor: "images", values: pick([16, 32, 64, 128, 256], [16, 32]), images: (v) => v },
    { factor: "MC samples", values: pick([1, 2, 4, 8, 16], [1, 2]), samples: (v) => v },
  ],
};

/** Least-squares slope of log y on log x. */
function exponent(xs, ys) {
  const lx = xs.map(Math.log), ly = ys.map(Math.log), n = xs.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n, my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (lx[i] - mx) * (ly[i] - my); sxx += (lx[i] - mx) ** 2; }
  return sxy / sxx;
}

function point(kind, sets, images, samples) {
  const args = [here("./scaling.mjs"), "--point", kind, "--reps", String(REPS), "--sets", JSON.stringify(sets),
    "--images", String(images ?? 64), "--samples", String(samples ?? 8)];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`scaling point ${kind} ${JSON.stringify(sets)} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

const results = { train: [], predict: [] };
for (const kind of ["train", "predict"]) {
  for (const ax of AXES[kind]) {
    const pts = [];
    for (const v of ax.values) {
      process.stderr.write(`${kind} ${ax.factor} = ${v} ...\n`);
      pts.push({ value: v, ...point(kind, ax.sets ? ax.sets(v) : [], ax.images?.(v), ax.samples?.(v)) });
    }
    results[kind].push({
      factor: ax.factor, points: pts,
      timeExponent: exponent(pts.map((p) => p.value), pts.map((p) => p.cpuMs)),
      memoryExponent: exponent(pts.map((p) => p.value), pts.map((p) => p.arenaPeakBytes)),
    });
  }
}

const mb = (b) => (b / 2 ** 20).toFixed(1);
const cpu = (() => { try { return readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1]; } catch { return cpus()[0]?.model; } })();
const date = new Date().toISOString();
const lines = [
  `Scaling of the \`mnist\` preset, ${date.slice(0, 10)}: median of ${REPS} after 1 warm-up, one thread, each point its own process${QUICK ? " (--quick: not a measurement)" : ""}.`,
  `Machine: ${cpu}, ${availableParallelism()} CPUs, Node ${process.version}. Command: \`node bench/scaling.mjs\`.`,
  "Baseline: width 16, 10 Euler steps, batch 64, 1 MC sample (training); 64 images x 8 samples (prediction). Exponent p: cost ~ factor^p (log-log least squares); time p on the CPU ms, memory p on the wasm arena peak.",
];
for (const kind of ["train", "predict"]) {
  lines.push("", kind === "train" ? "### Training step" : "### Prediction", "",
    "| factor | values | wall ms | CPU ms | wasm arena peak MB | peak RSS MB | time p | memory p |", "| --- | --- | --- | --- | --- | --- | ---: | ---: |");
  for (const r of results[kind]) {
    lines.push(`| ${r.factor} | ${r.points.map((p) => p.value).join(" / ")} | ${r.points.map((p) => p.ms.toFixed(1)).join(" / ")} | ${r.points.map((p) => p.cpuMs.toFixed(1)).join(" / ")} | `
      + `${r.points.map((p) => mb(p.arenaPeakBytes)).join(" / ")} | ${r.points.map((p) => mb(p.maxRssBytes)).join(" / ")} | ${r.timeExponent.toFixed(2)} | ${r.memoryExponent.toFixed(2)} |`);
  }
}
const md = lines.join("\n") + "\n";
console.log(md);
mkdirSync(here("./results/"), { recursive: true });
writeFileSync(here("./results/scaling.json"), JSON.stringify({ date, node: process.version, cpu, cpus: availableParallelism(), reps: REPS, quick: QUICK, results }, null, 2) + "\n");
writeFileSync(here("./results/scaling.md"), md);
