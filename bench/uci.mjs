// UCI Boston housing (506 rows, 13 features, target medv) from @stdlib/datasets-harrison-boston-house-prices,
// with the protocol of the BNN literature: 20 seeded 90/10 train/test splits (split s: seed s,
// data.testFraction 0.1), normalisation fitted on the training part, test RMSE and per-point test
// NLL (Gaussian predictive: mean and total std of the S-sample model average) in the original units,
// mean +- standard error over the splits; the same model with sigma 0 (the ODE limit) beside it.
// The runs are spread over --jobs worker threads (default 2: the 2 cores of CI); the CPU time
// (user + sys of the whole process, all threads) is printed beside the wall time.
//
// --tune: the settings were chosen this way, never on a test part. Each split's training part
// loses a seeded validation share (data.valFraction 0.1 of it, the Trainer's split), the model
// trains on the rest and the validation share is scored every --every epochs; the mean validation
// RMSE and NLL over the splits per epoch are printed. The test parts are not read.
// Usage: node bench/uci.mjs [--splits 20] [--first 0] [--jobs 2] [--epochs N] [--models sde,ode]
//                           [--tune [--every 10]] [--set key=value ...] [--out FILE.json]   (after npm run build)
// --out writes the per-split numbers (test metrics, or validation curves with --tune), the settings and the times as JSON.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { availableParallelism } from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { init, train, loadData } from "../dist/node.js";
import { UCI_BOSTON } from "./uci_config.mjs";

const file = join(dirname(createRequire(import.meta.url).resolve("@stdlib/datasets-harrison-boston-house-prices/package.json")), "data", "data.csv");

/** One split of one model: test metrics (or the validation curve with --tune). */
async function runSplit(rt, { seed, sigma, overrides, tune, every }) {
  const curve = [];
  // 506 rows: 455 in a training part, 46 of them the validation share with --tune; records every `every` epochs
  const nTrain = 506 - Math.round(506 * 0.1), perEpoch = Math.floor((nTrain - (tune ? Math.round(nTrain * 0.1) : 0)) / overrides["train.batch"]);
  const model = await train(rt, { kind: "tabular", seed, data: { file, target: "medv", testFraction: 0.1, valFraction: tune ? 0.1 : 0 } }, {
    overrides: { ...overrides, "model.sigma": sigma, ...(tune ? { "train.logEvery": perEpoch * every } : {}) },
    onRecord: (r) => { if (tune) curve.push({ epoch: r.step / perEpoch, rmse: r.valRmse, nll: r.valNll }); },
  });
  if (tune) return { curve };
  const r = await model.evaluate(loadData(rt, model.config).test);
  return { rmse: r.rmse, nll: r.nll };
}

if (!isMainThread) {
  const rt = await init();
  parentPort.on("message", async (task) => {
    if (task === null) { parentPort.close(); return; }
    parentPort.postMessage({ task, result: await runSplit(rt, task) });
  });
} else {
  const args = process.argv.slice(2);
  const opt = (name, d) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : d; };
  const sets = args.flatMap((a, i) => (a === "--set" ? [args[i + 1]] : []));
  const splits = Number(opt("splits", 20)), first = Number(opt("first", 0)), jobs = Number(opt("jobs", 2));
  const tune = args.includes("--tune"), every = Number(opt("every", 10));
  const models = opt("models", "sde,ode").split(",");
  const overrides = { ...UCI_BOSTON.config, ...Object.fromEntries(sets.map((s) => { const k = s.indexOf("="); const v = s.slice(k + 1); return [s.slice(0, k), Number.isFinite(Number(v)) ? Number(v) : v]; })) };
  if (opt("epochs")) overrides["train.epochs"] = Number(opt("epochs"));
  const sigmas = models.map((m) => (m === "ode" ? 0 : overrides["model.sigma"] ?? UCI_BOSTON.sigma));
  const tasks = sigmas.flatMap((sigma) => Array.from({ length: splits }, (_, i) => ({ seed: first + i, sigma, overrides, tune, every })));
  const results = new Map();
  const t0 = Date.now(), c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, () => new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url));
    const feed = () => { if (next < tasks.length) w.postMessage(tasks[next++]); else w.postMessage(null); };
    w.on("message", ({ task, result }) => {
      results.set(`${task.sigma}/${task.seed}`, result);
      const msg = tune ? `last val RMSE ${result.curve.at(-1)?.rmse.toFixed(3)} NLL ${result.curve.at(-1)?.nll.toFixed(3)}` : `RMSE ${result.rmse.toFixed(3)} NLL ${result.nll.toFixed(3)}`;
      console.error(`sigma ${task.sigma} split ${task.seed}: ${msg} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      feed();
    });
    w.on("error", reject);
    w.on("exit", resolve);
    feed();
  })));
  const wall = (Date.now() - t0) / 1000, cu = process.cpuUsage(c0), cpu = (cu.user + cu.system) / 1e6;
  const stats = (xs) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)); return { mean: m, se: sd / Math.sqrt(xs.length) }; };
  const f = ({ mean, se }) => `${mean.toFixed(3)} +- ${se.toFixed(3)}`;
  const name = (sigma) => (sigma > 0 ? `SDE-BNN (sigma ${sigma})` : "ODE limit (sigma 0)");
  const seeds = Array.from({ length: splits }, (_, i) => first + i);
  console.log(`UCI Boston housing, ${tune ? "TUNING on validation shares of the training parts" : "test parts"}, splits ${first}..${first + splits - 1} (90/10), ` +
    `${overrides["train.epochs"]} epochs, ${jobs} worker threads, ${availableParallelism()} cores available: wall ${wall.toFixed(0)} s, CPU (user+sys) ${cpu.toFixed(0)} s`);
  console.log(`command: node bench/uci.mjs ${args.join(" ")}`);
  if (tune) {
    for (const sigma of sigmas) {
      console.log(`${name(sigma)}: mean validation RMSE / NLL by epoch\n| epoch | val RMSE | val NLL |\n| --- | --- | --- |`);
      const curves = seeds.map((s) => results.get(`${sigma}/${s}`).curve);
      curves[0].forEach((p, k) => console.log(`| ${p.epoch} | ${f(stats(curves.map((c) => c[k].rmse)))} | ${f(stats(curves.map((c) => c[k].nll)))} |`));
    }
  } else {
    console.log("| model | test RMSE | test NLL |\n| --- | --- | --- |");
    for (const sigma of sigmas) {
      const rs = seeds.map((s) => results.get(`${sigma}/${s}`));
      console.log(`| ${name(sigma)} | ${f(stats(rs.map((r) => r.rmse)))} | ${f(stats(rs.map((r) => r.nll)))} |`);
    }
    console.log("targets: RMSE <= 3.0, NLL <= 2.45, both models' 20 splits within 600 s on 2 cores");
  }
  const out = opt("out");
  if (out) {
    const perSplit = Object.fromEntries(sigmas.map((sigma) => [sigma, seeds.map((s) => ({ split: s, ...results.get(`${sigma}/${s}`) }))]));
    writeFileSync(out, JSON.stringify({ command: `node bench/uci.mjs ${args.join(" ")}`, tune, overrides, sigmas, wallSeconds: wall, cpuSeconds: cpu, perSplit }, null, 1) + "\n");
  }
}
