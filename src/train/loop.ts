// The training loop every kind and every front end (the API's train(), the CLI's run directory)
// shares: steps through a Trainer, keeps running sums between records, scores the validation split
// at each record (every train.logEvery updates, or at each epoch's end) and at the end.
import type { Runtime } from "../runtime/load.js";
import { scoreSet, type SetMetrics } from "../eval/score.js";
import type { SampleExecutor } from "../models/predict.js";
import type { ShardExecutor, StepRecord, Trainer } from "./trainer.js";

/** One metrics record (a line of metrics.jsonl). Validation fields are NaN when there is no validation split. */
export interface RunRecord {
  epoch: number;
  step: number;
  /** Mean training loss (and accuracy, classification) of the updates since the previous record. */
  trainLoss: number;
  trainAccuracy: number;
  skipped: number;
  valNll: number;
  /** Classification: accuracy and ECE; regression: RMSE and 95 % interval coverage. */
  valAccuracy: number;
  valEce: number;
  valRmse: number;
  valCoverage95: number;
  lr: number;
  seconds: number;
}

/** Running sums between records (kept in checkpoints, so a resumed run writes the same records). */
export interface RecordSums { loss: number; acc: number; count: number; skipped: number }
export const emptySums = (): RecordSums => ({ loss: 0, acc: 0, count: 0, skipped: 0 });

export interface LoopOptions {
  /** Worker executors of the shards (and of validation predictions). */
  executors?: readonly (ShardExecutor & SampleExecutor)[];
  /** Progress of every validation pass: rows done of the total. */
  onValidationProgress?: (done: number, total: number) => void;
  /** Sums carried over from a checkpoint. */
  sums?: RecordSums;
  onStep?: (rec: StepRecord, trainer: Trainer) => void;
  onRecord?: (rec: RunRecord) => void | Promise<void>;
  /** Before every update (e.g. a stop signal): return true to stop before it. */
  beforeStep?: (trainer: Trainer, sums: RecordSums) => Promise<boolean | void> | boolean | void;
  /** After every update and its record: e.g. write a checkpoint. Return true to stop now. */
  afterStep?: (trainer: Trainer, sums: RecordSums) => Promise<boolean | void> | boolean | void;
  now?: () => number;
}

/** Whether a metrics record is due after the trainer's current step. */
export function recordDue(t: Trainer): boolean {
  const every = t.cfg.train.logEvery;
  return t.done || (every > 0 ? t.step % every === 0 : t.step % t.stepsPerEpoch === 0);
}

/** Validation metrics with the evaluation weights (null without a validation split). */
export async function validate(rt: Runtime, t: Trainer, executors: readonly SampleExecutor[] = [],
                               onChunk?: (done: number, total: number) => void): Promise<SetMetrics | null> {
  const limit = t.cfg.eval.valLimit;
  const idx = limit ? t.split.val.subarray(0, limit) : t.split.val;
  if (!idx.length) return null;
  // workers get the evaluation weights as the parameters of their tasks
  return t.withEvalWeightsAsync(() => scoreSet(rt, t.model, t.train, idx, { samples: t.cfg.eval.samples, batch: t.cfg.eval.batch, executors, onChunk }));
}

/** Trains until done (or until afterStep says stop); returns whether it stopped early. */
export async function runTraining(rt: Runtime, t: Trainer, o: LoopOptions = {}): Promise<{ stoppedEarly: boolean; sums: RecordSums }> {
  const now = o.now ?? (() => Date.now());
  const t0 = now();
  let sums = o.sums ?? emptySums();
  const executors = o.executors ?? [];
  while (!t.done) {
    if ((await o.beforeStep?.(t, sums)) === true) return { stoppedEarly: true, sums };
    const rec = executors.length ? await t.trainStepAsync(executors) : t.trainStep();
    if (rec.skipped) sums.skipped++;
    else { sums.loss += rec.loss; sums.acc += rec.accuracy; sums.count++; }
    o.onStep?.(rec, t);
    if (recordDue(t)) {
      const val = await validate(rt, t, executors, o.onValidationProgress);
      const cls = val?.task === "classification" ? val : null, reg = val?.task === "regression" ? val : null;
      const r: RunRecord = {
        epoch: rec.epoch + 1, step: t.step, trainLoss: sums.loss / Math.max(1, sums.count), trainAccuracy: sums.acc / Math.max(1, sums.count),
        skipped: sums.skipped, valNll: val?.nll ?? NaN, valAccuracy: cls?.accuracy ?? NaN, valEce: cls?.ece ?? NaN,
        valRmse: reg?.rmse ?? NaN, valCoverage95: reg?.coverage95 ?? NaN, lr: rec.lr, seconds: (now() - t0) / 1000,
      };
      await o.onRecord?.(r);
      sums = emptySums();
    }
    if ((await o.afterStep?.(t, sums)) === true) return { stoppedEarly: !t.done, sums };
  }
  return { stoppedEarly: false, sums };
}
