// The toy1d targets (paper Fig. 2): trains the `toy1d` preset for several seeds, each in its own
// process (two at a time: one per core), and prints, per seed and as the median over seeds: the
// share of a fine grid over [-1, 9] (gap included) where the true function cos(x) lies inside the
// 95 % predictive band, the coverage of fresh held-out points in the data ranges, the band's mean
// half-width there, the gap/data ratio of the predictive std, and the training time.
//   node scripts/build.mjs && node bench/toy1d.mjs [--seeds 4] [--jobs 2] [--set key=value ...]
// Targets: true-function coverage >= 90 %, held-out coverage >= 90 %, half-width <= 0.35, training <= 30 s.
import { spawn } from "node:child_process";
import { writeFileSync, mkdirSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { median } from "./lib/measure.mjs";

const args = process.argv.slice(2);
if (args[0] === "--child") {
  const { init, train, loadData } = await import("../dist/node.js");
  const { resolvePreset, predictiveBand, toy1dBandMetrics } = await import("../dist/advanced.js");
  const seed = Number(args[1]), sets = JSON.parse(args[2]);
  const rt = await init();
  const cfg = resolvePreset("toy1d", undefined, [...sets, `seed=${seed}`]);
  const data = loadData(rt, cfg);
  const t0 = performance.now(), c0 = process.cpuUsage();
  const model = await train(rt, cfg, { data });
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0), trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const test = await model.evaluate(data.test);
  const band = toy1dBandMetrics(rt, predictiveBand(rt, model.net, cfg), cfg);
  const metrics = { ...band, coverage95: test.coverage95, halfWidth95: test.halfWidth95, heldOutRmse: test.rmse, heldOutNll: test.nll, trainSeconds, trainCpuSeconds };
  process.stdout.write(JSON.stringify({ seed, config: cfg, metrics }) + "\n");
  process.exit(0);
}
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const SEEDS = Number(opt("seeds", 4)), JOBS = Number(opt("jobs", Math.min(2, availableParallelism())));
const sets = args.flatMap((a, i) => (a === "--set" ? [args[i + 1]] : []));

function child(seed) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", String(seed), JSON.stringify(sets)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`seed ${seed}: exit ${code}`))));
  });
}

const queue = Array.from({ length: SEEDS }, (_, i) => i), runs = [];
await Promise.all(Array.from({ length: JOBS }, async () => { while (queue.length) runs.push(await child(queue.shift())); }));
runs.sort((a, b) => a.seed - b.seed);
const f = (x, d = 3) => x.toFixed(d);
const cfg = runs[0].config;
const m = cfg.model, scale = m.likelihood === "gaussian" ? (m.gaussianStd > 0 ? `fixed std ${m.gaussianStd}` : "learned std") : `scale ${m.likelihoodScale}`;
console.log(`toy1d (kind ${cfg.kind}, data.dataset ${cfg.data.dataset}, head ${m.head}): ${cfg.train.epochs} epochs of batch ${cfg.train.batch}, lr ${cfg.train.lr}, sigma ${m.sigma}, ${m.likelihood} likelihood (${scale}), ` +
  `klCoef ${cfg.train.klCoef}${cfg.train.klDivideByN ? " / N" : ""}, ${cfg.train.samples} MC samples, ${m.stochastic} weights diffuse, w_0 ${m.w0} (prior std ${m.w0PriorStd}), width ${m.width}, ${m.steps} steps, data scale ${cfg.data.toy1d.scale}${sets.length ? `; --set ${sets.join(" ")}` : ""}`);
console.log("| seed | cos(x) inside the 95 % band on [-1, 9] | held-out coverage | half-width at the data | gap/data std | held-out RMSE | train s (wall) | train s (CPU) |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const row = (label, m) => `| ${label} | ${f(100 * m.trueFunctionCoverage95, 1)} % | ${f(100 * m.coverage95, 1)} % | ${f(m.halfWidth95)} | ${f(m.gapToDataStdRatio, 2)} | ${f(m.heldOutRmse)} | ${f(m.trainSeconds, 0)} | ${f(m.trainCpuSeconds, 1)} |`;
for (const { seed, metrics: m } of runs) console.log(row(seed, m));
const med = (k) => median(runs.map((r) => r.metrics[k]));
const M = Object.fromEntries(Object.keys(runs[0].metrics).map((k) => [k, med(k)]));
console.log(row("median", M));
const met = (ok) => (ok ? "met" : "missed");
console.log(`targets: true function inside the band >= 90 %: ${met(M.trueFunctionCoverage95 >= 0.9)}; held-out coverage >= 90 %: ${met(M.coverage95 >= 0.9)}; ` +
  `half-width <= 0.35: ${met(M.halfWidth95 <= 0.35)}; training <= 30 s: ${met(M.trainSeconds <= 30)} wall, ${met(M.trainCpuSeconds <= 30)} CPU (the wall time counts other processes on a shared machine)`);
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const tmp = `${dir}toy1d.json.tmp-${process.pid}`;
writeFileSync(tmp, JSON.stringify({ sets, runs }, null, 2) + "\n");
renameSync(tmp, `${dir}toy1d.json`);
