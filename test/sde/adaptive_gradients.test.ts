// Gradients through adaptive solves (PI controller, step doubling) on a virtual Brownian tree.
// The derivative of an adaptive solve is the derivative of the discrete map it composed: the
// solver steps of its accepted trials (two half steps each) with the step sizes held constant, as
// in diffrax and torchsde. So the finite-difference reference is an independent f64
// implementation of each method on the accepted grid the solve recorded, driven by the tree's
// noise over those steps (rounded to f32 as the solver sees it).
// Problem: dy = (-theta y - kappa y^3) dt + sigma dW, P paths, loss L = sum_i c_i y_i(T).
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import type { Solver } from "../../src/sde/solvers/solver.js";
import { EulerMaruyama } from "../../src/sde/solvers/euler.js";
import { Sra1 } from "../../src/sde/solvers/sra1.js";
import { ReversibleHeun } from "../../src/sde/solvers/reversible_heun.js";
import { VirtualBrownianTree } from "../../src/sde/brownian/tree.js";
import { PiController } from "../../src/sde/controllers/pi.js";
import type { StepController } from "../../src/sde/controllers/controller.js";
import { BackpropAdjoint, ReversibleAdjoint, type Adjoint } from "../../src/sde/adjoints/index.js";
import { solve, type SolveRun } from "../../src/sde/solve.js";
import { GBM } from "../../src/sde/examples.js";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { CubicDrift } from "../helpers/test_sdes.js";
import { cubicFiniteDifferences, cubicReference, relErr, type StepNoiseF64 } from "../helpers/cubic_reference.js";

const P = 7, SIGMA = 0.5, THETA = 0.7, KAPPA = 0.3;
const PI = { rtol: 1e-4, atol: 1e-4, dtMin: 1e-5 };

function problem(rt: Runtime) {
  const bm = new VirtualBrownianTree(rt, { seed: 77, dim: P, depth: 20 });
  const g = gaussianStream(7);
  // large initial values: a stiff start (kappa y^3) followed by slow decay, so the steps vary
  const y0 = Float64Array.from({ length: P }, () => Math.fround(3 * g()));
  const c = Float64Array.from({ length: P }, () => Math.fround(g()));
  return { bm, y0, c };
}

/** Solve + backward; returns the gradients [dL/dy0..., dL/dtheta, dL/dkappa] and the run. */
function gradients(rt: Runtime, make: (terms: CubicDrift) => Solver, adjoint: Adjoint, tol = PI) {
  const { bm, y0, c } = problem(rt);
  const terms = new CubicDrift(rt, P, THETA, KAPPA, SIGMA);
  const solver = make(terms);
  const y0buf = rt.arena.f32From(y0);
  const run = solve(rt, solver, bm, y0buf.ptr, { t0: 0, t1: 1, controller: new PiController(rt, tol), adjoint });
  const yT = Array.from(new Float32Array(rt.memory.buffer, run.state, P));
  const adjYT = rt.arena.f32From(c), adjY0 = rt.arena.f32(P);
  adjoint.backward(run, adjYT.ptr, adjY0.ptr);
  return { grads: [...adjY0.view, terms.gradTheta, terms.gradKappa], run, yT, bm, y0, c };
}

function gridOf(run: SolveRun): number[] {
  return Array.from({ length: run.grid.steps + 1 }, (_, k) => run.grid.time(k));
}

/** The tree's f32 noise over the steps of a grid, in f64. */
function noiseOn(rt: Runtime, bm: VirtualBrownianTree, times: number[]): StepNoiseF64 {
  const noise: StepNoiseF64 = { dW: [], H: [] };
  rt.arena.scoped(() => {
    const w = rt.arena.f32(P), h = rt.arena.f32(P);
    for (let k = 0; k + 1 < times.length; k++) {
      bm.incrementAndLevyArea(times[k]!, times[k + 1]!, w, h);
      noise.dW.push(Float64Array.from(w.view));
      noise.H.push(Float64Array.from(h.view));
    }
  });
  return noise;
}

const METHODS: [string, (rt: Runtime, t: CubicDrift) => Solver][] = [
  ["euler", (rt, t) => new EulerMaruyama(rt, t)],
  ["sra1", (rt, t) => new Sra1(rt, t)],
  ["reversible_heun", (rt, t) => new ReversibleHeun(rt, t)],
];

describe("backpropagation through an adaptive solve vs f64 finite differences on its accepted grid", () => {
  for (const [name, make] of METHODS) {
    it(name, async () => {
      const rt = await freshRuntime();
      const { grads, run, yT, bm, y0, c } = gradients(rt, (t) => make(rt, t), new BackpropAdjoint());
      const times = gridOf(run);
      const dts = times.slice(1).map((t, k) => t - times[k]!);
      expect(run.rejected).toBeGreaterThan(0);
      expect(Math.max(...dts) / Math.min(...dts)).toBeGreaterThan(4); // genuinely non-uniform
      const noise = noiseOn(rt, bm, times);
      const base = { theta: THETA, kappa: KAPPA, sigma: SIGMA, y0 };
      // the solve is exactly the composition of the recorded steps
      expect(relErr(yT, cubicReference(name, base, times, noise))).toBeLessThan(1e-5);
      const fd = cubicFiniteDifferences(name, base, c, times, noise);
      const errY0 = relErr(grads.slice(0, P), fd.y0);
      const errTheta = Math.abs(grads[P]! - fd.theta) / Math.abs(fd.theta);
      const errKappa = Math.abs(grads[P + 1]! - fd.kappa) / Math.abs(fd.kappa);
      console.log(`${name}: ${run.accepted} accepted, ${run.rejected} rejected trials, dt ${Math.min(...dts).toExponential(2)}..${Math.max(...dts).toExponential(2)}; ` +
        `relative gradient errors y0 ${errY0.toExponential(2)}, theta ${errTheta.toExponential(2)}, kappa ${errKappa.toExponential(2)}`);
      expect(errY0).toBeLessThan(1e-3);
      expect(errTheta).toBeLessThan(1e-3);
      expect(errKappa).toBeLessThan(1e-3);
    });
  }
});

describe("a controller of its own (StepController): a graded fixed schedule", () => {
  it("the solve records the schedule's times and backprop through it matches f64 finite differences", async () => {
    const rt = await freshRuntime();
    // t_k = (k / n)^2: short steps where the cubic drift is stiff, long ones later
    const graded: StepController = {
      name: "constant", adaptive: false,
      begin: (t0, t1) => {
        let k = 0;
        return { propose: () => t0 + (t1 - t0) * ((k + 1) / 24) ** 2, report: () => { k++; return true; } };
      },
    };
    const { bm, y0, c } = problem(rt);
    const terms = new CubicDrift(rt, P, THETA, KAPPA, SIGMA);
    const adjoint = new BackpropAdjoint();
    const run = solve(rt, new EulerMaruyama(rt, terms), bm, rt.arena.f32From(y0).ptr, { t0: 0, t1: 1, controller: graded, adjoint });
    const times = gridOf(run);
    expect(times).toEqual(Array.from({ length: 25 }, (_, k) => (k / 24) ** 2));
    const adjY0 = rt.arena.f32(P);
    adjoint.backward(run, rt.arena.f32From(c).ptr, adjY0.ptr);
    const fd = cubicFiniteDifferences("euler", { theta: THETA, kappa: KAPPA, sigma: SIGMA, y0 }, c, times, noiseOn(rt, bm, times));
    expect(relErr(Array.from(adjY0.view), fd.y0)).toBeLessThan(1e-3);
    expect(Math.abs(terms.gradKappa - fd.kappa) / Math.abs(fd.kappa)).toBeLessThan(1e-3);
  });
});

describe("reversible adjoint over an adaptive grid", () => {
  it("equals backprop on the same accepted grid to 1e-5 relative", async () => {
    const rt = await freshRuntime();
    const rh = (t: CubicDrift) => new ReversibleHeun(rt, t);
    const bp = rt.arena.scoped(() => { const r = gradients(rt, rh, new BackpropAdjoint()); return { g: r.grads, times: gridOf(r.run) }; });
    const adj = rt.arena.scoped(() => { const r = gradients(rt, rh, new ReversibleAdjoint()); return { g: r.grads, times: gridOf(r.run) }; });
    expect(adj.times).toEqual(bp.times);
    const err = relErr(adj.g, bp.g);
    console.log(`reversible adjoint vs backprop over ${bp.times.length - 1} adaptive steps: relative difference ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
  });

  it("its wasm memory does not grow with the number of accepted steps; backprop's does", async () => {
    const peakOf = async (tol: number, adjoint: Adjoint) => {
      const rt = await freshRuntime();
      const before = rt.arena.peak;
      const r = gradients(rt, (t) => new ReversibleHeun(rt, t), adjoint, { rtol: tol, atol: tol, dtMin: 1e-6 });
      return { peak: rt.arena.peak - before, steps: r.run.grid.steps, accepted: r.run.accepted };
    };
    const rows = [];
    for (const tol of [1e-3, 1e-5]) {
      for (const adjoint of [new ReversibleAdjoint(), new BackpropAdjoint()]) {
        rows.push({ tol, adjoint: adjoint.name, ...(await peakOf(tol, adjoint)) });
      }
    }
    console.table(rows);
    const [adjFew, bpFew, adjMany, bpMany] = rows as [typeof rows[0], typeof rows[0], typeof rows[0], typeof rows[0]];
    expect(adjMany.accepted).toBeGreaterThan(4 * adjFew.accepted);
    expect(adjMany.peak).toBe(adjFew.peak);
    // backprop keeps every step-boundary carried state: 3P floats per solver step for reversible Heun
    expect(bpMany.peak - bpFew.peak).toBeGreaterThanOrEqual((bpMany.steps - bpFew.steps) * 3 * P * 4);
  });
});

describe("adaptive error against a known solution", () => {
  it("GBM (Stratonovich) with reversible Heun: the terminal error follows the tolerance", async () => {
    // dX = mu X dt + s X o dW has X(T) = X0 exp(mu T + s W(T)) for every continuous driving path,
    // the tree's piecewise-quadratic one included: an exact reference without a fine grid.
    const rt = await freshRuntime();
    const N = 256, MU = 0.5, S = 0.8;
    const bm = new VirtualBrownianTree(rt, { seed: 12, dim: N, depth: 22 });
    const terms = new GBM(rt, N, MU, S);
    const y0 = rt.arena.f32From(new Float32Array(N).fill(1));
    const WT = rt.arena.scoped(() => { const w = rt.arena.f32(N); bm.increment(0, 1, w); return w.toArray(); });
    const rows: { tol: number; error: number; accepted: number; rejected: number }[] = [];
    for (const tol of [1e-2, 1e-3, 1e-4]) {
      rt.arena.scoped(() => {
        const run = solve(rt, new ReversibleHeun(rt, terms), bm, y0.ptr, {
          t0: 0, t1: 1, controller: new PiController(rt, { rtol: tol, atol: tol, dtMin: 1e-6 }),
        });
        const x = new Float32Array(rt.memory.buffer, run.state, N);
        let e = 0;
        for (let i = 0; i < N; i++) e += Math.abs(x[i]! - Math.exp(MU + S * WT[i]!)) / Math.exp(MU + S * WT[i]!);
        rows.push({ tol, error: e / N, accepted: run.accepted, rejected: run.rejected });
      });
    }
    console.table(rows);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.error).toBeLessThan(rows[i - 1]!.error / 2); // global error ~ tol^(2/3) for local order 3/2
      expect(rows[i]!.accepted).toBeGreaterThan(rows[i - 1]!.accepted);
    }
    for (const r of rows) expect(r.error).toBeLessThan(10 * r.tol);
  });
});
