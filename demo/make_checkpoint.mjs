// Trains the small MNIST checkpoint the demo and the edge example serve (demo/mnist-small.safetensors):
// width 8, no augmented channels, 4 Euler steps; keeps only the EMA weights (no Adam state).
//   node scripts/build.mjs && node demo/make_checkpoint.mjs [updates]
import { writeFileSync } from "node:fs";
import * as sdebnn from "../dist/node.js";

const updates = Number(process.argv[2] ?? 1500);
const cfg = sdebnn.resolvePreset("mnist", undefined, ["seed=1", "model.augment=0", "model.hidden=8", "model.nnHidden=8",
  "model.steps=4", "train.batch=64", `train.maxSteps=${updates}`, "train.lr=3e-3", "train.emaDecay=0.995", "eval.samples=8", "eval.batch=64"]);
const rt = await sdebnn.init();
const train = sdebnn.readMnist("train"), test = sdebnn.readMnist("test");
const trainer = new sdebnn.ImageTrainer(rt, cfg, train);
const t0 = performance.now();
while (!trainer.done) {
  const r = trainer.trainStep();
  if (r.step % 100 === 0) console.error(`update ${r.step}/${trainer.totalSteps}: loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
const ema = trainer.opt.ema.view;
const tensors = trainer.model.space.list.map((e) => [e.name, { dtype: "F32", shape: [...e.shape], data: ema.slice(e.offset, e.offset + e.size) }]);
const bytes = await sdebnn.encodeCheckpoint(tensors, { config: cfg, seed: cfg.seed, step: trainer.step });
const url = new URL("./mnist-small.safetensors", import.meta.url);
writeFileSync(url, bytes);
const clf = await sdebnn.loadClassifier(rt, bytes);
const n = 1000, p = clf.predict(test.pixels.subarray(0, n * 784), 8);
let correct = 0;
for (let i = 0; i < n; i++) {
  let best = 0;
  for (let k = 1; k < 10; k++) if (p.probs[i * 10 + k] > p.probs[i * 10 + best]) best = k;
  if (best === test.labels[i]) correct++;
}
console.log(JSON.stringify({ file: url.pathname, bytes: bytes.length, sha256: await sdebnn.sha256Hex(bytes), updates: trainer.step, testAccuracyFirst1000: correct / n }));
