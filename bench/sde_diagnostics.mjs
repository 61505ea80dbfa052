// SDE core diagnostics (issue 5): measured strong order per solver (SVG, slopes annotated), the
// gradient variance of the STL vs the plain log-ratio KL estimator along training (the paper's
// Fig. 4), and training-step memory vs number of steps for backprop vs the reversible-Heun adjoint.
//   node bench/sde_diagnostics.mjs            (writes bench/results/sde_*.svg and sde_diagnostics.json)
import { mkdirSync, writeFileSync } from "node:fs";
import {
  init, chart, Sra1, EulerMaruyama, ReversibleHeun, solveFixed, VirtualBrownianTree, ScalarOU, CubicDrift,
  resolvePreset, Trainer, KINDS, computeShardOn,
} from "../dist/advanced.js";

/** A toy1d trainer of the toy1d-paper preset (every weight diffuses) with `sets` (the package's one trainer and data). */
function toyTrainer(rt, sets) {
  const cfg = resolvePreset("toy1d-paper", undefined, sets);
  return new Trainer(rt, cfg, KINDS.tabular.embeddedData(rt, cfg).train);
}
/** Gradient of the loss on the full batch with the noise of step `step` (a fresh copy of the gradient block). */
function toyGradient(rt, trainer, step) {
  const { x, y } = trainer.batch(0), t = trainer.cfg.train;
  return computeShardOn(rt, trainer.model, t.samples, { step, x, y, rowWeight: 1, klWeight: t.klCoef, params: null });
}
import { logLogSlope, strongErrors } from "../test/helpers/strong_order.mjs";

const OUT = new URL("./results/", import.meta.url);
mkdirSync(OUT, { recursive: true });
const results = {};

// ---------- 1. strong convergence ----------
const SOLVERS = { euler: EulerMaruyama, sra1: Sra1, reversible_heun: ReversibleHeun };
const P = 500, FINE = 1 << 13, STEPS = [8, 16, 32, 64, 128, 256];
const problems = {
  "scalar OU (linear, additive)": (rt) => new ScalarOU(rt, P, 1.5, 0.8),
  "cubic drift (nonlinear, additive)": (rt) => new CubicDrift(rt, P, 0, 0.2, 2),
};
results.convergence = {};
for (const [pname, make] of Object.entries(problems)) {
  const rt = await init();
  const terms = make(rt);
  const bm = new VirtualBrownianTree(rt, { seed: 3, dim: P, depth: 16 });
  const y0 = rt.arena.f32From(new Float32Array(P).fill(pname.startsWith("cubic") ? 0 : 1));
  const ref = Float32Array.from(new Float32Array(rt.memory.buffer, solveFixed(rt, new Sra1(rt, terms), bm, y0.ptr, { t0: 0, t1: 1, steps: FINE }).state, P));
  const series = [];
  results.convergence[pname] = {};
  for (const [sname, S] of Object.entries(SOLVERS)) {
    const errs = strongErrors({ rt, solveFixed, makeSolver: () => new S(rt, terms), brownian: bm, y0: y0.ptr, dim: P, paths: P, steps: STEPS, reference: ref });
    const k = logLogSlope(STEPS.map((n) => 1 / n), errs);
    results.convergence[pname][sname] = { dt: STEPS.map((n) => 1 / n), error: errs, slope: k };
    series.push({ name: `${sname} (slope ${k.toFixed(2)})`, x: STEPS.map((n) => 1 / n), y: errs, style: "both" });
  }
  writeFileSync(new URL(`sde_convergence_${pname.startsWith("cubic") ? "cubic" : "ou"}.svg`, OUT),
    chart({ title: `Strong error vs step size: ${pname}`, xLabel: "dt", yLabel: "E|X_T - X_ref|", logX: true, logY: true, series,
      notes: [`${P} paths, reference: SRA1 with ${FINE} steps on the same virtual Brownian tree`] }));
}
console.log("strong order (least-squares slope of log error vs log dt):");
for (const [p, r] of Object.entries(results.convergence)) {
  console.log(`  ${p.padEnd(36)} ${Object.entries(r).map(([s, v]) => `${s} ${v.slope.toFixed(2)}`).join("  ")}`);
}

// ---------- 2. STL vs plain estimator: gradient variance along training ----------
{
  const rt = await init();
  const trainer = toyTrainer(rt, ["seed=1", "model.width=16", "model.nnHidden=16", "model.steps=10", "model.kl=stl", "train.samples=4", "train.lr=3e-3", "train.epochs=300"]);
  const model = trainer.model, cfg = { train: { updates: trainer.totalSteps } };
  const R = 16;
  const variance = (kl) => {
    model.block.setKlEstimator(kl);
    const n = model.space.size, sum = new Float64Array(n), sq = new Float64Array(n);
    for (let r = 0; r < R; r++) {
      const g = toyGradient(rt, trainer, 900000 + r).grads;
      for (let i = 0; i < n; i++) { sum[i] += g[i]; sq[i] += g[i] * g[i]; }
    }
    let tr = 0;
    for (let i = 0; i < n; i++) tr += (sq[i] - (sum[i] * sum[i]) / R) / (R - 1);
    model.block.setKlEstimator("stl");
    return tr;
  };
  const rows = [];
  for (let step = 0; step <= cfg.train.updates; step++) {
    if (step % 50 === 0) rows.push({ step, stl: variance("stl"), plain: variance("logratio") });
    if (step < cfg.train.updates) trainer.trainStep();
  }
  results.stlVariance = rows;
  console.log("gradient variance (trace of the covariance over 16 noise draws), trained with STL:");
  for (const r of rows) console.log(`  step ${String(r.step).padStart(4)}  STL ${r.stl.toExponential(3)}  plain ${r.plain.toExponential(3)}  ratio ${(r.stl / r.plain).toFixed(3)}`);
  writeFileSync(new URL("sde_stl_variance.svg", OUT), chart({
    title: "Gradient variance along training: STL vs plain log-ratio KL estimator", xLabel: "training step", yLabel: "trace of gradient covariance",
    logY: true, series: [
      { name: "STL", x: rows.map((r) => r.step), y: rows.map((r) => r.stl), style: "both" },
      { name: "plain (log-ratio)", x: rows.map((r) => r.step), y: rows.map((r) => r.plain), style: "both" },
    ],
  }));
}

// ---------- 3. memory vs steps ----------
{
  const rows = [];
  for (const steps of [10, 20, 40, 80, 160]) {
    const row = { steps };
    for (const [name, solver, gradient, keep] of [["backprop (Euler)", "euler", "backprop", 0], ["backprop, activations kept (Euler)", "euler", "backprop", 256],
      ["adjoint (reversible Heun)", "reversible_heun", "adjoint", 0]]) {
      const rt = await init();
      const trainer = toyTrainer(rt, ["seed=2", `model.steps=${steps}`, `model.solver=${solver}`, `model.gradient=${gradient}`, `model.keepActivationsMB=${keep}`, "train.samples=4"]);
      const before = rt.arena.used;
      toyGradient(rt, trainer, 0);
      row[name] = rt.arena.peak - before;
    }
    rows.push(row);
  }
  results.memory = rows;
  console.log("peak arena bytes of one toy1d training step (4 MC samples) beyond the model's own memory:");
  for (const r of rows) console.log(`  steps ${String(r.steps).padStart(4)}  backprop ${(r["backprop (Euler)"] / 1e6).toFixed(2)} MB  backprop, activations kept ${(r["backprop, activations kept (Euler)"] / 1e6).toFixed(2)} MB  adjoint ${(r["adjoint (reversible Heun)"] / 1e6).toFixed(2)} MB`);
  writeFileSync(new URL("sde_memory.svg", OUT), chart({
    title: "Training-step memory vs number of solver steps", xLabel: "solver steps", yLabel: "peak extra memory (MB)",
    series: ["backprop (Euler)", "backprop, activations kept (Euler)", "adjoint (reversible Heun)"].map((k) => ({ name: k, x: rows.map((r) => r.steps), y: rows.map((r) => r[k] / 1e6), style: "both" })),
  }));
}
writeFileSync(new URL("sde_diagnostics.json", OUT), JSON.stringify(results, null, 2) + "\n");
console.log(`wrote ${new URL("sde_convergence_ou.svg", OUT).pathname} (and _cubic, sde_stl_variance.svg, sde_memory.svg, sde_diagnostics.json)`);
