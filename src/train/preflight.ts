// Checks, before a run touches its directory or takes its first step, the config values the schema
// accepts but this model or machine cannot honour - so that they fail in seconds with a ConfigError
// naming the field, not an epoch later (eval.samples 129..256 used to pass validation, train an epoch
// and then fail in the first validation, leaving a run that could never resume):
//  - train.samples and eval.samples against the model's per-pass sample limit (the kind's
//    maxSamples: 128 / (SDE-BNN blocks) for image models, the noise-stream layout of ImageSdeBnn);
//  - the worker count against the batch's shards (more workers than shards would idle) and the
//    machine's parallelism (0, -1 or 1000 used to become 1 or spawn 1000 threads).
import { ConfigError } from "../runtime/errors.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { kindOf, type RunConfig } from "../models/registry.js";

/** The largest Monte-Carlo sample count of one pass through `blocks` SDE-BNN blocks. */
export const samplesLimit = (blocks: number): number => Math.floor(128 / blocks);

export interface PreflightOptions {
  /** Threads computing the batch's shards (--workers), when the caller runs any. */
  workers?: number;
  /** os.availableParallelism() (or navigator.hardwareConcurrency) of this machine. */
  parallelism?: number;
}

/** An image run's checks (the kind's sample limit names its blocks). */
export function preflightImageRun(cfg: ImageRunConfig, opts: PreflightOptions = {}): void {
  preflightRun(cfg, opts);
}

export function preflightRun(cfg: RunConfig, opts: PreflightOptions = {}): void {
  const limit = kindOf(cfg).maxSamples(cfg);
  const where = cfg.kind === "image"
    ? (() => { const blocks = cfg.model.groups.reduce((a, b) => a + b, 0); return ` for this model (${blocks} SDE-BNN block(s) in model.groups ${JSON.stringify(cfg.model.groups)}: at most 128 / ${blocks} samples per pass)`; })()
    : ` for this model`;
  for (const [field, v] of [["train.samples", cfg.train.samples], ["eval.samples", cfg.eval.samples]] as const) {
    if (v > limit) throw new ConfigError(`config field '${field}': expected an integer in [1, ${limit}]${where}, got ${v}`);
  }
  if (opts.workers !== undefined) {
    const shards = Math.min(cfg.train.shards, cfg.train.batch);
    const max = Math.max(1, Math.min(shards, opts.parallelism ?? shards));
    if (!(Number.isSafeInteger(opts.workers) && opts.workers >= 1 && opts.workers <= max)) {
      throw new ConfigError(`--workers: expected an integer in [1, ${max}] (train.shards ${cfg.train.shards}` +
        `${cfg.train.batch < cfg.train.shards ? ` capped by train.batch ${cfg.train.batch}` : ""}` +
        `${opts.parallelism !== undefined ? `, ${opts.parallelism} CPU threads on this machine` : ""}), got ${opts.workers}`);
    }
  }
}
