// NODE-ONLY: a training run of the image SDE-BNN in an output directory: config.json, metrics.jsonl
// (one record per epoch), checkpoint.safetensors (atomically replaced every N updates and at the
// end), results.json (test metrics with the EMA weights). --resume continues from the checkpoint
// with the same bits as an uninterrupted run.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Runtime } from "../runtime/load.js";
import { CheckpointError, ConfigError } from "../runtime/errors.js";
import { decodeCheckpoint, encodeCheckpoint } from "../checkpoint/safetensors.js";
import { ImageTrainer, type StepRecord } from "../train/image_trainer.js";
import type { EvalResult } from "../models/image_predict.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { JsonlAppender, readJsonl, removeStaleTemps, writeFileAtomic } from "./atomic.js";
import { loadImageData } from "./image_data.js";
import { canonicalJson } from "../config/canonical.js";
import { ShardPool } from "./shard_pool.js";
import { ManifestRecorder } from "../repro/recorder.js";
import { ensureDirectory, readFileChecked } from "./files.js";
import { RunLock } from "./run_lock.js";
import { faultPoint } from "./fault.js";
import type { StopSignal, StopSignals } from "./stop_signals.js";
import { DivergenceGuard, parseDivergenceState } from "../train/divergence.js";
import { preflightImageRun } from "../train/preflight.js";
import { availableParallelism } from "node:os";

export interface EpochRecord {
  epoch: number; step: number; trainLoss: number; trainAccuracy: number; skipped: number;
  valAccuracy: number; valNll: number; valEce: number; lr: number; seconds: number;
}

export interface TrainRunOptions {
  out: string;
  resume?: boolean;
  /** Called after every update (progress display). */
  onStep?: (rec: StepRecord, trainer: ImageTrainer) => void;
  onEpoch?: (rec: EpochRecord) => void;
  /** Stop (as if killed) after this many updates in this process: for tests. */
  stopAfter?: number;
  /** Threads computing the batch's shards (this one included); the bits do not depend on it. */
  workers?: number;
  /** The worker script (default: dist/shard_worker.js next to the bundle). */
  workerScript?: URL;
  /** SIGINT/SIGTERM: checkpoint at the next update boundary and return with `stoppedBy`. */
  stop?: StopSignals;
}

export interface TrainRunResult { trainer: ImageTrainer; test: EvalResult | null; checkpoint: string; stoppedEarly: boolean; stoppedBy?: StopSignal }

interface EpochSums { loss: number; acc: number; count: number; skipped: number }

export const CHECKPOINT_FILE = "checkpoint.safetensors";

export async function trainImageRun(rt: Runtime, cfg: ImageRunConfig, opts: TrainRunOptions): Promise<TrainRunResult> {
  preflightImageRun(cfg, { workers: opts.workers ?? 1, parallelism: availableParallelism() }); // before the directory is touched
  const dir = ensureDirectory(opts.out, "output directory (--out)");
  const lock = RunLock.acquire(dir); // RunLockError before anything in the directory is touched
  try {
    return await trainLocked(rt, cfg, opts, dir);
  } finally {
    lock.release();
  }
}

async function trainLocked(rt: Runtime, cfg: ImageRunConfig, opts: TrainRunOptions, dir: string): Promise<TrainRunResult> {
  const ckPath = join(dir, CHECKPOINT_FILE), metricsPath = join(dir, "metrics.jsonl");
  // temp files of writes cut short by a crash are never the checkpoint: clear them
  for (const f of [ckPath, metricsPath, join(dir, "config.json"), join(dir, "results.json"), join(dir, "manifest.json")]) removeStaleTemps(f);
  const data = loadImageData(cfg);
  const trainer = new ImageTrainer(rt, cfg, data.train);
  let sums: EpochSums = { loss: 0, acc: 0, count: 0, skipped: 0 };
  let resumedFrom: { bytes: Uint8Array; metadata: Record<string, string> } | null = null;
  let diverge = new DivergenceGuard({ factor: cfg.train.divergeFactor });
  if (opts.resume) {
    if (!existsSync(ckPath)) throw new CheckpointError(`--resume: ${ckPath} does not exist`);
    const bytes = readFileChecked(ckPath, { what: "checkpoint (--resume)" });
    const ck = await decodeCheckpoint(bytes, ckPath);
    resumedFrom = { bytes, metadata: ck.metadata };
    diverge = new DivergenceGuard({ factor: cfg.train.divergeFactor, state: parseDivergenceState(ck.metadata.loss_start) ?? undefined });
    if (canonicalJson(ck.config) !== canonicalJson(cfg)) {
      throw new ConfigError(`--resume: the config differs from the one in ${ckPath} (resume with the same preset, config and --set flags)`);
    }
    trainer.loadState(ck, ck.step);
    sums = JSON.parse(ck.metadata.epoch_sums ?? "null") as EpochSums ?? sums;
    // drop epoch records written after the checkpoint (they will be written again)
    if (existsSync(metricsPath)) {
      const keep = readJsonl(metricsPath).records.filter((r) => (r as EpochRecord).step <= ck.step);
      await writeFileAtomic(metricsPath, keep.map((r) => JSON.stringify(r) + "\n").join(""));
    }
  } else if (existsSync(ckPath)) {
    throw new CheckpointError(`${ckPath} exists: pass --resume to continue that run, or choose another --out`);
  } else {
    await writeFileAtomic(metricsPath, "");
  }
  await writeFileAtomic(join(dir, "config.json"), JSON.stringify(cfg, null, 2) + "\n");
  const manifest = new ManifestRecorder(dir, cfg, data.train, trainer, opts.resume, resumedFrom?.metadata);
  if (resumedFrom) await manifest.write(resumedFrom.bytes); // the manifest describes the checkpoint on disk again
  const log = new JsonlAppender(metricsPath);
  const save = async () => {
    const bytes = await encodeCheckpoint(trainer.stateTensors(), {
      config: cfg, seed: cfg.seed, step: trainer.step,
      extra: { epoch_sums: JSON.stringify(sums), loss_start: JSON.stringify(diverge.state), ...manifest.checkpointMetadata() },
    });
    await writeFileAtomic(ckPath, bytes);
    faultPoint("checkpoint-renamed", trainer.step);
    await manifest.write(bytes);
    savedAt = trainer.step;
  };
  let savedAt = trainer.step, stoppedBy: StopSignal | undefined;
  const t0 = Date.now();
  let steps = 0, stoppedEarly = false;
  const pool = (opts.workers ?? 1) > 1
    ? await ShardPool.start(opts.workers!, rt.module, cfg, trainer.split.train.length, opts.workerScript) : null;
  try {
    while (!trainer.done) {
      if (opts.stopAfter !== undefined && steps >= opts.stopAfter) { stoppedEarly = true; break; }
      if (opts.stop && (stoppedBy = (await opts.stop.poll()) ?? undefined)) { // graceful stop at an update boundary
        if (savedAt !== trainer.step) await save();
        stoppedEarly = true;
        break;
      }
      const rec = pool ? await trainer.trainStepAsync(pool.executors) : trainer.trainStep();
      steps++;
      if (!rec.skipped) diverge.observe(trainer.step, rec.loss);
      if (rec.skipped) sums.skipped++;
      else { sums.loss += rec.loss; sums.acc += rec.accuracy; sums.count++; }
      opts.onStep?.(rec, trainer);
      manifest.step();
      const epochEnd = trainer.step % trainer.stepsPerEpoch === 0 || trainer.done;
      if (epochEnd) {
        const valIdx = cfg.eval.valLimit ? trainer.split.val.subarray(0, cfg.eval.valLimit) : trainer.split.val;
        const val = valIdx.length ? trainer.withEvalWeights(() => trainer.evaluate(data.train, valIdx)) : null;
        const e: EpochRecord = {
          epoch: rec.epoch + 1, step: trainer.step, trainLoss: sums.loss / Math.max(1, sums.count),
          trainAccuracy: sums.acc / Math.max(1, sums.count), skipped: sums.skipped,
          valAccuracy: val?.accuracy ?? NaN, valNll: val?.nll ?? NaN, valEce: val?.ece ?? NaN, lr: rec.lr, seconds: (Date.now() - t0) / 1000,
        };
        log.append(e);
        manifest.epoch(e);
        opts.onEpoch?.(e);
        sums = { loss: 0, acc: 0, count: 0, skipped: 0 };
      }
      const every = cfg.train.checkpointEvery;
      if ((every > 0 && trainer.step % every === 0) || trainer.done) await save();
    }
  } finally {
    log.close();
    await pool?.close();
  }
  let test: EvalResult | null = null;
  if (!stoppedEarly) {
    test = trainer.withEvalWeights(() => trainer.evaluate(data.test, Uint32Array.from({ length: data.test.count }, (_, i) => i)));
    await writeFileAtomic(join(dir, "results.json"), JSON.stringify({ step: trainer.step, test }, null, 2) + "\n");
  }
  return { trainer, test, checkpoint: ckPath, stoppedEarly, stoppedBy };
}
