// `sdebnn bench`: median time of training steps and of a 16-sample prediction for a preset.
import { performance } from "node:perf_hooks";
import { init } from "../node.js";
import type { FlagValue } from "./args.js";
import { configFromFlags } from "./train_cmd.js";
import { UsageError } from "./args.js";
import { ImageTrainer } from "../train/image_trainer.js";
import { loadImageData } from "../node/image_data.js";
import { ShardPool } from "../node/shard_pool.js";
import { preflightImageRun } from "../train/preflight.js";
import { availableParallelism } from "node:os";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCommand(flags: Record<string, FlagValue | undefined>, json: boolean): Promise<number> {
  const cfg = configFromFlags(flags.preset === undefined && flags.config === undefined ? { ...flags, preset: "mnist" } : flags);
  if (cfg.kind !== "image") throw new UsageError("bench measures image presets (toy1d reports its speed in `npm start`)");
  const steps = Number(flags.steps ?? 5);
  const rt = await init();
  const { train } = loadImageData(cfg);
  const tr = new ImageTrainer(rt, cfg, train);
  const workers = Number(flags.workers ?? 1);
  preflightImageRun(cfg, { workers, parallelism: availableParallelism() });
  const pool = workers > 1 ? await ShardPool.start(workers, rt.module, cfg, tr.split.train.length) : null;
  const step = () => (pool ? tr.trainStepAsync(pool.executors) : Promise.resolve(tr.trainStep()));
  await step(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) { const t = performance.now(); await step(); times.push(performance.now() - t); }
  await pool?.close();
  const B = cfg.train.batch, stepMs = median(times);
  const one = Uint32Array.of(0), lat: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); tr.evaluate(train, one, 16); lat.push(performance.now() - t); }
  const res = { preset: flags.preset ?? null, batch: B, workers, stepMs, examplesPerSecond: (1000 * B) / stepMs, predict16Ms: median(lat),
    memoryBytes: rt.memory.buffer.byteLength };
  if (json) console.log(JSON.stringify(res));
  else console.log(`train step (batch ${B}, ${workers} worker(s)): median ${stepMs.toFixed(1)} ms = ${res.examplesPerSecond.toFixed(1)} examples/s; ` +
    `16-sample prediction of one image: median ${res.predict16Ms.toFixed(1)} ms; wasm memory ${(res.memoryBytes / 2 ** 20).toFixed(1)} MiB`);
  return 0;
}
