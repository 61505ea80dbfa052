// Web Worker data parallelism outside Node: ms per `mnist` training step (synthetic inputs) on one
// thread and with a WebShardPool of 2, median of --steps after 2 warm-up, and the loss bits check.
//   deno run --allow-read bench/web_workers.mjs [--steps 6]   (Deno; in a browser import the same module)
import * as sdebnn from "../dist/advanced.js";

const args = globalThis.Deno ? Deno.args : [];
const STEPS = Number(args[args.indexOf("--steps") + 1] ?? 0) || 6;
const bytes = new Uint8Array(await (await fetch(new URL("../dist/sdebnn.wasm", import.meta.url))).arrayBuffer());

function images(count) {
  let s = 1;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  return { count, channels: 1, height: 28, width: 28, numClasses: 10,
    pixels: new Uint8Array(count * 784).map(() => next() >>> 24), labels: new Uint8Array(count).map(() => next() % 10) };
}

async function run(workers) {
  const rt = await sdebnn.init(bytes);
  const cfg = sdebnn.resolvePreset("mnist", undefined, ["train.epochs=1000"]);
  const trainer = new sdebnn.Trainer(rt, cfg, sdebnn.imageExamples(images(1280)));
  const pool = workers > 1 ? await sdebnn.WebShardPool.start(workers, bytes, cfg) : null;
  const ms = [], losses = [];
  for (let i = 0; i < STEPS + 2; i++) {
    const t0 = performance.now();
    losses.push((await trainer.trainStepAsync(pool ? pool.executors : [])).loss);
    if (i >= 2) ms.push(performance.now() - t0);
  }
  pool?.close();
  ms.sort((a, b) => a - b);
  return { median: ms[ms.length >> 1], losses };
}

const one = await run(1), two = await run(2);
const same = one.losses.every((l, i) => Object.is(l, two.losses[i]));
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : navigator.userAgent;
console.log(`${runtime}: mnist step ${one.median.toFixed(1)} ms on 1 thread, ${two.median.toFixed(1)} ms with 2 Web Workers (${(one.median / two.median).toFixed(2)}x), same loss bits: ${same ? "yes" : "NO"}`);
