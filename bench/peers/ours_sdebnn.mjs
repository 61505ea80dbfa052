// sdebnn's own side of bench/train_step.mjs, run in its own process so that its RSS is its own:
// one training step (forward, backward, Adam + EMA) of the `mnist` preset via the Trainer (on
// 1 thread, or on `--workers 2` with the shard pool) or of the `toy1d` preset. One JSON line out.
//   node bench/peers/ours_sdebnn.mjs --model mnist|toy1d [--workers 1|2] [--steps 10] [--warmup 3] [--no-infer]
import { init, resolvePreset, Trainer, imageExamples, predictRows, predictRowsParallel, KINDS } from "../../dist/advanced.js";
import { ShardPool } from "../../dist/node.js";
import { median, timeCalls } from "../lib/measure.mjs";

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const MODEL = arg("model", "mnist"), WORKERS = Number(arg("workers", 1));
const STEPS = Number(arg("steps", 10)), WARMUP = Number(arg("warmup", 3));

/** MNIST-shaped synthetic images (1x28x28 bytes, 10 classes) from a fixed-seed LCG: no data loading. */
function syntheticMnist(count, seed = 1) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const pixels = new Uint8Array(count * 784).map(() => next() >>> 24), labels = new Uint8Array(count).map(() => next() % 10);
  return { count, channels: 1, height: 28, width: 28, pixels, labels, numClasses: 10 };
}

/** Parameters proper: the flat block's size also counts alignment padding between tensors. */
const paramCount = (space) => space.list.reduce((a, e) => a + e.size, 0);

const rt = await init();
const losses = [], ms = [], cpuMs = [];
/** One timed step: wall and CPU ms after the warm-up. */
async function timedStep(i, fn) {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  if (i >= WARMUP) { ms.push(performance.now() - t0); cpuMs.push((c.user + c.system) / 1000); }
  return r;
}
const out = { impl: WORKERS > 1 ? `sdebnn (${WORKERS} workers)` : "sdebnn", model: MODEL, workers: WORKERS };
let pool = null;

if (MODEL === "mnist") {
  // the peers implement the unscaled model (one sigma for every weight), so ours runs it too: the preset's
  // model.diffusionScale "init" multiplies each weight's noise by its init std, a little more work per step
  const cfg = resolvePreset("mnist", undefined, ["train.epochs=1000", "model.diffusionScale=none"]);
  const trainer = new Trainer(rt, cfg, imageExamples(syntheticMnist(1280))); // 1152 training rows after the 10% validation split
  if (WORKERS > 1) pool = await ShardPool.start(WORKERS, rt.module, cfg);
  const step = async () => (pool ? trainer.trainStepAsync(pool.executors) : trainer.trainStep());
  for (let i = 0; i < WARMUP + STEPS; i++) losses.push((await timedStep(i, step)).loss);
  Object.assign(out, { params: paramCount(trainer.model.space), paddedParams: trainer.model.space.size, D: trainer.model.blocks[0].weightSize, examplesPerStep: cfg.train.batch,
    datasetSize: trainer.split.train.length, shards: cfg.train.shards });
  if (!process.argv.includes("--no-infer")) {
    const model = trainer.model, n = model.inputSize;
    const predict = (B, S, draw) => predictRows(rt, model, "classification", new Float32Array(B * n).fill(0.5), { samples: S, batch: B, draw }).mean;
    const time = async (fn, warm, reps) => { const t = await timeCalls(fn, warm, reps); return [median(t.ms), median(t.cpuMs)]; };
    if (pool) { // the 16 samples split over this thread and the workers (predictRowsParallel)
      const x = new Float32Array(n).fill(0.5);
      const [lat, latCpu] = await time(async (i) => (await predictRowsParallel(rt, model, "classification", pool.executors, x, { samples: 16, batch: 1, draw: i })).mean, 2, 10);
      out.infer = { latency16Ms: lat, latency16CpuMs: latCpu };
    } else {
      const [lat, latCpu] = await time((i) => predict(1, 16, i), 2, 10), [thr, thrCpu] = await time((i) => predict(256, 1, 100 + i), 1, 3);
      out.infer = { latency16Ms: lat, batch256Ms: thr, batch256PerSec: 256 / (thr / 1000), latency16CpuMs: latCpu, batch256CpuMs: thrCpu };
    }
  }
} else {
  const cfg = resolvePreset("toy1d-paper", undefined, [`train.epochs=${WARMUP + STEPS}`]); // the peers implement SPEC section 3
  const trainer = new Trainer(rt, cfg, KINDS.tabular.embeddedData(rt, cfg).train);
  for (let i = 0; i < WARMUP + STEPS; i++) losses.push((await timedStep(i, () => trainer.trainStep())).loss);
  const model = trainer.model;
  Object.assign(out, { params: paramCount(model.space), paddedParams: model.space.size, D: model.weightDim, examplesPerStep: cfg.train.batch });
}
await pool?.close();
Object.assign(out, {
  msPerStep: ms, medianMs: median(ms), medianCpuMs: median(cpuMs), lossFirst: losses[0], lossLast: losses.at(-1), losses,
  arenaPeakBytes: rt.arena.peak, wasmMemoryBytes: rt.arena.memoryBytes,
  maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss,
});
console.log(JSON.stringify(out));
