// `npm start` / `sdebnn start`: train the toy 1D SDE-BNN on its embedded data and write the figure.
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";
import { init } from "../node.js";
import { TOY1D_DEFAULTS, type Toy1dConfig } from "../models/toy1d.js";
import { runToy1d } from "../models/toy1d_run.js";

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export async function start(outDir = "runs/toy1d", overrides: Partial<Toy1dConfig["train"]> = {}): Promise<void> {
  const rt = await init();
  const cfg: Toy1dConfig = structuredClone(TOY1D_DEFAULTS);
  Object.assign(cfg.train, overrides);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  console.log(`sdebnn: training the toy 1D SDE-BNN (${cfg.data.perCluster * cfg.data.ranges.length} points, ` +
    `${cfg.train.updates} updates, ${cfg.train.samples} MC samples, sigma ${cfg.model.sigma}, ${cfg.model.steps} ${cfg.model.solver} steps)`);
  const result = runToy1d(rt, cfg, {
    logEvery: Math.max(1, Math.round(cfg.train.updates / 20)),
    onProgress: (p) => {
      const eta = (p.elapsedMs / p.step) * (p.updates - p.step) / 1000;
      console.log(`  step ${String(p.step).padStart(5)}/${p.updates}  loss ${p.loss.toFixed(4)}  nll ${p.nll.toFixed(4)}  kl ${p.kl.toFixed(4)}  ` +
        `${(p.step / (p.elapsedMs / 1000)).toFixed(1)} it/s  eta ${eta.toFixed(0)} s`);
    },
  });
  const metricsPath = join(dir, "metrics.json"), svgPath = join(dir, "posterior.svg");
  writeAtomic(metricsPath, JSON.stringify({ config: cfg, metrics: result.metrics, history: result.history }, null, 2) + "\n");
  writeAtomic(svgPath, result.svg);
  const m = result.metrics;
  console.log(`done in ${m.trainSeconds.toFixed(1)} s: 95 % band covers ${(100 * m.coverage95).toFixed(1)} % of ${m.heldOut} held-out points; ` +
    `predictive std gap/data = ${m.gapToDataStdRatio.toFixed(2)}x`);
  console.log(`wrote ${metricsPath}`);
  console.log(`wrote ${svgPath}`);
}
