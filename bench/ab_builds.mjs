// A/B of two builds of sdebnn in one process, interleaved, on CPU time (steady on a shared
// machine): the stride-1 convolution layers of `bench/kernels.mjs` (batch 64, forward and backward)
// and the mnist training step and 16-sample prediction. A build is a folder with dist/ (e.g. a
// worktree of the previous commit after `npm run build`, or a copy of its dist/).
//   node bench/ab_builds.mjs BASE_DIR NEW_DIR [--rounds 15] [--only TEXT] (only the cases whose name contains TEXT)
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./lib/measure.mjs";

const argv = process.argv.slice(2);
const dirs = argv.slice(0, 2).map((d) => resolve(d));
const ROUNDS = Number(argv[argv.indexOf("--rounds") + 1] ?? 0) || 15;
const ONLY = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : "";
if (dirs.length < 2) throw new Error("usage: node bench/ab_builds.mjs BASE_DIR NEW_DIR [--rounds 15]");
// a build's composable pieces: dist/advanced.js (builds from before the one-pipeline refactor: dist/node.js)
const libs = await Promise.all(dirs.map(async (d) => {
  const adv = pathToFileURL(`${d}/dist/advanced.js`).href;
  try { return await import(adv); } catch { return import(pathToFileURL(`${d}/dist/node.js`).href); }
}));

function fill(n, seed) { const a = new Float32Array(n); let x = seed >>> 0; for (let i = 0; i < n; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; a[i] = x / 2 ** 32 - 0.5; } return a; }
function syntheticMnist(count, seed = 1) {
  let s = seed >>> 0; const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  return { count, channels: 1, height: 28, width: 28, pixels: new Uint8Array(count * 784).map(() => next() >>> 24), labels: new Uint8Array(count).map(() => next() % 10), numClasses: 10 };
}
const cpuMs = (f, reps = 1) => { const c0 = process.cpuUsage(); for (let i = 0; i < reps; i++) f(); const c = process.cpuUsage(c0); return (c.user + c.system) / 1000 / reps; };

const convs = [
  ["conv 3->16 28x28", { inChannels: 3, outChannels: 16, height: 28, width: 28, kernel: 3, stride: 1, padding: 1 }],
  ["conv 16->3 28x28", { inChannels: 16, outChannels: 3, height: 28, width: 28, kernel: 3, stride: 1, padding: 1 }],
  ["conv 16->16 28x28", { inChannels: 16, outChannels: 16, height: 28, width: 28, kernel: 3, stride: 1, padding: 1 }],
];
const B = 64, cases = []; // [name, [fnBase, fnNew], reps per sample]
const sides = [];
for (const lib of libs) {
  const rt = await lib.init();
  const side = { conv: [] };
  for (const [, s] of convs) {
    const layer = new lib.ConcatConv2d(s), ctx = { rt, t: 0.3, rows: B };
    const nP = layer.params.reduce((q, p) => q + p.shape.reduce((a, b) => a * b, 1), 0);
    const x = rt.arena.f32From(fill(B * layer.inSize, 3)), p = rt.arena.f32From(fill(nP, 4).map((v) => v * 0.2));
    const y = rt.arena.f32(B * layer.outSize), dy = rt.arena.f32From(fill(B * layer.outSize, 5)), dx = rt.arena.f32(B * layer.inSize), dp = rt.arena.f32(nP);
    side.conv.push({ fwd: () => layer.forward(ctx, x.ptr, p.ptr, y.ptr), bwd: () => layer.backward(ctx, x.ptr, p.ptr, y.ptr, 0, dy.ptr, dx.ptr, dp.ptr) });
  }
  const cfg = lib.resolvePreset("mnist", undefined, ["train.epochs=1000"]);
  const trainer = lib.Trainer ? new lib.Trainer(rt, cfg, lib.imageExamples(syntheticMnist(1280))) : new lib.ImageTrainer(rt, cfg, syntheticMnist(1280));
  const model = trainer.model, X = rt.arena.f32(model.inputSize);
  X.view.fill(0.5);
  let draw = 0;
  side.step = () => trainer.trainStep();
  side.predict = () => rt.arena.scoped(() => (model.predictSamples
    ? model.predictSamples(X.ptr, 1, { draw: draw++, first: 0, samples: 16, total: 16 }) : model.predict(X.ptr, 1, 16, draw++)));
  sides.push(side);
}
convs.forEach(([name], i) => {
  cases.push([`${name} forward`, sides.map((s) => s.conv[i].fwd), 3]);
  cases.push([`${name} backward (dx, dW)`, sides.map((s) => s.conv[i].bwd), 3]);
});
cases.push(["mnist training step", sides.map((s) => s.step), 1], ["mnist 16-sample prediction", sides.map((s) => s.predict), 3]);

console.log(`A/B on CPU ms, median of ${ROUNDS} interleaved samples: base ${dirs[0]}, new ${dirs[1]}\n`);
console.log("| case | base ms | new ms | base/new |\n| --- | ---: | ---: | ---: |");
for (const [name, fns, reps] of cases) {
  if (!name.includes(ONLY)) continue;
  const ms = [[], []];
  fns.forEach((f) => cpuMs(f, reps));
  for (let r = 0; r < ROUNDS; r++) fns.forEach((f, k) => ms[k].push(cpuMs(f, reps)));
  const [a, b] = ms.map(median);
  console.log(`| ${name} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${(a / b).toFixed(2)}x |`);
}
