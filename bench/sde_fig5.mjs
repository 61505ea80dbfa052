// The paper's Fig. 5 in spirit (issue 18): training loss against wall time and against function
// evaluations on a small MNIST model, fixed vs adaptive steps and backprop vs the reversible
// adjoint (reversible Heun everywhere, so that only the stepping and the gradient method change;
// Euler with backprop as the cheapest fixed-step baseline). Same seed, data order and
// initialisation in every run; fixed steps draw their noise from a Brownian grid, adaptive steps
// from a virtual Brownian tree.
//   node bench/sde_fig5.mjs [updates]     (writes bench/results/sde_fig5_{time,nfe}.svg, sde_fig5.json, sde_fig5.md)
import { mkdirSync, writeFileSync } from "node:fs";
import { init, loadData } from "../dist/node.js";
import { chart, Trainer, resolvePreset } from "../dist/advanced.js";
import { median } from "./lib/measure.mjs";

const UPDATES = Number(process.argv[2] ?? 60);
const OUT = new URL("./results/", import.meta.url);
mkdirSync(OUT, { recursive: true });

const BASE = ["data.trainLimit=2048", "data.testLimit=256", "model.hidden=8", "model.nnHidden=8", "model.steps=8",
  "train.batch=32", "train.shards=1", "train.lr=3e-3", "train.epochs=100", `train.maxSteps=${UPDATES}`];
const ADAPTIVE = ["model.solver=adaptive", "model.adaptive.method=reversible_heun", "model.adaptive.rtol=1e-2", "model.adaptive.atol=1e-2"];
const RUNS = {
  "fixed euler, backprop": ["model.solver=euler", "model.gradient=backprop"],
  "fixed RH, backprop": ["model.solver=reversible_heun", "model.gradient=backprop"],
  "fixed RH, adjoint": ["model.solver=reversible_heun", "model.gradient=adjoint"],
  "adaptive RH, backprop": [...ADAPTIVE, "model.gradient=backprop"],
  "adaptive RH, adjoint": [...ADAPTIVE, "model.gradient=adjoint"],
};

const data = loadData(await init(), resolvePreset("mnist", undefined, BASE));
// One trainer per run, each in its own runtime; the runs' updates are interleaved so that the
// machine's load (2 shared cores) weighs on every run alike.
const runs = [];
for (const [name, sets] of Object.entries(RUNS)) {
  const cfg = resolvePreset("mnist", undefined, [...BASE, ...sets]);
  const rt = await init();
  const trainer = new Trainer(rt, cfg, data.train);
  runs.push({ name, sets, rt, trainer, peak0: rt.arena.peak, loss: [], ms: [], wall: [], nfe: [], t: 0 });
}
const evaluationsOf = (r) => r.trainer.model.blocks.reduce((a, b) => a + b.evaluations.forward + b.evaluations.backward, 0);
for (let u = 0; u < UPDATES; u++) {
  for (const r of runs) {
    const t0 = performance.now();
    const rec = r.trainer.trainStep();
    const dt = performance.now() - t0;
    r.t += dt;
    r.ms.push(dt);
    r.loss.push(rec.loss);
    r.wall.push(r.t / 1000);
    r.nfe.push(evaluationsOf(r));
  }
}
const results = {};
for (const r of runs) {
  const blocks = r.trainer.model.blocks;
  const ev = blocks.reduce((a, b) => ({ accepted: a.accepted + b.evaluations.accepted, rejected: a.rejected + b.evaluations.rejected }), { accepted: 0, rejected: 0 });
  const solves = UPDATES * blocks.length; // one training solve per block and update (1 sample, 1 shard)
  const res = results[r.name] = {
    config: r.sets, loss: r.loss, wall: r.wall, nfe: r.nfe,
    msPerUpdate: median(r.ms), nfePerUpdate: r.nfe.at(-1) / UPDATES,
    acceptedPerSolve: ev.accepted / solves, rejectedPerSolve: ev.rejected / solves,
    finalLoss: r.loss.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, r.loss.length),
    peakArenaMB: (r.rt.arena.peak - r.peak0) / 2 ** 20,
  };
  console.log(`${r.name.padEnd(24)} ${res.msPerUpdate.toFixed(1).padStart(7)} ms/update  ${res.nfePerUpdate.toFixed(0).padStart(5)} NFE/update  ` +
    `${res.acceptedPerSolve.toFixed(1)} accepted + ${res.rejectedPerSolve.toFixed(1)} rejected steps/solve  loss(last 10) ${res.finalLoss.toFixed(4)}  peak arena ${res.peakArenaMB.toFixed(2)} MB`);
}

/** Trailing mean over `w` updates (the raw per-batch loss is noisy). */
const smooth = (a, w = 10) => a.map((_, i) => { const s = a.slice(Math.max(0, i - w + 1), i + 1); return s.reduce((x, y) => x + y, 0) / s.length; });
const date = new Date().toISOString().slice(0, 10);
const note = [`MNIST first 2048 images, batch 32, width 8, ${UPDATES} updates, ${date}`, "loss: trailing mean over 10 updates"];
for (const [file, key, xLabel] of [["sde_fig5_time.svg", "wall", "training wall time (s)"], ["sde_fig5_nfe.svg", "nfe", "function evaluations (drift + vjp, all blocks)"]]) {
  writeFileSync(new URL(file, OUT), chart({
    title: `Training loss vs ${key === "wall" ? "wall time" : "function evaluations"}: fixed vs adaptive, backprop vs adjoint`,
    xLabel, yLabel: "training loss (NLL + KL term)", notes: note,
    series: Object.entries(results).map(([name, r]) => ({ name, x: r[key], y: smooth(r.loss), dashed: name.includes("adjoint") })),
  }));
}
writeFileSync(new URL("sde_fig5.json", OUT), JSON.stringify({ date, updates: UPDATES, base: BASE, results }, null, 1));
const ref = results["fixed RH, backprop"];
const rows = Object.entries(results).map(([name, r]) =>
  `| ${name} | ${r.msPerUpdate.toFixed(1)} | ${(r.msPerUpdate / ref.msPerUpdate).toFixed(2)}x | ${r.nfePerUpdate.toFixed(0)} | ${(r.msPerUpdate / r.nfePerUpdate).toFixed(2)} | ` +
  `${r.acceptedPerSolve.toFixed(1)} / ${r.rejectedPerSolve.toFixed(1)} | ${r.finalLoss.toFixed(4)} | ${r.peakArenaMB.toFixed(2)} |`);
const md = [`# Fig. 5-style diagnostics (${date})`, "", `\`node bench/sde_fig5.mjs ${UPDATES}\`: ${note[0]}; Node ${process.version}, 2 shared cores.`,
  "Runs interleaved update by update (each in its own runtime). NFE: drift evaluations of the forward solves (error estimates and",
  "rejected trials included) plus vjp calls and reverse-step drift evaluations of the backward passes, summed over blocks.",
  "", "| run | ms / update (median) | vs fixed RH backprop | NFE / update | ms / NFE | accepted / rejected steps per solve | loss (mean of last 10) | peak arena MB |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |", ...rows, ""].join("\n");
writeFileSync(new URL("sde_fig5.md", OUT), md);
console.log(`\n${md}`);
