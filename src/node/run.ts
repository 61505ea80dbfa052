// NODE-ONLY: a training run of any kind in an output directory: config.json, metrics.jsonl (one
// record per epoch or per train.logEvery updates), checkpoint.safetensors (atomically replaced
// every train.checkpointEvery updates and at the end), manifest.json, results.json (test metrics
// with the evaluation weights) and figures (SVG). --resume continues from the checkpoint with the
// same bits as an uninterrupted run.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Runtime } from "../runtime/load.js";
import { CheckpointError, ConfigError } from "../runtime/errors.js";
import { decodeCheckpoint, encodeCheckpoint } from "../checkpoint/safetensors.js";
import { Trainer, type StepRecord } from "../train/trainer.js";
import { emptySums, runTraining, type RecordSums, type RunRecord } from "../train/loop.js";
import { resolveRunConfig, type RunConfig } from "../models/registry.js";
import { metricsOf, predictSet, type SetMetrics } from "../eval/score.js";
import { allIndices } from "../data/examples.js";
import { PredictionStopped } from "../models/predict.js";
import { JsonlAppender, readJsonl, removeStaleTemps, writeFileAtomic } from "./atomic.js";
import { loadData, type RunData } from "./data.js";
import { firstDifference } from "../config/canonical.js";
import { ShardPool } from "./shard_pool.js";
import { ManifestRecorder } from "../repro/recorder.js";
import { runFigures } from "./figures.js";
import { ensureDirectory, readFileChecked } from "./files.js";
import { RunLock } from "./run_lock.js";
import { faultPoint } from "./fault.js";
import type { StopSignal, StopSignals } from "./stop_signals.js";
import { DivergenceGuard, parseDivergenceState } from "../train/divergence.js";
import { preflightRun } from "../train/preflight.js";
import { availableParallelism } from "node:os";

export interface TrainRunOptions {
  out: string;
  resume?: boolean;
  /** Called after every update (progress display). */
  onStep?: (rec: StepRecord, trainer: Trainer) => void;
  onRecord?: (rec: RunRecord) => void;
  /** Called before and after the final test scoring (it can take a while). */
  onTest?: (phase: "start" | "end", count: number) => void;
  /** Progress of every validation pass: rows done of the total. */
  onValidationProgress?: (done: number, total: number) => void;
  /** Progress of the final test scoring: rows done of the total. */
  onTestProgress?: (done: number, total: number) => void;
  /** Stop (as if killed) after this many updates in this process: for tests. */
  stopAfter?: number;
  /** Threads computing the batch's shards (this one included); the bits do not depend on it. */
  workers?: number;
  /** The worker script (default: dist/shard_worker.js next to the bundle). */
  workerScript?: URL;
  /** Score the test set and write results.json and the figures at the end (default true). */
  score?: boolean;
  /**
   * SIGINT/SIGTERM: checkpoint at the next update boundary and return with `stoppedBy`; during the
   * final test scoring (training complete, its checkpoint written), stop scoring at the next chunk
   * and return with `stoppedBy` and `stoppedWhileScoring` (no results.json, no figures).
   */
  stop?: StopSignals;
  /** Data already loaded (default: loadData(rt, cfg)). */
  data?: RunData;
}

export interface TrainRunResult {
  trainer: Trainer; test: SetMetrics | null; checkpoint: string; stoppedEarly: boolean; stoppedBy?: StopSignal;
  /** The signal came during the final test scoring: training is complete, the test set unscored. */
  stoppedWhileScoring?: boolean;
  figures: string[]; report: Record<string, number> | null;
}

export const CHECKPOINT_FILE = "checkpoint.safetensors";

export async function trainRun(rt: Runtime, cfg: RunConfig, opts: TrainRunOptions): Promise<TrainRunResult> {
  preflightRun(cfg, { workers: opts.workers ?? 1, parallelism: availableParallelism() }); // before the directory is touched
  const dir = ensureDirectory(opts.out, "output directory (--out)");
  const lock = RunLock.acquire(dir); // RunLockError before anything in the directory is touched
  try {
    return await trainLocked(rt, cfg, opts, dir);
  } finally {
    lock.release();
  }
}

/**
 * A checkpoint's config read by today's schema, so a field added since (at its default, e.g. a new
 * train option) is no difference on --resume; a config today's schema rejects is compared as stored.
 */
function recordedConfig(config: unknown): unknown {
  try {
    return resolveRunConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) return config;
    throw e;
  }
}

async function trainLocked(rt: Runtime, cfg: RunConfig, opts: TrainRunOptions, dir: string): Promise<TrainRunResult> {
  const ckPath = join(dir, CHECKPOINT_FILE), metricsPath = join(dir, "metrics.jsonl");
  // temp files of writes cut short by a crash are never the checkpoint: clear them
  for (const f of [ckPath, metricsPath, join(dir, "config.json"), join(dir, "results.json"), join(dir, "manifest.json")]) removeStaleTemps(f);
  const data = opts.data ?? loadData(rt, cfg);
  const trainer = new Trainer(rt, cfg, data.train);
  let sums: RecordSums = emptySums();
  let resumedFrom: { bytes: Uint8Array; metadata: Record<string, string> } | null = null;
  let diverge = new DivergenceGuard({ factor: cfg.train.divergeFactor });
  if (opts.resume) {
    if (!existsSync(ckPath)) throw new CheckpointError(`--resume: ${ckPath} does not exist`);
    const bytes = readFileChecked(ckPath, { what: "checkpoint (--resume)" });
    const ck = await decodeCheckpoint(bytes, ckPath);
    resumedFrom = { bytes, metadata: ck.metadata };
    diverge = new DivergenceGuard({ factor: cfg.train.divergeFactor, state: parseDivergenceState(ck.metadata.loss_start) ?? undefined });
    const diff = firstDifference(recordedConfig(ck.config), cfg);
    if (diff) {
      throw new ConfigError(`--resume: the config differs from the one in ${ckPath} at '${diff.path}': ${JSON.stringify(diff.a)} in the checkpoint, ` +
        `${JSON.stringify(diff.b)} now (resume with the same preset, config and --set flags; relative data paths from the same working directory)`);
    }
    trainer.loadState(ck, ck.step);
    sums = JSON.parse(ck.metadata.epoch_sums ?? "null") as RecordSums ?? sums;
    // drop records written after the checkpoint (they will be written again)
    if (existsSync(metricsPath)) {
      const keep = readJsonl(metricsPath).records.filter((r) => (r as RunRecord).step <= ck.step);
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
  let savedAt = trainer.step, stoppedBy: StopSignal | undefined;
  const save = async (s: RecordSums) => {
    const bytes = await encodeCheckpoint(trainer.stateTensors(), {
      config: cfg, seed: cfg.seed, step: trainer.step,
      extra: { epoch_sums: JSON.stringify(s), loss_start: JSON.stringify(diverge.state), ...manifest.checkpointMetadata() },
    });
    await writeFileAtomic(ckPath, bytes);
    faultPoint("checkpoint-renamed", trainer.step);
    await manifest.write(bytes);
    savedAt = trainer.step;
  };
  let steps = 0;
  const pool = (opts.workers ?? 1) > 1 ? await ShardPool.start(opts.workers!, rt.module, cfg, opts.workerScript) : null;
  let stoppedEarly = false;
  try {
    ({ stoppedEarly } = await runTraining(rt, trainer, {
      executors: pool?.executors, sums, onValidationProgress: opts.onValidationProgress,
      beforeStep: async (t, s) => {
        if (!opts.stop || !(stoppedBy = (await opts.stop.poll()) ?? undefined)) return false;
        if (savedAt !== t.step) await save(s); // graceful stop at an update boundary
        return true;
      },
      onStep: (rec, t) => { steps++; if (!rec.skipped) diverge.observe(t.step, rec.loss); opts.onStep?.(rec, t); manifest.step(); },
      onRecord: (r) => { log.append(r); manifest.epoch({ epoch: r.epoch, step: r.step, trainLoss: r.trainLoss, valNll: r.valNll }); opts.onRecord?.(r); },
      afterStep: async (t, s) => {
        const every = cfg.train.checkpointEvery;
        if ((every > 0 && t.step % every === 0) || t.done) await save(s);
        return opts.stopAfter !== undefined && steps >= opts.stopAfter;
      },
    }));
    let test: SetMetrics | null = null, report: Record<string, number> | null = null;
    const figures: string[] = [];
    if (!stoppedEarly && opts.score !== false) {
      opts.onTest?.("start", data.test.count);
      opts.stop?.setAction("ending the test scoring at the next chunk (training is complete and checkpointed; exit CODE)");
      try {
        await trainer.withEvalWeightsAsync(async () => {
        // a stop signal during the final scoring ends it at the next chunk: training is complete and its checkpoint written
        const between = opts.stop ? async () => !!(stoppedBy = (await opts.stop!.poll()) ?? undefined) : undefined;
        const pred = await predictSet(rt, trainer.model, data.test, allIndices(data.test.count),
          { samples: cfg.eval.samples, batch: cfg.eval.batch, executors: pool?.executors, onChunk: opts.onTestProgress, between });
        const metrics = metricsOf(rt, pred.prediction, pred.targets);
        test = metrics;
        report = trainer.kind.report?.(rt, cfg, trainer.model) ?? null;
        figures.push(...await runFigures(rt, dir, trainer, data, metrics, readJsonl(metricsPath).records as RunRecord[], pred));
        });
      } catch (e) {
        if (!(e instanceof PredictionStopped)) throw e;
        return { trainer, test: null, checkpoint: ckPath, stoppedEarly, stoppedBy, stoppedWhileScoring: true, figures, report };
      }
      opts.onTest?.("end", data.test.count);
      await writeFileAtomic(join(dir, "results.json"), JSON.stringify({ step: trainer.step, test, ...(report ? { report } : {}) }, null, 2) + "\n");
    }
    return { trainer, test, checkpoint: ckPath, stoppedEarly, ...(stoppedBy ? { stoppedBy } : {}), figures, report };
  } finally {
    log.close();
    await pool?.close();
  }
}
