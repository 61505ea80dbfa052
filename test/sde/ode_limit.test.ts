// The ODE limit of the SDE-BNN block (sigma = 0, no hypernetwork: the ODEnet baseline) is a neural
// ODE with CONSTANT weights, dw = 0 (SPEC section 5), whatever theta says. Checked on the block with
// f_h = a h + b h^2 elementwise (w = (a, b)), whose ODE with constant a, b has the closed form
//   h(t) = a h0 e^{a t} / (a + b h0 (1 - e^{a t}))
// for every solver (fixed grid and adaptive, backprop and adjoint):
// - the weights at t = 1 equal w_0 bit for bit, and the KL is exactly 0;
// - h(1) equals an independent f64 implementation of the same one-step method with constant
//   weights to 1e-5 (f32 rounding), and the closed form within the method's own discretisation
//   error (measured bounds below; the old OU decay w0 e^{-t} moves h(1) by > 0.1);
// - the gradient of L = sum_i c_i h_i(1) w.r.t. w_0 and h(0) equals central f64 finite differences
//   of that f64 reference (relative 1e-3), and backprop and the reversible adjoint agree.
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { SdeBnnBlock, type SdeBnnBlockOptions } from "../../src/sde/block.js";
import { GridBrownian } from "../../src/sde/brownian/grid.js";
import { VirtualBrownianTree } from "../../src/sde/brownian/tree.js";
import { gridTime } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { QuadraticHiddenDrift } from "../helpers/test_sdes.js";

const H = 4, D = 2 * H, STEPS = 32;
const g = gaussianStream(21);
// a in [-1, 1], b small and h0 moderate: the closed form has no pole on [0, 1]
const W0 = Array.from({ length: D }, (_, j) => Math.fround(j < H ? 0.8 * Math.tanh(g()) : 0.3 * Math.tanh(g())));
const H0 = Array.from({ length: H }, () => Math.fround(0.8 * Math.tanh(g())));
const C = Array.from({ length: H }, () => Math.fround(g()));

const closedForm = (i: number, w: readonly number[], h0: readonly number[]) => {
  const a = w[i]!, b = w[H + i]!, e = Math.exp(a);
  return (a * h0[i]! * e) / (a + b * h0[i]! * (1 - e));
};

/** f64 reference of a fixed-grid method on dh = (a h + b h^2) dt with constant w (no noise enters: sigma = 0). */
function reference(method: "euler" | "sra1" | "reversible_heun", w: readonly number[], h0: readonly number[]): number[] {
  const f = (h: number[]) => h.map((x, i) => w[i]! * x + w[H + i]! * x * x);
  let h = [...h0], hh = [...h0];
  for (let k = 0; k < STEPS; k++) {
    const dt = gridTime({ t0: 0, t1: 1, steps: STEPS }, k + 1) - gridTime({ t0: 0, t1: 1, steps: STEPS }, k);
    if (method === "euler") {
      const fh = f(h);
      h = h.map((x, i) => x + dt * fh[i]!);
    } else if (method === "sra1") {
      const f1 = f(h), f2 = f(h.map((x, i) => x + 0.75 * dt * f1[i]!));
      h = h.map((x, i) => x + dt * (f1[i]! / 3 + (2 * f2[i]!) / 3));
    } else {
      const fa = f(hh);
      const hhNew = h.map((x, i) => 2 * x - hh[i]! + dt * fa[i]!);
      const fb = f(hhNew);
      h = h.map((x, i) => x + 0.5 * dt * (fa[i]! + fb[i]!));
      hh = hhNew;
    }
  }
  return h;
}

const loss = (h: readonly number[]) => h.reduce((s, x, i) => s + C[i]! * x, 0);

interface Case { name: string; opts: Partial<SdeBnnBlockOptions>; method: "euler" | "sra1" | "reversible_heun"; adaptive?: boolean; closedTol: number }

// closedTol: about 2-3x the measured max |h(1) - closed form| of each method at 32 steps (euler
// 2.8e-3, sra1 1.7e-5, reversible Heun 1.6e-5; adaptive with rtol = atol = 1e-6: euler 3.3e-4,
// reversible Heun 1.1e-5)
const CASES: Case[] = [
  { name: "euler, backprop", opts: { solver: "euler" }, method: "euler", closedTol: 6e-3 },
  { name: "sra1, backprop", opts: { solver: "sra1" }, method: "sra1", closedTol: 5e-5 },
  { name: "reversible Heun, backprop", opts: { solver: "reversible_heun" }, method: "reversible_heun", closedTol: 5e-5 },
  { name: "reversible Heun, adjoint", opts: { solver: "reversible_heun", gradient: "adjoint" }, method: "reversible_heun", closedTol: 5e-5 },
  { name: "adaptive euler, backprop", opts: { solver: "adaptive", adaptive: { method: "euler", rtol: 1e-6, atol: 1e-6, dtMin: 1e-4, maxSteps: 100000 } }, method: "euler", adaptive: true, closedTol: 1e-3 },
  { name: "adaptive reversible Heun, adjoint", opts: { solver: "adaptive", gradient: "adjoint", adaptive: { rtol: 1e-6, atol: 1e-6, dtMin: 1e-4, maxSteps: 100000 } }, method: "reversible_heun", adaptive: true, closedTol: 3e-5 },
];

async function makeBlock(c: Case, theta: number) {
  const rt = await freshRuntime();
  const space = new ParamSpace();
  const block = new SdeBnnBlock(rt, space, "b", () => new QuadraticHiddenDrift(rt, H), null, {
    sigma: 0, theta, steps: STEPS, w0Init: { kind: "values", fill: (o) => o.set(W0) }, ...c.opts,
  });
  space.allocate(rt);
  const h0 = rt.arena.f32From(H0);
  const brownian = (seed: number) => c.adaptive
    ? new VirtualBrownianTree(rt, { seed, dim: D, depth: block.grid.depth })
    : new GridBrownian(rt, { seed, dim: D, steps: STEPS });
  return { rt, block, h0, brownian };
}

describe("the ODE limit (sigma 0): a neural ODE with constant weights", () => {
  for (const c of CASES) {
    it(`${c.name}: w(1) = w_0 bit for bit, h(1) = the constant-weight ODE, gradients = f64 finite differences`, async () => {
      const { rt, block, h0, brownian } = await makeBlock(c, 1);
      const run = block.forward(h0.ptr, 1, brownian(3), 1, true);
      const w1 = new Float32Array(rt.memory.buffer, run.terms.wOf(run.state), D).slice();
      expect(new Uint32Array(w1.buffer)).toEqual(new Uint32Array(Float32Array.from(W0).buffer));
      expect(run.kl).toBe(0);
      const h1 = Array.from(new Float32Array(rt.memory.buffer, run.hOut, H));
      const closed = H0.map((_, i) => closedForm(i, W0, H0));
      h1.forEach((v, i) => expect(Math.abs(v - closed[i]!)).toBeLessThan(c.closedTol));
      if (!c.adaptive) {
        const ref = reference(c.method, W0, H0);
        h1.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-5));
      }
      // noise of another seed changes nothing
      const again = block.forward(h0.ptr, 1, brownian(4), 1, false);
      expect(Array.from(new Float32Array(rt.memory.buffer, again.hOut, H))).toEqual(h1);

      // gradients of L = c . h(1)
      const fresh = block.forward(h0.ptr, 1, brownian(3), 1, true);
      const adjOut = rt.arena.f32From(C), adjIn = rt.arena.f32(H);
      new Float32Array(rt.memory.buffer, block.w0.grad, D).fill(0);
      block.backward(fresh, adjOut.ptr, 0, adjIn.ptr);
      const gw = Array.from(new Float32Array(rt.memory.buffer, block.w0.grad, D));
      const gh = Array.from(adjIn.view);
      if (c.adaptive) {
        // the accepted grid is not a fixed f64 map: compare with the closed form's own derivative
        const eps = 1e-6;
        const lossClosed = (w: number[], h: number[]) => loss(h.map((_, i) => closedForm(i, w, h)));
        W0.forEach((_, j) => {
          const p = [...W0], m = [...W0];
          p[j] += eps; m[j] -= eps;
          const fd = (lossClosed(p, H0) - lossClosed(m, H0)) / (2 * eps);
          expect(Math.abs(gw[j]! - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
        });
        return;
      }
      const eps = 1e-6;
      const lossRef = (w: number[], h: number[]) => loss(reference(c.method, w, h));
      W0.forEach((_, j) => {
        const p = [...W0], m = [...W0];
        p[j] += eps; m[j] -= eps;
        const fd = (lossRef(p, H0) - lossRef(m, H0)) / (2 * eps);
        expect(Math.abs(gw[j]! - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
      });
      H0.forEach((_, i) => {
        const p = [...H0], m = [...H0];
        p[i] += eps; m[i] -= eps;
        const fd = (lossRef(W0, p) - lossRef(W0, m)) / (2 * eps);
        expect(Math.abs(gh[i]! - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
      });
    });
  }

  it("theta has no effect at sigma 0 (no OU decay), and the old decay would have moved h(1) far beyond the tolerances", async () => {
    const c = CASES[2]!;
    const outs: number[][] = [];
    for (const theta of [0, 1, 5]) {
      const { rt, block, h0, brownian } = await makeBlock(c, theta);
      const r = block.forward(h0.ptr, 1, brownian(1), 1, false);
      outs.push(Array.from(new Float32Array(rt.memory.buffer, r.hOut, H)));
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    // what the defect computed: constant-coefficient ODE replaced by weights w0 e^{-t}
    let h = [...H0];
    const n = 4000;
    for (let k = 0; k < n; k++) {
      const t = (k + 0.5) / n, s = Math.exp(-t);
      h = h.map((x, i) => x + (W0[i]! * s * x + W0[H + i]! * s * x * x) / n);
    }
    const gap = Math.max(...h.map((x, i) => Math.abs(x - closedForm(i, W0, H0))));
    expect(gap).toBeGreaterThan(0.05);
  });
});
