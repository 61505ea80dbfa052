// Gradients through the solvers against central finite differences of an independent f64
// reference implementation of each method (same noise, rounded to f32 as the solver sees it).
// Problem: dy = (-theta y - kappa y^3) dt + sigma dW, P paths, loss L = sum_i c_i y_i(T).
// Tolerance: relative error < 1e-3 (f32 gradients vs f64 differences).
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import type { Solver } from "../../src/sde/solvers/solver.js";
import { EulerMaruyama } from "../../src/sde/solvers/euler.js";
import { Sra1 } from "../../src/sde/solvers/sra1.js";
import { ReversibleHeun } from "../../src/sde/solvers/reversible_heun.js";
import { adjointReversibleHeun, backpropFixed, gridTime, solveFixed, type FixedGrid } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { FineBrownian, gaussianStream } from "../helpers/fine_brownian.js";
import { CubicDrift } from "../helpers/test_sdes.js";
import { cubicReference, relErr, type StepNoiseF64 } from "../helpers/cubic_reference.js";

const P = 7;
const GRID: FixedGrid = { t0: 0, t1: 1, steps: 16 };
const SIGMA = 0.5;
const THETA = 0.7;
const KAPPA = 0.3;

interface Params { theta: number; kappa: number; y0: Float64Array }

const TIMES = Array.from({ length: GRID.steps + 1 }, (_, k) => gridTime(GRID, k));
/** f64 reference of each method on the cubic-drift SDE; returns y(T). */
const reference = (method: string, p: Params, noise: StepNoiseF64) => cubicReference(method, { ...p, sigma: SIGMA }, TIMES, noise);

function loss(yT: Float64Array, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < P; i++) s += c[i]! * yT[i]!;
  return s;
}

async function setup() {
  const rt = await freshRuntime();
  const bm = new FineBrownian(rt, P, 256, GRID.t0, GRID.t1, 99);
  const g = gaussianStream(7);
  const y0 = Float64Array.from({ length: P }, () => Math.fround(0.8 * g()));
  const c = Float64Array.from({ length: P }, () => Math.fround(g()));
  const noise = { dW: [] as Float64Array[], H: [] as Float64Array[] };
  for (let k = 0; k < GRID.steps; k++) {
    const s = gridTime(GRID, k), t = gridTime(GRID, k + 1);
    const { w, i10 } = bm.interval(s, t);
    noise.dW.push(w.map(Math.fround));
    noise.H.push(w.map((wi, i) => Math.fround(i10[i]! / (t - s) - wi / 2)));
  }
  return { rt, bm, y0, c, noise };
}

type Make = (rt: Runtime, terms: CubicDrift) => Solver;
const METHODS: [string, Make][] = [
  ["euler", (rt, t) => new EulerMaruyama(rt, t)],
  ["sra1", (rt, t) => new Sra1(rt, t)],
  ["reversible_heun", (rt, t) => new ReversibleHeun(rt, t)],
];

describe("backpropagation through the solver vs f64 finite differences", () => {
  for (const [name, make] of METHODS) {
    it(name, async () => {
      const { rt, bm, y0, c, noise } = await setup();
      const terms = new CubicDrift(rt, P, THETA, KAPPA, SIGMA);
      const solver = make(rt, terms);
      const y0buf = rt.arena.f32From(y0);
      const { saved } = solveFixed(rt, solver, bm, y0buf.ptr, GRID, true);
      const adjYT = rt.arena.f32From(c);
      const adjY0 = rt.arena.f32(P);
      backpropFixed(rt, solver, bm, saved, GRID, adjYT.ptr, adjY0.ptr);

      const base: Params = { theta: THETA, kappa: KAPPA, y0 };
      const L = (p: Params) => loss(reference(name, p, noise), c);
      const eps = 1e-6;
      const fdY0 = Array.from({ length: P }, (_, i) => {
        const up = Float64Array.from(y0), dn = Float64Array.from(y0);
        up[i] += eps; dn[i] -= eps;
        return (L({ ...base, y0: up }) - L({ ...base, y0: dn })) / (2 * eps);
      });
      const fdTheta = (L({ ...base, theta: THETA + eps }) - L({ ...base, theta: THETA - eps })) / (2 * eps);
      const fdKappa = (L({ ...base, kappa: KAPPA + eps }) - L({ ...base, kappa: KAPPA - eps })) / (2 * eps);

      expect(relErr(Array.from(adjY0.view), fdY0)).toBeLessThan(1e-3);
      expect(Math.abs(terms.gradTheta - fdTheta) / Math.abs(fdTheta)).toBeLessThan(1e-3);
      expect(Math.abs(terms.gradKappa - fdKappa) / Math.abs(fdKappa)).toBeLessThan(1e-3);
      // the forward solve itself agrees with the f64 reference
      const yT = new Float32Array(rt.memory.buffer, saved + GRID.steps * solver.stateSize * 4, P);
      expect(relErr(Array.from(yT), Array.from(reference(name, base, noise)))).toBeLessThan(1e-5);
    });
  }
});

describe("reversible Heun adjoint (reconstruct backwards, O(1) memory)", () => {
  it("equals backprop through reversible Heun to 1e-5 relative", async () => {
    const { rt, bm, y0, c } = await setup();
    const grads = (mode: "backprop" | "adjoint") => rt.arena.scoped(() => {
      const terms = new CubicDrift(rt, P, THETA, KAPPA, SIGMA);
      const solver = new ReversibleHeun(rt, terms);
      const y0buf = rt.arena.f32From(y0);
      const adjYT = rt.arena.f32From(c);
      const adjY0 = rt.arena.f32(P);
      const { state, saved } = solveFixed(rt, solver, bm, y0buf.ptr, GRID, mode === "backprop");
      if (mode === "backprop") backpropFixed(rt, solver, bm, saved, GRID, adjYT.ptr, adjY0.ptr);
      else adjointReversibleHeun(rt, solver, bm, state, GRID, adjYT.ptr, adjY0.ptr);
      return [...adjY0.view, terms.gradTheta, terms.gradKappa];
    });
    const bp = grads("backprop"), adj = grads("adjoint");
    expect(relErr(adj, bp)).toBeLessThan(1e-5);
  });

  it("adjoint memory does not grow with the number of steps; backprop memory does", async () => {
    const rt = await freshRuntime();
    const peakOf = (steps: number, mode: "backprop" | "adjoint") => {
      const grid = { t0: 0, t1: 1, steps };
      const bm = { dim: P, t0: 0, t1: 1, increment: (_s: number, _t: number, out: number) => rt.wasm.sde_lincomb(out, 0, P, 0, 0, 0, 0, 0, 0) };
      const before = rt.arena.used;
      let peak = 0;
      rt.arena.scoped(() => {
        const terms = new CubicDrift(rt, P, THETA, KAPPA, SIGMA);
        const solver = new ReversibleHeun(rt, terms);
        const y0 = rt.arena.f32From(new Float32Array(P).fill(0.5));
        const adjYT = rt.arena.f32From(new Float32Array(P).fill(1));
        const adjY0 = rt.arena.f32(P);
        const { state, saved } = solveFixed(rt, solver, bm, y0.ptr, grid, mode === "backprop");
        const m = rt.arena.used;
        if (mode === "backprop") backpropFixed(rt, solver, bm, saved, grid, adjYT.ptr, adjY0.ptr);
        else adjointReversibleHeun(rt, solver, bm, state, grid, adjYT.ptr, adjY0.ptr);
        peak = Math.max(m, rt.arena.used) - before;
      });
      return peak;
    };
    expect(peakOf(1000, "adjoint")).toBe(peakOf(10, "adjoint"));
    // backprop keeps every step-boundary carried state: 3P floats per step for reversible Heun
    expect(peakOf(1000, "backprop") - peakOf(10, "backprop")).toBeGreaterThan(0.99 * 990 * 3 * P * 4);
  });
});
