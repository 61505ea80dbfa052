// The toy1d target of the training issue (SPEC section 3): trains the `toy1d` preset for several
// seeds, each in its own process (two at a time: one per core), and prints, per seed and as the
// median over seeds, the coverage of held-out points by the 95 % predictive band and the ratio of
// the mean predictive standard deviation inside the gap to that at the data (total: with the
// likelihood's observation noise, as the band; epistemic: the function samples alone).
//   node scripts/build.mjs && node bench/toy1d.mjs [--seeds 4] [--jobs 2] [--set key=value ...]
// Target: coverage >= 90 % and gap/data std ratio >= 3.
import { spawn } from "node:child_process";
import { writeFileSync, mkdirSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { median } from "./lib/measure.mjs";

const args = process.argv.slice(2);
if (args[0] === "--child") {
  const { init, resolvePreset, runToy1d } = await import("../dist/node.js");
  const seed = Number(args[1]), sets = JSON.parse(args[2]);
  const rt = await init();
  const cfg = resolvePreset("toy1d", undefined, [...sets, `seed=${seed}`]);
  const r = runToy1d(rt, cfg);
  process.stdout.write(JSON.stringify({ seed, config: cfg, metrics: r.metrics }) + "\n");
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
console.log(`toy1d: ${cfg.train.updates} updates, lr ${cfg.train.lr}, sigma ${cfg.model.sigma}, ${cfg.train.likelihood} likelihood (scale ${cfg.train.likelihoodScale}), ` +
  `klCoef ${cfg.train.klCoef}${cfg.train.klDivideByN ? " / N" : ""}, ${cfg.train.samples} MC samples${sets.length ? `; --set ${sets.join(" ")}` : ""}`);
console.log("| seed | coverage of held-out points (95 % band) | gap/data std, total | gap/data std, epistemic | std gap | std data | held-out RMSE | train s |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const { seed, metrics: m } of runs) {
  console.log(`| ${seed} | ${f(100 * m.coverage95, 1)} % | ${f(m.gapToDataStdRatio, 2)} | ${f(m.epistemicGapToDataRatio, 2)} | ${f(m.stdGap)} | ${f(m.stdData)} | ${f(m.heldOutRmse)} | ${f(m.trainSeconds, 0)} |`);
}
const med = (k) => median(runs.map((r) => r.metrics[k]));
console.log(`| median | ${f(100 * med("coverage95"), 1)} % | ${f(med("gapToDataStdRatio"), 2)} | ${f(med("epistemicGapToDataRatio"), 2)} | ${f(med("stdGap"))} | ${f(med("stdData"))} | ${f(med("heldOutRmse"))} | ${f(med("trainSeconds"), 0)} |`);
console.log(`target: coverage >= 90 %: ${med("coverage95") >= 0.9 ? "met" : "missed"}; gap/data std >= 3x: ${med("gapToDataStdRatio") >= 3 ? "met" : "missed"} (total ${f(med("gapToDataStdRatio"), 2)}x, epistemic ${f(med("epistemicGapToDataRatio"), 2)}x)`);
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const tmp = `${dir}toy1d.json.tmp-${process.pid}`;
writeFileSync(tmp, JSON.stringify({ sets, runs }, null, 2) + "\n");
renameSync(tmp, `${dir}toy1d.json`);
