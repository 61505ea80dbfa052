// Partially stochastic weights (PSDE-BNN): f_h(h; [fixed_0, w_t, fixed_1]) where only the middle
// range w follows the weight SDE and the fixed floats are constant along depth. Gradients of
// L = sum_i c_i h_i(T) w.r.t. w_0 and the fixed parameters against f64 finite differences of the
// same Euler scheme with the same Brownian increments (two Monte-Carlo samples); relative error
// < 1e-3. And the prior switch: inside asPrior() a block with a posterior drift NN gives the bits
// of the same block built without NN, and the posterior drift is back afterwards.
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { SdeBnnBlock } from "../../src/sde/block.js";
import { PartialHiddenDrift } from "../../src/sde/partial_drift.js";
import { gridTime } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { FineBrownian, gaussianStream } from "../helpers/fine_brownian.js";
import { LinearWeightDrift, QuadraticHiddenDrift } from "../helpers/test_sdes.js";

const H = 2, FULL = 2 * H, OFFSET = 1, COUNT = 2, S = 2, STEPS = 6, SIGMA = 0.3;
const GRID = { t0: 0, t1: 1, steps: STEPS };

describe("partially stochastic weights", () => {
  it("gradients of the stochastic w_0 and of the fixed parameters match f64 finite differences", async () => {
    const rt = await freshRuntime();
    const g = gaussianStream(9);
    const w0 = Array.from({ length: COUNT }, () => Math.fround(0.5 * g()));
    const fixed0 = Array.from({ length: FULL - COUNT }, () => Math.fround(0.5 * g()));
    const h0 = Array.from({ length: H }, () => Math.fround(g()));
    const c = Array.from({ length: H }, () => Math.fround(g()));
    const space = new ParamSpace();
    const fixed = space.add("b.fixed", [FULL - COUNT], { kind: "values", fill: (o) => o.set(fixed0) });
    const block = new SdeBnnBlock(rt, space, "b", () => new PartialHiddenDrift(rt, new QuadraticHiddenDrift(rt, H), fixed, { offset: OFFSET, count: COUNT }), null, {
      sigma: SIGMA, steps: STEPS, w0Init: { kind: "values", fill: (o) => o.set(w0) },
    });
    space.allocate(rt);
    expect(block.weightSize).toBe(COUNT);
    const bm = new FineBrownian(rt, S * COUNT, STEPS, 0, 1, 5);
    const dW = Array.from({ length: STEPS }, (_, k) => Array.from(bm.interval(gridTime(GRID, k), gridTime(GRID, k + 1)).w, Math.fround));
    const run = block.forward(rt.arena.f32From([...h0, ...h0]).ptr, 1, bm, S, true);
    block.backward(run, rt.arena.f32From([...c, ...c]).ptr, 0, rt.arena.f32(S * H).ptr);

    const L = (w: number[], f: number[]) => {
      let total = 0;
      for (let s = 0; s < S; s++) {
        let h = [...h0], v = [...w];
        for (let k = 0; k < STEPS; k++) {
          const dt = gridTime(GRID, k + 1) - gridTime(GRID, k);
          const p = [...f.slice(0, OFFSET), ...v, ...f.slice(OFFSET)];
          const fh = h.map((x, i) => p[i]! * x + p[H + i]! * x * x);
          h = h.map((x, i) => x + dt * fh[i]!);
          v = v.map((x, j) => x - dt * x + SIGMA * dW[k]![s * COUNT + j]!);
        }
        total += h.reduce((a, x, i) => a + c[i]! * x, 0);
      }
      return total;
    };
    const e = 1e-6;
    const bump = (a: number[], j: number, d: number) => a.map((x, i) => (i === j ? x + d : x));
    const fdW = w0.map((_, j) => (L(bump(w0, j, e), fixed0) - L(bump(w0, j, -e), fixed0)) / (2 * e));
    const fdF = fixed0.map((_, j) => (L(w0, bump(fixed0, j, e)) - L(w0, bump(fixed0, j, -e))) / (2 * e));
    const rel = (a: ArrayLike<number>, b: number[]) => Math.sqrt(b.reduce((s, bi, i) => s + (a[i]! - bi) ** 2, 0) / b.reduce((s, bi) => s + bi * bi, 0));
    expect(rel(block.w0.gradView, fdW)).toBeLessThan(1e-3);
    expect(rel(fixed.gradView, fdF)).toBeLessThan(1e-3);
    // h(T) itself against the reference (forward pass)
    const hT = Array.from(new Float32Array(rt.memory.buffer, run.hOut, H));
    let ref = [...h0], v = [...w0];
    for (let k = 0; k < STEPS; k++) {
      const dt = gridTime(GRID, k + 1) - gridTime(GRID, k), p = [...fixed0.slice(0, OFFSET), ...v, ...fixed0.slice(OFFSET)];
      ref = ref.map((x, i) => x + dt * (p[i]! * x + p[H + i]! * x * x));
      v = v.map((x, j) => x - dt * x + SIGMA * dW[k]![j]!);
    }
    hT.forEach((x, i) => expect(Math.abs(x - ref[i]!)).toBeLessThan(1e-5));
  });

  it("asPrior() runs the prior SDE: the bits of the block without a posterior drift", async () => {
    const rt = await freshRuntime();
    const w0 = [0.3, -0.2, 0.5, 0.1];
    const make = (net: LinearWeightDrift | null) => {
      const space = new ParamSpace();
      const b = new SdeBnnBlock(rt, space, "b", () => new QuadraticHiddenDrift(rt, H), net, { sigma: SIGMA, steps: STEPS, w0Init: { kind: "values", fill: (o) => o.set(w0) } });
      space.allocate(rt);
      return b;
    };
    const withNet = make(new LinearWeightDrift(rt, FULL, -2, 0.5)), without = make(null);
    const bm = new FineBrownian(rt, FULL, STEPS, 0, 1, 7);
    const out = (b: SdeBnnBlock) => {
      const r = b.forward(rt.arena.f32From([0.4, -0.7]).ptr, 1, bm, 1, false);
      return { h: Array.from(new Float32Array(rt.memory.buffer, r.hOut, H)), kl: r.kl };
    };
    const posterior = out(withNet), prior = withNet.asPrior(() => out(withNet)), ref = out(without);
    expect(prior).toEqual(ref);
    expect(prior.kl).toBe(0);
    expect(posterior.kl).toBeGreaterThan(0);
    expect(posterior.h).not.toEqual(ref.h);
    expect(out(withNet)).toEqual(posterior);
  });
});
