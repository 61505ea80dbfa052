// `sdebnn bench`: median time of training steps and of a 16-sample prediction for a preset.
import { performance } from "node:perf_hooks";
import { init } from "../node.js";
import type { FlagValue } from "./args.js";
import { configFromFlags } from "./train_cmd.js";
import { Trainer } from "../train/trainer.js";
import { loadData } from "../node/data.js";
import { ShardPool } from "../node/shard_pool.js";
import { gatherSet } from "../eval/score.js";
import { predictRowsParallel } from "../models/predict.js";
import { preflightRun } from "../train/preflight.js";
import { availableParallelism } from "node:os";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCommand(flags: Record<string, FlagValue | undefined>, json: boolean): Promise<number> {
  const cfg = configFromFlags(flags.preset === undefined && flags.config === undefined ? { ...flags, preset: "mnist" } : flags);
  const steps = Number(flags.steps ?? 5);
  const rt = await init();
  const { train } = loadData(rt, cfg);
  const tr = new Trainer(rt, cfg, train);
  const workers = Number(flags.workers ?? 1);
  preflightRun(cfg, { workers, parallelism: availableParallelism() });
  const pool = workers > 1 ? await ShardPool.start(workers, rt.module, cfg) : null;
  const step = () => (pool ? tr.trainStepAsync(pool.executors) : Promise.resolve(tr.trainStep()));
  await step(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) { const t = performance.now(); await step(); times.push(performance.now() - t); }
  const B = cfg.train.batch, stepMs = median(times);
  const { x } = gatherSet(train, [0]), samples = Math.min(16, tr.model.maxSamples), lat: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await predictRowsParallel(rt, tr.model, train.task, pool?.executors ?? [], x, { samples, batch: 1 });
    lat.push(performance.now() - t);
  }
  await pool?.close();
  const res = { preset: flags.preset ?? null, kind: cfg.kind, batch: B, workers, stepMs, examplesPerSecond: (1000 * B) / stepMs, predictSamples: samples,
    predictMs: median(lat), memoryBytes: rt.memory.buffer.byteLength };
  if (json) console.log(JSON.stringify(res));
  else console.log(`train step (batch ${B}, ${workers} worker(s)): median ${stepMs.toFixed(1)} ms = ${res.examplesPerSecond.toFixed(1)} examples/s; ` +
    `${samples}-sample prediction of one example: median ${res.predictMs.toFixed(1)} ms; wasm memory ${(res.memoryBytes / 2 ** 20).toFixed(1)} MiB`);
  return 0;
}
