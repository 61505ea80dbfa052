// Mean-field q(w_0): gradients of L = sum_i c_i h_i(T) + KL(q(w_0) || N(0, s^2)) w.r.t. the mean and
// log-std of q(w_0) against f64 finite differences (Euler, fixed noise, two Monte-Carlo samples
// each with its own w_0 draw). Tolerance: relative error < 1e-3.
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { SdeBnnBlock } from "../../src/sde/block.js";
import { gridTime } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { FineBrownian, gaussianStream } from "../helpers/fine_brownian.js";
import { QuadraticHiddenDrift } from "../helpers/test_sdes.js";

const H = 2, D = 2 * H, S = 2, STEPS = 6, SIGMA = 0.3, PRIOR = 0.5;
const GRID = { t0: 0, t1: 1, steps: STEPS };

describe("mean-field w_0", () => {
  it("reparameterised gradients of the mean and log-std, and the closed-form KL", async () => {
    const rt = await freshRuntime();
    const g = gaussianStream(4);
    const mu = Array.from({ length: D }, () => Math.fround(0.5 * g()));
    const ls = Array.from({ length: D }, () => Math.fround(-1 + 0.3 * g()));
    const eps = Array.from({ length: S * D }, () => Math.fround(g()));
    const h0 = Array.from({ length: H }, () => Math.fround(g()));
    const c = Array.from({ length: H }, () => Math.fround(g()));
    const space = new ParamSpace();
    const block = new SdeBnnBlock(rt, space, "b", () => new QuadraticHiddenDrift(rt, H), null, {
      sigma: SIGMA, steps: STEPS, w0Mode: "meanfield", w0PriorStd: PRIOR, w0Init: { kind: "values", fill: (o) => o.set(mu) },
    });
    space.allocate(rt);
    block.w0LogStd!.view.set(ls);
    const bm = new FineBrownian(rt, S * D, STEPS, 0, 1, 3);
    const dW = Array.from({ length: STEPS }, (_, k) => Array.from(bm.interval(gridTime(GRID, k), gridTime(GRID, k + 1)).w, Math.fround));

    const hIn = rt.arena.f32From([...h0, ...h0]);
    const E = rt.arena.f32From(eps);
    const run = block.forward(hIn.ptr, 1, bm, S, true, E.ptr);
    block.backward(run, rt.arena.f32From([...c, ...c]).ptr, 0, rt.arena.f32(S * H).ptr);
    block.w0KlBackward(1);

    const L = (m: number[], l: number[]) => {
      let total = 0;
      for (let s = 0; s < S; s++) {
        let h = [...h0];
        let w = m.map((mi, j) => mi + Math.exp(l[j]!) * eps[s * D + j]!);
        for (let k = 0; k < STEPS; k++) {
          const dt = gridTime(GRID, k + 1) - gridTime(GRID, k);
          const fh = h.map((x, i) => w[i]! * x + w[H + i]! * x * x);
          h = h.map((x, i) => x + dt * fh[i]!);
          w = w.map((x, j) => x - dt * x + SIGMA * dW[k]![s * D + j]!);
        }
        total += h.reduce((a, x, i) => a + c[i]! * x, 0);
      }
      const kl = m.reduce((a, mi, j) => a + Math.log(PRIOR) - l[j]! + (Math.exp(2 * l[j]!) + mi * mi) / (2 * PRIOR * PRIOR) - 0.5, 0);
      return total + kl;
    };
    const e = 1e-6;
    const fdMu = mu.map((_, j) => (L(mu.map((x, i) => (i === j ? x + e : x)), ls) - L(mu.map((x, i) => (i === j ? x - e : x)), ls)) / (2 * e));
    const fdLs = ls.map((_, j) => (L(mu, ls.map((x, i) => (i === j ? x + e : x))) - L(mu, ls.map((x, i) => (i === j ? x - e : x)))) / (2 * e));
    const rel = (a: ArrayLike<number>, b: number[]) => Math.sqrt(b.reduce((s, bi, i) => s + (a[i]! - bi) ** 2, 0) / b.reduce((s, bi) => s + bi * bi, 0));
    expect(rel(block.w0.gradView, fdMu)).toBeLessThan(1e-3);
    expect(rel(block.w0LogStd!.gradView, fdLs)).toBeLessThan(1e-3);
    const klRef = mu.reduce((a, mi, j) => a + Math.log(PRIOR) - ls[j]! + (Math.exp(2 * ls[j]!) + mi * mi) / (2 * PRIOR * PRIOR) - 0.5, 0);
    expect(Math.abs(block.w0Kl() - klRef) / klRef).toBeLessThan(1e-5);
  });
});
