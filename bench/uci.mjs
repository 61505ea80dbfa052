// UCI Boston housing (506 rows, 13 features, target medv) from @stdlib/datasets-harrison-boston-house-prices,
// with the protocol of the BNN literature: 20 seeded 90/10 train/test splits (split s: seed s,
// data.testFraction 0.1), normalisation fitted on the training part, test RMSE and per-point test
// NLL (Gaussian predictive: mean and total std of the S-sample model average) in the original units,
// mean +- standard error over the splits; the same model with sigma 0 (the ODE limit) beside it.
// Usage: node bench/uci.mjs [--splits 20] [--epochs N] [--set key=value ...]   (after npm run build)
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { availableParallelism } from "node:os";
import { init, train, loadData } from "../dist/node.js";

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : d; };
const sets = args.flatMap((a, i) => (a === "--set" ? [args[i + 1]] : []));
const splits = Number(opt("splits", 20)), epochs = Number(opt("epochs", 40));
const file = join(dirname(createRequire(import.meta.url).resolve("@stdlib/datasets-harrison-boston-house-prices/package.json")), "data", "data.csv");
const base = { "model.width": 50, "model.depth": 2, "model.nnHidden": 32, "model.steps": 4, "model.augment": 2, "train.epochs": epochs,
  "train.batch": 32, "train.lr": 3e-3, "train.samples": 2, "train.schedule": "cosine", "eval.samples": 32, "train.klCoef": 1 };
const overrides = Object.fromEntries(sets.map((s) => { const k = s.indexOf("="); const v = s.slice(k + 1); return [s.slice(0, k), Number.isFinite(Number(v)) ? Number(v) : v]; }));

const rt = await init();
const stats = (xs) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)); return { mean: m, se: sd / Math.sqrt(xs.length) }; };
const rows = [];
const t0 = Date.now();
for (const sigma of [0.1, 0]) {
  const rmse = [], nll = [];
  for (let s = 0; s < splits; s++) {
    const model = await train(rt, { kind: "tabular", seed: s, data: { file, target: "medv", testFraction: 0.1 } },
      { overrides: { ...base, ...overrides, "model.sigma": sigma } });
    const r = await model.evaluate(loadData(rt, model.config).test);
    rmse.push(r.rmse); nll.push(r.nll);
    console.error(`sigma ${sigma} split ${s}: RMSE ${r.rmse.toFixed(3)} NLL ${r.nll.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const a = stats(rmse), b = stats(nll);
  rows.push(`| ${sigma > 0 ? `SDE-BNN (sigma ${sigma})` : "ODE limit (sigma 0)"} | ${a.mean.toFixed(3)} +- ${a.se.toFixed(3)} | ${b.mean.toFixed(3)} +- ${b.se.toFixed(3)} |`);
}
const secs = (Date.now() - t0) / 1000;
console.log(`UCI Boston housing, ${splits} splits 90/10, ${epochs} epochs, ${availableParallelism()} cores available, one thread: ${secs.toFixed(0)} s in all`);
console.log("| model | test RMSE | test NLL |\n| --- | --- | --- |\n" + rows.join("\n"));
console.log("targets: RMSE <= 3.0, NLL <= 2.45, both models' 20 splits within 600 s");
