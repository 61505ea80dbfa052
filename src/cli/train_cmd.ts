// `sdebnn train`, `sdebnn eval` and `sdebnn start`: any kind, through the one run directory.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { init } from "../node.js";
import { UsageError, type FlagValue } from "./args.js";
import { ProgressBar } from "./progress.js";
import { parseConfigJson } from "../config/overrides.js";
import { resolvePreset } from "../presets/index.js";
import { kindOf, resolveRunConfig, type RunConfig } from "../models/registry.js";
import { taskOfConfig } from "../models/kind.js";
import { ConfigError } from "../runtime/errors.js";
import { CHECKPOINT_FILE, trainRun } from "../node/run.js";
import { loadTestData, loadTestFile, prepareRunConfig } from "../node/data.js";
import { loadModel } from "../api/model.js";
import { ShardPool } from "../node/shard_pool.js";
import { allIndices } from "../data/examples.js";
import type { SetMetrics } from "../eval/score.js";
import { readFileChecked, readTextChecked } from "../node/files.js";
import { SIGNAL_EXIT_CODES, StopSignals } from "../node/stop_signals.js";
import { absoluteDataPaths, checkDataPaths, evalDataConfig, setsOf } from "./data_sets.js";

type Flags = Record<string, FlagValue | undefined>;

/** Validation passes of at least this many rows show their progress (shorter ones finish at once). */
const VALIDATION_BAR_ROWS = 512;

/** `key=value` settings of the data flags (--data, --target, --features, --task, --test). */
function dataSets(flags: Flags): string[] {
  const sets: string[] = [];
  const put = (key: string, v: string | string[]) => sets.push(`${key}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  if (flags.data !== undefined) put("data.file", String(flags.data));
  if (flags.target !== undefined) put("data.target", String(flags.target));
  if (flags.features !== undefined) put("data.features", String(flags.features).split(",").map((f) => f.trim()).filter((f) => f !== ""));
  if (flags.task !== undefined) put("data.task", String(flags.task));
  if (flags.test !== undefined) put("data.test", String(flags.test));
  if (flags["drop-missing"] === true) put("data.dropMissing", "true");
  return sets;
}

/**
 * The effective config of --preset / --config / --set and the data flags, its data paths made
 * absolute against the working directory (./data_sets.ts) and its data-dependent fields filled in.
 */
export function configFromFlags(flags: Flags): RunConfig {
  const cfg = absoluteDataPaths(flagConfig(flags));
  checkDataPaths(cfg, "train");
  return prepareRunConfig(cfg, { onNote: (line) => console.error(`note: ${line}`) });
}

function flagConfig(flags: Flags): RunConfig {
  const data = dataSets(flags);
  const sets = [...data, ...((flags.set as string[] | undefined) ?? [])];
  const file = flags.config === undefined ? undefined : parseConfigJson(readTextChecked(String(flags.config), { what: "config file (--config)" }), String(flags.config));
  if (flags.data !== undefined) {
    if (flags.preset !== undefined) throw new UsageError("--data trains a tabular model from a CSV file: drop --preset (tune it with --set or --config)");
    if (flags.target === undefined) throw new UsageError("--data needs --target COLUMN (the column to predict)");
    return resolveRunConfig(file ?? { kind: "tabular" }, sets);
  }
  if (data.length > 0) throw new UsageError("--target, --features, --task, --test and --drop-missing go with --data FILE.csv");
  if (flags.preset !== undefined) return resolvePreset(String(flags.preset), file, sets);
  if (file !== undefined) return resolveRunConfig(file, sets);
  throw new UsageError("pass --preset NAME, --config FILE or --data FILE.csv --target COLUMN (see `sdebnn presets`)");
}

/** One line of a set's metrics, by task. */
export function metricsLine(m: SetMetrics): string {
  return m.task === "classification"
    ? `accuracy ${(100 * m.accuracy).toFixed(2)} %, NLL ${m.nll.toFixed(4)}, ECE ${(100 * m.ece).toFixed(2)} %, Brier ${m.brier.toFixed(4)}, ` +
      `entropy ${m.entropy.toFixed(4)}, MI ${m.mutualInformation.toFixed(4)} (${m.count} examples, ${m.samples} samples)`
    : `RMSE ${m.rmse.toFixed(4)}, NLL ${m.nll.toFixed(4)}, 95 % interval coverage ${(100 * m.coverage95).toFixed(1)} % ` +
      `(half-width ${m.halfWidth95.toFixed(3)}) (${m.count} examples, ${m.samples} samples)`;
}

export async function trainCommand(flags: Flags, json: boolean): Promise<number> {
  const cfg = configFromFlags(flags);
  if (flags["print-config"]) { console.log(JSON.stringify(cfg, null, 2)); return 0; }
  return runAndReport(cfg, resolve(String(flags.out)), { resume: flags.resume === true, workers: Number(flags.workers ?? 1), json });
}

async function runAndReport(cfg: RunConfig, out: string, o: { resume: boolean; workers: number; json: boolean }): Promise<number> {
  const rt = await init();
  const bar = new ProgressBar({ write: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY, columns: process.stderr.columns });
  const t0 = Date.now();
  let examples = 0, testT0 = t0;
  const cls = taskOfConfig(kindOf(cfg), cfg) === "classification";
  const stop = StopSignals.install((line) => { bar.end(); console.error(line); });
  const res = await trainRun(rt, cfg, {
    out, resume: o.resume, workers: o.workers, stop,
    onStep: (rec, tr) => {
      examples += cfg.train.batch;
      if (!o.json) bar.update({ done: tr.step, total: tr.totalSteps, elapsedMs: Date.now() - t0, examples, loss: rec.loss, ...(cls ? { accuracy: rec.accuracy } : {}), label: `epoch ${rec.epoch + 1}` });
    },
    onRecord: (e) => {
      if (o.json) return;
      bar.end();
      const val = Number.isFinite(e.valAccuracy) ? `, val acc ${(100 * e.valAccuracy).toFixed(2)} % nll ${e.valNll.toFixed(4)} ece ${(100 * e.valEce).toFixed(2)} %`
        : Number.isFinite(e.valRmse) ? `, val rmse ${e.valRmse.toFixed(4)} nll ${e.valNll.toFixed(4)}` : "";
      console.error(`step ${e.step} (epoch ${e.epoch}): train loss ${e.trainLoss.toFixed(4)}${cls ? ` acc ${(100 * e.trainAccuracy).toFixed(2)} %` : ""}${val}`);
    },
    onTest: (phase, n) => {
      testT0 = Date.now();
      if (!o.json && phase === "start") console.error(`scoring ${n} test examples with ${cfg.eval.samples} samples ...`);
    },
    onValidationProgress: (done, total) => {
      if (!o.json && total >= VALIDATION_BAR_ROWS) bar.update({ done, total, elapsedMs: Date.now() - t0, examples, label: "validation" });
    },
    onTestProgress: (done, total) => {
      if (!o.json) bar.update({ done, total, elapsedMs: Date.now() - testT0, label: "test" });
      if (done === total && !o.json) bar.end();
    },
  }).finally(() => stop.dispose());
  if (res.stoppedBy) {
    bar.end();
    const scoring = res.stoppedWhileScoring === true;
    if (o.json) console.log(JSON.stringify({ out, step: res.trainer.step, stoppedBy: res.stoppedBy, checkpoint: res.checkpoint, ...(scoring ? { stoppedWhileScoring: true } : {}) }));
    else if (scoring) console.error(`stopped by ${res.stoppedBy} while scoring the test set: training is complete (update ${res.trainer.step}, checkpoint written); score it with: sdebnn eval --checkpoint ${res.checkpoint}`);
    else console.error(`stopped by ${res.stoppedBy} after update ${res.trainer.step}; checkpoint written: continue with --resume`);
    return SIGNAL_EXIT_CODES[res.stoppedBy];
  }
  const t = res.test!;
  if (o.json) console.log(JSON.stringify({ out, step: res.trainer.step, test: t, report: res.report, figures: res.figures }));
  else {
    console.log(`test: ${metricsLine(t)}`);
    if (res.report) console.log(Object.entries(res.report).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", "));
    for (const f of res.figures) console.log(`wrote ${f}`);
    console.log(`wrote ${out}`);
  }
  return 0;
}

/** `sdebnn start`: the toy 1D model on its embedded data (what `npm start` runs), in a fresh directory. */
export async function startCommand(flags: Flags, json: boolean): Promise<number> {
  const base = resolve(String(flags.out ?? "runs/toy1d"));
  let out = base;
  for (let i = 2; existsSync(resolve(out, CHECKPOINT_FILE)); i++) out = `${base}-${i}`;
  const cfg = resolvePreset("toy1d", undefined, (flags.set as string[] | undefined) ?? []);
  const which = (cfg.model as { stochastic?: string }).stochastic;
  if (!json) {
    console.log(`sdebnn: training the toy 1D SDE-BNN (${cfg.train.batch} points, ${cfg.train.epochs} updates, ` +
      `${cfg.train.samples} MC samples, sigma ${cfg.model.sigma}, ${which === "all" ? "every weight diffuses" : `the ${which} layer's weights diffuse`}, ` +
      `${cfg.model.steps} ${cfg.model.solver} steps) into ${out}; posterior.svg shows the prior and the posterior predictive`);
  }
  return runAndReport(cfg, out, { resume: false, workers: 1, json });
}

export async function evalCommand(flags: Flags, json: boolean): Promise<number> {
  const path = String(flags.checkpoint);
  const rt = await init();
  const model = await loadModel(rt, readFileChecked(path, { what: "checkpoint (--checkpoint)" }), { name: path });
  const samples = flags.samples === undefined ? model.config.eval.samples : Number(flags.samples);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new ConfigError(`--samples must be a positive integer, got ${flags.samples}`);
  if (flags.target !== undefined && flags.data === undefined) throw new UsageError("--target goes with --data FILE.csv");
  const target = (model.config.data as { target?: unknown }).target;
  if (flags.target !== undefined && flags.target !== target) throw new UsageError(`--target ${JSON.stringify(flags.target)}: this model predicts ${JSON.stringify(target)}`);
  const sets = setsOf(flags);
  if (flags.data !== undefined && sets.length > 0) throw new UsageError("eval: --data FILE.csv names the test rows; --set data.* goes without it");
  const cfg = evalDataConfig(model.config, [...sets, ...(flags["drop-missing"] === true ? ["data.dropMissing=true"] : [])]);
  const onNote = (line: string) => console.error(`note: ${line}`);
  if (flags.data === undefined) checkDataPaths(cfg, "eval");
  const test = flags.data === undefined ? loadTestData(rt, cfg, { onNote }) : loadTestFile(cfg, String(flags.data), { onNote });
  const n = flags.limit === undefined ? test.count : Math.min(test.count, Number(flags.limit));
  const workers = Number(flags.workers ?? 1);
  if (!(Number.isInteger(workers) && workers >= 1)) throw new ConfigError(`--workers must be a positive integer, got ${flags.workers}`);
  // the samples of every chunk split over the workers (the same bits for any count), a progress bar on stderr
  const pool = workers > 1 ? await ShardPool.start(workers, rt.module, model.config) : null;
  const bar = new ProgressBar({ write: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY, columns: process.stderr.columns });
  const t0 = Date.now();
  const r = await (pool ? model.withExecutors(pool.executors) : model).evaluate(test, {
    samples, indices: allIndices(n),
    onProgress: (done, total) => { if (!json) bar.update({ done, total, elapsedMs: Date.now() - t0, label: "eval" }); },
  }).finally(async () => { bar.end(); await pool?.close(); });
  const classNames = r.task === "classification" ? kindOf(model.config).classNames?.(model.config) ?? [] : [];
  if (json) console.log(JSON.stringify({ checkpoint: path, step: model.step, ...r, ...(classNames.length ? { classNames } : {}) }));
  else {
    console.log(`${path} (step ${model.step}): ${metricsLine(r)}`);
    if (classNames.length) console.log(`classes: ${classNames.join(", ")}`);
  }
  return 0;
}
