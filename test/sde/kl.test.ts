// In-path KL between the OU prior dw = -w dt + sigma dW and a posterior with a different linear
// drift dw = (-w + c w + d) dt + sigma dW, against the closed-form KL of the two Gaussian path
// measures: KL = int_0^T E_Q[(c w_t + d)^2] / (2 sigma^2) dt with w_t ~ N(m_t, v_t) under Q.
import { describe, expect, it } from "vitest";
import { BlockTerms, type KlEstimator } from "../../src/sde/block_terms.js";
import { EulerMaruyama } from "../../src/sde/solvers/euler.js";
import { backpropFixed, solveFixed } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { GridNoise, LinearWeightDrift } from "../helpers/test_sdes.js";

const T = 1;

function closedFormKl(c: number, d: number, sigma: number, w0: number): number {
  const a = c - 1;
  const integrand = (t: number) => {
    const e = Math.exp(a * t);
    const m = e * w0 + (d * (e - 1)) / a;
    const v = (sigma * sigma * (e * e - 1)) / (2 * a);
    return (c * c * (v + m * m) + 2 * c * d * m + d * d) / (2 * sigma * sigma);
  };
  const n = 10000, h = T / n; // composite Simpson, error ~1e-15 here
  let s = integrand(0) + integrand(T);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * integrand(i * h);
  return (s * h) / 3;
}

describe("in-path KL", () => {
  const PATHS = 10000, STEPS = 1000;
  for (const kl of ["quadratic", "stl"] as KlEstimator[]) {
    it(`${kl}: mean over ${PATHS} paths matches the closed form within 1 %`, async () => {
      const rt = await freshRuntime();
      const c = -0.5, d = 0.8, sigma = 0.5, w0 = 0.3;
      // D_w = PATHS independent 1-D weight paths: the block's kl is their sum.
      const net = new LinearWeightDrift(rt, PATHS, c, d);
      const terms = new BlockTerms(rt, null, net, PATHS, { sigma, kl });
      const y0 = rt.arena.f32(terms.dim);
      y0.view.fill(w0, 0, PATHS);
      const { state } = solveFixed(rt, new EulerMaruyama(rt, terms), new GridNoise(rt, PATHS, 5), y0.ptr, { t0: 0, t1: T, steps: STEPS });
      const est = new Float32Array(rt.memory.buffer, terms.klOf(state), 1)[0]! / PATHS;
      const exact = closedFormKl(c, d, sigma, w0);
      console.log(`${kl}: estimate ${est.toFixed(5)}, closed form ${exact.toFixed(5)}, rel err ${(Math.abs(est - exact) / exact).toExponential(2)}`);
      expect(Math.abs(est - exact) / exact).toBeLessThan(0.01);
    });
  }
});

describe("STL: gradient variance of the KL estimate near the prior", () => {
  const D = 64, STEPS = 50, REPS = 40;
  /** Gradient of the KL estimate w.r.t. (c, d) over REPS independent noise draws. */
  async function gradients(kl: KlEstimator, c: number, d: number): Promise<{ varC: number; varD: number }> {
    const rt = await freshRuntime();
    const gc: number[] = [], gd: number[] = [];
    for (let r = 0; r < REPS; r++) {
      rt.arena.scoped(() => {
        const net = new LinearWeightDrift(rt, D, c, d);
        const terms = new BlockTerms(rt, null, net, D, { sigma: 0.5, kl });
        const solver = new EulerMaruyama(rt, terms);
        const bm = new GridNoise(rt, D, 100 + r);
        const y0 = rt.arena.f32(terms.dim);
        y0.view.fill(0.3, 0, D);
        const grid = { t0: 0, t1: T, steps: STEPS };
        const { saved } = solveFixed(rt, solver, bm, y0.ptr, grid, true);
        const adjT = rt.arena.f32(terms.dim);
        adjT.view[terms.dim - 1] = 1; // d(kl)/d(kl)
        backpropFixed(rt, solver, bm, saved, grid, adjT.ptr, rt.arena.f32(terms.dim).ptr);
        gc.push(net.gradC);
        gd.push(net.gradD);
      });
    }
    const variance = (x: number[]) => {
      const m = x.reduce((a, b) => a + b) / x.length;
      return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
    };
    return { varC: variance(gc), varD: variance(gd) };
  }

  it("at the prior (zero correction): exactly zero with STL, clearly non-zero for the plain log-ratio", async () => {
    const stl = await gradients("stl", 0, 0);
    const plain = await gradients("logratio", 0, 0);
    expect(stl.varC).toBe(0);
    expect(stl.varD).toBe(0);
    // plain: d/dd of int NN/sigma . dW = sum_i W_i(T) / sigma, variance D T / sigma^2 = 256
    expect(plain.varD).toBeGreaterThan(0.5 * 256);
    expect(plain.varD).toBeLessThan(2 * 256);
    expect(plain.varC).toBeGreaterThan(1);
  });

  it("near the prior: STL's variance is under 1 % of the plain estimator's", async () => {
    const stl = await gradients("stl", 0.02, 0.02);
    const plain = await gradients("logratio", 0.02, 0.02);
    console.log(`near prior: var dC stl ${stl.varC.toExponential(2)} plain ${plain.varC.toExponential(2)}; var dD stl ${stl.varD.toExponential(2)} plain ${plain.varD.toExponential(2)}`);
    expect(stl.varC).toBeLessThan(0.01 * plain.varC);
    expect(stl.varD).toBeLessThan(0.01 * plain.varD);
  });
});
