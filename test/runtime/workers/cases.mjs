// Data-parallel training in any runtime: the `tiny` preset trained for a few updates on one thread
// and with Web Workers (WebShardPool); returns the SHA-256 of the parameter bytes after each run
// and the losses, which must agree across thread counts and across runtimes.
const STEPS = 6;
const hex = async (bytes) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

async function train(sdebnn, bytes, workers, workerUrl) {
  const rt = await sdebnn.init(bytes);
  const cfg = sdebnn.resolvePreset("tiny", undefined, ["train.shards=3"]);
  const trainer = new sdebnn.Trainer(rt, cfg, sdebnn.imageExamples(sdebnn.syntheticImageSet(256, 4, 8, 0)));
  const pool = workers > 1 ? await sdebnn.WebShardPool.start(workers, bytes, cfg, workerUrl) : null;
  const losses = [];
  let probs;
  try {
    for (let i = 0; i < STEPS; i++) losses.push((await trainer.trainStepAsync(pool ? pool.executors : [])).loss);
    // 5 samples of 2 inputs: split over the threads (predictRowsParallel), or on this thread alone
    const x = new Float32Array(2 * trainer.model.inputSize).map((_, i) => (i % 7) / 7);
    const o = { samples: 5, batch: 2, draw: 1, perSample: true };
    probs = (pool ? await sdebnn.predictRowsParallel(rt, trainer.model, "classification", pool.executors, x, o)
      : sdebnn.predictRows(rt, trainer.model, "classification", x, o)).sampleOutputs;
  } finally {
    pool?.close();
  }
  return { losses, params: await hex(trainer.opt.params.view.slice()), predictions: await hex(probs), threads: 1 + (pool ? pool.executors.length : 0) };
}

/** One thread (always) and `workers` threads where the runtime has Web Workers. */
export async function workerRun(sdebnn, bytes, workerUrl, withWorkers = true) {
  const one = await train(sdebnn, bytes, 1);
  const two = withWorkers ? await train(sdebnn, bytes, 2, workerUrl) : null;
  const three = withWorkers ? await train(sdebnn, bytes, 3, workerUrl) : null;
  return { one, two, three };
}
