// `sdebnn train` and `sdebnn eval`.
import { join, resolve } from "node:path";
import { init } from "../node.js";
import { UsageError, type FlagValue } from "./args.js";
import { ProgressBar } from "./progress.js";
import { parseConfigJson } from "../config/overrides.js";
import { resolvePreset, resolveRunConfig, type RunConfig } from "../presets/index.js";
import { ConfigError } from "../runtime/errors.js";
import { trainImageRun } from "../node/train_image.js";
import { writeFileAtomic } from "../node/atomic.js";
import { runToy1d } from "../models/toy1d_run.js";
import type { Toy1dConfig } from "../models/toy1d.js";
import { decodeCheckpoint } from "../checkpoint/safetensors.js";
import { loadImageModel } from "../models/image_checkpoint.js";
import { evaluateImageSet } from "../models/image_predict.js";
import { loadImageData } from "../node/image_data.js";
import { ensureDirectory, readFileChecked, readTextChecked } from "../node/files.js";
import { SIGNAL_EXIT_CODES, StopSignals } from "../node/stop_signals.js";
import { assertFiniteOutputs, assertFiniteTensors } from "../checkpoint/finite.js";

type Flags = Record<string, FlagValue | undefined>;

/** The effective config of --preset / --config / --set. */
export function configFromFlags(flags: Flags): RunConfig {
  const sets = (flags.set as string[] | undefined) ?? [];
  const file = flags.config === undefined ? undefined : parseConfigJson(readTextChecked(String(flags.config), { what: "config file (--config)" }), String(flags.config));
  if (flags.preset !== undefined) return resolvePreset(String(flags.preset), file, sets);
  if (file !== undefined) return resolveRunConfig(file, sets);
  throw new UsageError("pass --preset NAME or --config FILE (see `sdebnn presets`)");
}

export async function trainCommand(flags: Flags, json: boolean): Promise<number> {
  const cfg = configFromFlags(flags);
  if (flags["print-config"]) { console.log(JSON.stringify(cfg, null, 2)); return 0; }
  const out = resolve(String(flags.out));
  const rt = await init();
  if (cfg.kind === "toy1d") {
    if (flags.resume) throw new UsageError("--resume applies to image models; a toy1d run trains in about a minute");
    ensureDirectory(out, "output directory (--out)");
    const { kind: _kind, ...toy } = cfg;
    const result = runToy1d(rt, toy as Toy1dConfig, {
      logEvery: Math.max(1, Math.round(cfg.train.updates / 20)),
      onProgress: (p) => { if (!json) console.error(`  step ${p.step}/${p.updates}  loss ${p.loss.toFixed(4)}  kl ${p.kl.toFixed(4)}`); },
    });
    await writeFileAtomic(join(out, "metrics.json"), JSON.stringify({ config: cfg, metrics: result.metrics, history: result.history }, null, 2) + "\n");
    await writeFileAtomic(join(out, "posterior.svg"), result.svg);
    if (json) console.log(JSON.stringify({ out, metrics: result.metrics }));
    else console.log(`toy1d: coverage ${(100 * result.metrics.coverage95).toFixed(1)} %, gap/data std ${result.metrics.gapToDataStdRatio.toFixed(2)}x; wrote ${out}`);
    return 0;
  }
  const bar = new ProgressBar({ write: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY, columns: process.stderr.columns });
  const t0 = Date.now();
  let examples = 0;
  const stop = StopSignals.install((line) => { bar.end(); console.error(line); });
  const res = await trainImageRun(rt, cfg, {
    out, resume: flags.resume === true, workers: Number(flags.workers ?? 1), stop,
    onStep: (rec, tr) => {
      examples += cfg.train.batch;
      if (!json) bar.update({ done: tr.step, total: tr.totalSteps, elapsedMs: Date.now() - t0, examples, loss: rec.loss, accuracy: rec.accuracy, label: `epoch ${rec.epoch + 1}` });
    },
    onEpoch: (e) => {
      if (json) return;
      bar.end();
      console.error(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(2)} %, ` +
        `val acc ${(100 * e.valAccuracy).toFixed(2)} % nll ${e.valNll.toFixed(4)} ece ${(100 * e.valEce).toFixed(2)} %`);
    },
  }).finally(() => stop.dispose());
  if (res.stoppedBy) {
    bar.end();
    if (json) console.log(JSON.stringify({ out, step: res.trainer.step, stoppedBy: res.stoppedBy, checkpoint: res.checkpoint }));
    else console.error(`stopped by ${res.stoppedBy} after update ${res.trainer.step}; checkpoint written: continue with --resume`);
    return SIGNAL_EXIT_CODES[res.stoppedBy];
  }
  const t = res.test!;
  if (json) console.log(JSON.stringify({ out, step: res.trainer.step, test: t }));
  else console.log(`test: accuracy ${(100 * t.accuracy).toFixed(2)} %, NLL ${t.nll.toFixed(4)}, ECE ${(100 * t.ece).toFixed(2)} %, ` +
    `Brier ${t.brier.toFixed(4)} (${t.count} images, ${t.samples} samples); wrote ${out}`);
  return 0;
}

export async function evalCommand(flags: Flags, json: boolean): Promise<number> {
  const path = String(flags.checkpoint);
  const rt = await init();
  const ck = await decodeCheckpoint(readFileChecked(path, { what: "checkpoint (--checkpoint)" }), path);
  assertFiniteTensors(ck.tensors, path);
  const { model, cfg } = loadImageModel(rt, ck);
  const samples = flags.samples === undefined ? cfg.eval.samples : Number(flags.samples);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new ConfigError(`--samples must be a positive integer, got ${flags.samples}`);
  const { test } = loadImageData(cfg);
  const n = flags.limit === undefined ? test.count : Math.min(test.count, Number(flags.limit));
  const r = evaluateImageSet(rt, model, test, Uint32Array.from({ length: n }, (_, i) => i), samples, cfg.eval.batch);
  assertFiniteOutputs([r.nll, r.entropy, r.mutualInformation, r.brier], 4, "the test-set metrics (NLL, entropy, MI, Brier)");
  if (json) console.log(JSON.stringify({ checkpoint: path, step: ck.step, ...r }));
  else console.log(`${path} (step ${ck.step}): accuracy ${(100 * r.accuracy).toFixed(2)} %, NLL ${r.nll.toFixed(4)}, ECE ${(100 * r.ece).toFixed(2)} %, ` +
    `Brier ${r.brier.toFixed(4)}, entropy ${r.entropy.toFixed(4)}, MI ${r.mutualInformation.toFixed(4)} (${n} images, ${samples} samples)`);
  return 0;
}
