// Trains the small MNIST checkpoint the demo and the edge example serve (demo/mnist-small.safetensors):
// width 8, no augmented channels, 4 Euler steps; keeps only the EMA weights (model.save()).
//   node scripts/build.mjs && node demo/make_checkpoint.mjs [updates]
import { writeFileSync } from "node:fs";
import { init, train, loadData } from "../dist/node.js";
import { configOf, sha256Hex } from "../dist/advanced.js";

const updates = Number(process.argv[2] ?? 1500);
const cfg = configOf("mnist", { seed: 1, "model.augment": 0, "model.hidden": 8, "model.nnHidden": 8, "model.steps": 4, "train.batch": 64,
  "train.maxSteps": updates, "train.lr": 3e-3, "train.emaDecay": 0.995, "eval.samples": 8, "eval.batch": 64 });
const rt = await init();
const data = loadData(rt, cfg);
const t0 = performance.now();
const model = await train(rt, cfg, { data, onProgress: (p) => {
  if (p.step % 100 === 0) console.error(`update ${p.step}/${p.totalSteps}: loss ${p.loss.toFixed(4)} acc ${p.accuracy.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
} });
const bytes = await model.save();
const url = new URL("./mnist-small.safetensors", import.meta.url);
writeFileSync(url, bytes);
const m = await model.evaluate(data.test, { indices: Uint32Array.from({ length: 1000 }, (_, i) => i) });
console.log(JSON.stringify({ file: url.pathname, bytes: bytes.length, sha256: await sha256Hex(bytes), updates: model.step, testAccuracyFirst1000: m.accuracy }));
