// Gradients of L = sum_i c_i h_i(T) + lambda * KL through a tiny SDE-BNN block (hidden drift
// f_h = a h + b h^2 with w = (a, b), linear posterior correction NN(w) = c w + d), against
// central finite differences of an independent f64 reference of the same solver with the same
// (fixed) noise. For "stl" the reference freezes the hypernetwork parameters inside the
// martingale term, which is exactly the gradient STL defines. Tolerance: relative error < 1e-3.
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { SdeBnnBlock } from "../../src/sde/block.js";
import type { KlEstimator } from "../../src/sde/block_terms.js";
import type { SolverName } from "../../src/sde/solvers/solver.js";
import { gridTime } from "../../src/sde/integrate.js";
import { VirtualBrownianTree } from "../../src/sde/brownian/tree.js";
import { freshRuntime } from "../helpers/wasm.js";
import { FineBrownian, gaussianStream } from "../helpers/fine_brownian.js";
import { LinearWeightDrift, QuadraticHiddenDrift } from "../helpers/test_sdes.js";

const H = 3, D = 2 * H, STEPS = 12, SIGMA = 0.4, LAMBDA = 0.7;
const GRID = { t0: 0, t1: 1, steps: STEPS };

interface P64 { h0: number[]; w0: number[]; c: number; d: number; cFrozen: number; dFrozen: number }

function reference(solver: SolverName, kl: KlEstimator, p: P64, dW: number[][], Hs: number[][], cw: number[], times: number[]): number {
  const n = H + D + 1;
  const nn = (w: number[], c: number, d: number) => w.map((x) => c * x + d);
  const f = (y: number[]): number[] => {
    const h = y.slice(0, H), w = y.slice(H, H + D), u = nn(w, p.c, p.d);
    const out = new Array<number>(n).fill(0);
    for (let i = 0; i < H; i++) out[i] = w[i]! * h[i]! + w[H + i]! * h[i]! * h[i]!;
    for (let j = 0; j < D; j++) out[H + j] = -w[j]! + u[j]!;
    out[H + D] = u.reduce((a, b) => a + b * b, 0) / (2 * SIGMA * SIGMA);
    return out;
  };
  const addNoise = (y: number[], c: number, v: number[]) => y.map((x, i) => (i >= H && i < H + D ? x + c * v[i - H]! : x));
  let y = [...p.h0, ...p.w0, 0];
  let yh = [...y];
  for (let k = 0; k + 1 < times.length; k++) {
    const dt = times[k + 1]! - times[k]!;
    const before = [...y];
    if (solver === "euler") {
      const fy = f(y);
      y = addNoise(y.map((x, i) => x + dt * fy[i]!), SIGMA, dW[k]!);
    } else if (solver === "sra1") {
      const f1 = f(y);
      const h2 = addNoise(y.map((x, i) => x + 0.75 * dt * f1[i]!), 1.5 * SIGMA, Hs[k]!.map((h, j) => h + dW[k]![j]! / 2));
      const f2 = f(h2);
      y = addNoise(y.map((x, i) => x + dt * (f1[i]! / 3 + (2 * f2[i]!) / 3)), SIGMA, dW[k]!);
    } else {
      const fh = f(yh);
      const yhNew = addNoise(y.map((x, i) => 2 * x - yh[i]! + dt * fh[i]!), SIGMA, dW[k]!);
      const fhNew = f(yhNew);
      y = addNoise(y.map((x, i) => x + 0.5 * dt * (fh[i]! + fhNew[i]!)), SIGMA, dW[k]!);
      yh = yhNew;
    }
    if (kl !== "quadratic") {
      const [c, d] = kl === "stl" ? [p.cFrozen, p.dFrozen] : [p.c, p.d];
      const u = nn(before.slice(H, H + D), c, d);
      y[H + D] += u.reduce((a, x, j) => a + x * dW[k]![j]!, 0) / SIGMA;
    }
  }
  let L = LAMBDA * y[H + D]!;
  for (let i = 0; i < H; i++) L += cw[i]! * y[i]!;
  return L;
}

/** With `adaptive`, the block steps adaptively on a virtual tree and the reference runs on the accepted grid it recorded. */
async function check(solver: SolverName, kl: KlEstimator, gradient: "backprop" | "adjoint", adaptive = false) {
  const rt = await freshRuntime();
  const g = gaussianStream(11);
  const h0 = Array.from({ length: H }, () => Math.fround(0.5 * g()));
  const w0 = Array.from({ length: D }, () => Math.fround(0.5 * g()));
  const cw = Array.from({ length: H }, () => Math.fround(g()));
  const c = -0.3, d = 0.2;
  const space = new ParamSpace();
  const hidden = () => new QuadraticHiddenDrift(rt, H);
  const net = new LinearWeightDrift(rt, D, c, d);
  const block = new SdeBnnBlock(rt, space, "block", hidden, net, {
    sigma: SIGMA, kl, solver: adaptive ? "adaptive" : solver, steps: STEPS, gradient, w0Init: { kind: "values", fill: (o) => o.set(w0) },
    adaptive: { method: solver, rtol: 1e-4, atol: 1e-4, dtMin: 1e-4 },
  });
  space.allocate(rt);
  const fine = new FineBrownian(rt, D, 48, 0, 1, 5);
  const tree = block.grid.depth !== undefined ? new VirtualBrownianTree(rt, { seed: 5, dim: D, depth: block.grid.depth }) : null;
  const hIn = rt.arena.f32From(h0);
  const run = block.forward(hIn.ptr, 1, tree ?? fine);
  const times = Array.from({ length: run.run.grid.steps + 1 }, (_, k) => run.run.grid.time(k));
  if (!adaptive) expect(times).toEqual(Array.from({ length: STEPS + 1 }, (_, k) => gridTime(GRID, k)));
  const dW: number[][] = [], Hs: number[][] = [];
  rt.arena.scoped(() => {
    const wb = rt.arena.f32(D), hb = rt.arena.f32(D);
    for (let k = 0; k + 1 < times.length; k++) {
      const s = times[k]!, t = times[k + 1]!;
      if (tree) {
        tree.incrementAndLevyArea(s, t, wb, hb);
        dW.push(Array.from(wb.view));
        Hs.push(Array.from(hb.view));
      } else {
        const { w, i10 } = fine.interval(s, t);
        dW.push(Array.from(w, Math.fround));
        Hs.push(Array.from(w, (wi, j) => Math.fround(i10[j]! / (t - s) - wi / 2)));
      }
    }
  });
  // the forward value agrees with the reference (read before backward: the adjoint consumes the state)
  const value = cw.reduce((a, ci, i) => a + ci * new Float32Array(rt.memory.buffer, run.hOut, H)[i]!, 0) + LAMBDA * run.kl;
  const adjH = rt.arena.f32From(cw);
  const adjHIn = rt.arena.f32(H);
  block.backward(run, adjH.ptr, LAMBDA, adjHIn.ptr);

  const base: P64 = { h0, w0, c, d, cFrozen: c, dFrozen: d };
  const L = (p: P64) => reference(solver, kl, p, dW, Hs, cw, times);
  const eps = 1e-6;
  const fd = (mut: (p: P64, e: number) => P64) => (L(mut(base, eps)) - L(mut(base, -eps))) / (2 * eps);
  const fdH = h0.map((_, i) => fd((p, e) => ({ ...p, h0: p.h0.map((x, j) => (j === i ? x + e : x)) })));
  const fdW = w0.map((_, i) => fd((p, e) => ({ ...p, w0: p.w0.map((x, j) => (j === i ? x + e : x)) })));
  const fdC = fd((p, e) => ({ ...p, c: p.c + e }));
  const fdD = fd((p, e) => ({ ...p, d: p.d + e }));
  const ours = [...adjHIn.view, ...block.w0.gradView, net.gradC, net.gradD];
  const ref = [...fdH, ...fdW, fdC, fdD];
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) { num += (ours[i]! - ref[i]!) ** 2; den += ref[i]! ** 2; }
  return { rel: Math.sqrt(num / den), valueErr: Math.abs(value - L(base)) / Math.abs(L(base)), run: run.run };
}

describe("SDE-BNN block gradients vs f64 finite differences (fixed noise)", () => {
  const cases: [SolverName, KlEstimator, "backprop" | "adjoint"][] = [
    ["euler", "quadratic", "backprop"], ["euler", "stl", "backprop"], ["euler", "logratio", "backprop"],
    ["sra1", "quadratic", "backprop"], ["sra1", "stl", "backprop"],
    ["reversible_heun", "quadratic", "backprop"], ["reversible_heun", "stl", "backprop"],
    ["reversible_heun", "quadratic", "adjoint"], ["reversible_heun", "stl", "adjoint"],
  ];
  for (const [solver, kl, gradient] of cases) {
    it(`${solver}, ${kl} KL, ${gradient}`, async () => {
      const { rel, valueErr } = await check(solver, kl, gradient);
      expect(valueErr).toBeLessThan(1e-5);
      expect(rel).toBeLessThan(1e-3);
    });
  }
});

describe("SDE-BNN block with solver: adaptive (virtual tree, PI controller) vs f64 finite differences on its accepted grid", () => {
  const cases: [SolverName, KlEstimator, "backprop" | "adjoint"][] = [
    ["euler", "quadratic", "backprop"], ["euler", "stl", "backprop"], ["sra1", "stl", "backprop"],
    ["reversible_heun", "stl", "backprop"], ["reversible_heun", "quadratic", "adjoint"], ["reversible_heun", "stl", "adjoint"],
  ];
  for (const [solver, kl, gradient] of cases) {
    it(`${solver}, ${kl} KL, ${gradient}`, async () => {
      const { rel, valueErr, run } = await check(solver, kl, gradient, true);
      console.log(`adaptive ${solver} / ${kl} / ${gradient}: ${run.accepted} accepted, ${run.rejected} rejected; relative gradient error ${rel.toExponential(2)}`);
      expect(run.accepted).toBeGreaterThan(STEPS);
      expect(valueErr).toBeLessThan(1e-5);
      expect(rel).toBeLessThan(1e-3);
    });
  }
});
