// Where the time of the mnist model goes, kernel by kernel: every wasm export is wrapped with a
// timer (performance.now around each call: a CPU-time syscall per call would cost more than the
// small kernels) during `--reps` runs of the 16-sample prediction of one image (default) or of the
// training step (`--train`), after warm-up. Prints ms per run, calls per run and the share of the
// wall time of each export, the rest being JS orchestration (and the wrappers); the process CPU
// time per run beside it. The shares, not the totals, are the result. One thread.
//   node scripts/build.mjs && node bench/kernel_profile.mjs [--train] [--reps 20] [--batch 1] [--samples 16]
import { init, resolvePreset, Trainer, imageExamples, predictRows } from "../dist/advanced.js";

const argv = process.argv.slice(2);
const arg = (n, d) => (argv.includes(`--${n}`) ? Number(argv[argv.indexOf(`--${n}`) + 1]) : d);
const TRAIN = argv.includes("--train"), REPS = arg("reps", TRAIN ? 4 : 20), B = arg("batch", 1), S = arg("samples", 16);

/** MNIST-shaped synthetic images from a fixed-seed LCG (as bench/peers/ours_sdebnn.mjs). */
function syntheticMnist(count, seed = 1) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  return { count, channels: 1, height: 28, width: 28, pixels: new Uint8Array(count * 784).map(() => next() >>> 24), labels: new Uint8Array(count).map(() => next() % 10), numClasses: 10 };
}

const rt = await init();
const trainer = new Trainer(rt, resolvePreset("mnist", undefined, ["train.epochs=1000"]), imageExamples(syntheticMnist(1280)));
const x = new Float32Array(B * trainer.model.inputSize).fill(0.5);
let draw = 0;
const run = TRAIN ? () => trainer.trainStep() : () => predictRows(rt, trainer.model, "classification", x, { samples: S, batch: B, draw: draw++ });
for (let i = 0; i < 3; i++) run();

const acc = new Map();
const w = rt.wasm;
for (const k of Object.keys(w)) {
  const f = w[k];
  if (typeof f !== "function") continue;
  w[k] = (...a) => {
    const t0 = performance.now(), r = f(...a), e = acc.get(k) ?? { ms: 0, calls: 0 };
    e.ms += performance.now() - t0; e.calls++; acc.set(k, e);
    return r;
  };
}
const c0 = process.cpuUsage(), t0 = performance.now();
for (let i = 0; i < REPS; i++) run();
const total = performance.now() - t0, c = process.cpuUsage(c0);
console.log(`${TRAIN ? "mnist training step (batch 64)" : `mnist prediction, ${B} image(s) x ${S} samples`}: ${(total / REPS).toFixed(1)} ms wall, ` +
  `${((c.user + c.system) / 1000 / REPS).toFixed(1)} ms CPU per run (wrapped), ${REPS} runs\n`);
console.log("| wasm export | ms per run | calls per run | share |\n| --- | ---: | ---: | ---: |");
for (const [k, e] of [...acc].sort((a, b) => b[1].ms - a[1].ms).filter(([, e]) => e.ms / total >= 0.002)) {
  console.log(`| ${k} | ${(e.ms / REPS).toFixed(2)} | ${e.calls / REPS} | ${((100 * e.ms) / total).toFixed(1)} % |`);
}
const inWasm = [...acc.values()].reduce((a, e) => a + e.ms, 0);
console.log(`| (outside wasm: JS orchestration) | ${((total - inWasm) / REPS).toFixed(2)} | | ${((100 * (total - inWasm)) / total).toFixed(1)} % |`);
