// The `train` and `eval` sections of every kind's run config: the same names for the same things.
import { s, type Infer } from "../config/schema.js";
import type { TrainConfig } from "../models/kind.js";

/** The train section, with a kind's own defaults where they differ (e.g. tabular: 200 epochs of batch 32). */
export function trainSchema(d: Partial<TrainConfig> = {}) {
  return s.object({
    epochs: s.number({ min: 0, max: 1e7, default: d.epochs ?? 1, doc: "passes over the training split (fractions allowed)" }),
    maxSteps: s.integer({ min: 0, max: 1e9, default: d.maxSteps ?? 0, doc: "stop after this many updates (0: no cap)" }),
    batch: s.integer({ min: 1, max: 65536, default: d.batch ?? 64, doc: "examples per update" }),
    lr: s.number({ min: 0, max: 10, default: d.lr ?? 1e-3, doc: "Adam learning rate" }),
    schedule: s.enum(["constant", "cosine"] as const, { default: d.schedule ?? "constant", doc: "learning-rate schedule over the run" }),
    minLr: s.number({ min: 0, max: 10, default: d.minLr ?? 0, doc: "final rate of the cosine schedule" }),
    weightDecay: s.number({ min: 0, max: 100, default: d.weightDecay ?? 0, doc: "decoupled (AdamW) weight decay: weights *= 1 - lr * weightDecay before each update" }),
    emaDecay: s.number({ min: 0, max: 0.999999, default: d.emaDecay ?? 0.999, doc: "EMA of the weights used for evaluation (0: none)" }),
    samples: s.integer({ min: 1, max: 128, default: d.samples ?? 1, doc: "Monte-Carlo weight paths per step" }),
    shards: s.integer({ min: 1, max: 64, default: d.shards ?? 2, doc: "fixed row shards of each batch, summed in order: any number of workers gives the same bits" }),
    klCoef: s.number({ min: 0, max: 1e6, default: d.klCoef ?? 1e-3, doc: "weight of the KL terms in the loss" }),
    klDivideByN: s.boolean({ default: d.klDivideByN ?? true, doc: "loss = mean NLL + klCoef * KL / N (true) or + klCoef * KL (false); N = training examples" }),
    checkpointEvery: s.integer({ min: 0, max: 1e9, default: d.checkpointEvery ?? 500, doc: "updates between checkpoints (0: only at the end)" }),
    logEvery: s.integer({ min: 0, max: 1e9, default: d.logEvery ?? 0, doc: "updates between metrics records (0: one per epoch)" }),
    onNonFinite: s.enum(["stop", "skip"] as const, { default: d.onNonFinite ?? "stop", doc: "a NaN/Inf step: stop with NumericalError, or skip the batch" }),
    divergeFactor: s.number({ min: 0, max: 1e300, default: d.divergeFactor ?? 1e4, doc: "stop with NumericalError when a loss exceeds this multiple of the mean of the first 10 losses (0: never)" }),
  });
}

export function evalSchema(d: { samples?: number; batch?: number; valLimit?: number } = {}) {
  return s.object({
    samples: s.integer({ min: 1, max: 128, default: d.samples ?? 8, doc: "Monte-Carlo samples at evaluation (probabilities averaged)" }),
    batch: s.integer({ min: 1, max: 65536, default: d.batch ?? 256, doc: "rows per prediction chunk" }),
    valLimit: s.integer({ min: 0, max: 1e9, default: d.valLimit ?? 1000, doc: "validation examples scored at each record (0: all)" }),
  });
}

export type TrainSection = Infer<ReturnType<typeof trainSchema>>;
