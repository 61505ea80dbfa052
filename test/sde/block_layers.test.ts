// A tiny SDE-BNN block built from real layers — f_h = CSL(3->4) swish CSL(4->3) on a batch of 2,
// hypernetwork NN = CSL(D_w->5) tanh CSL(5->D_w) — with loss L = 1/2 |h(T) - target|^2 + lambda KL.
// Gradients w.r.t. h(0), w_0 and the hypernetwork parameters are compared with central finite
// differences of an independent f64 reference (plain loops) using the same fixed noise.
// Tolerance: relative error < 1e-3 (norm over all gradient entries).
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { Stack } from "../../src/nn/stack.js";
import { ConcatSquash } from "../../src/nn/layers/concat_squash.js";
import { Activation, Swish } from "../../src/nn/layers/activation.js";
import { stackInit, type RandomFill } from "../../src/nn/init.js";
import { SdeBnnBlock } from "../../src/sde/block.js";
import type { KlEstimator } from "../../src/sde/block_terms.js";
import { StackWeightDrift } from "../../src/sde/drifts.js";
import type { SolverName } from "../../src/sde/solvers/solver.js";
import { gridTime } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { FineBrownian, gaussianStream } from "../helpers/fine_brownian.js";

const ROWS = 2, C = 3, HID = 4, NNH = 5, STEPS = 8, SIGMA = 0.3, LAMBDA = 0.5;
const GRID = { t0: 0, t1: 1, steps: STEPS };
const sig = (x: number) => 1 / (1 + Math.exp(-x));

function testRandom(seed: number): RandomFill {
  const g = gaussianStream(seed);
  return {
    uniform(out, lo, hi) { for (let i = 0; i < out.length; i++) out[i] = Math.fround(lo + (hi - lo) * sig(g())); },
    normal(out, std) { for (let i = 0; i < out.length; i++) out[i] = Math.fround(std * g()); },
  };
}

/** f64 CSL on rows x nin with parameters read from p at offset. Returns [y, nextOffset]. */
function csl(x: number[][], p: number[], off: number, nin: number, nout: number, t: number): [number[][], number] {
  const W = (i: number, o: number) => p[off + i * nout + o]!;
  const b = off + nin * nout, a = b + nout, c = a + nout, d = c + nout;
  const y = x.map((row) => Array.from({ length: nout }, (_, o) => {
    let z = p[b + o]!;
    for (let i = 0; i < nin; i++) z += row[i]! * W(i, o);
    return z * sig(p[a + o]! * t + p[c + o]!) + p[d + o]! * t;
  }));
  return [y, d + nout];
}

function fh(h: number[][], w: number[], t: number): number[][] {
  let [y, off] = csl(h, w, 0, C, HID, t);
  y = y.map((r) => r.map((x, u) => x * sig(w[off + u]! * x)));
  off += HID;
  return csl(y, w, off, HID, C, t)[0];
}

function nn(w: number[], phi: number[], t: number): number[] {
  const D = w.length;
  let [y, off] = csl([w], phi, 0, D, NNH, t);
  y = y.map((r) => r.map(Math.tanh));
  return csl(y, phi, off, NNH, D, t)[0][0]!;
}

interface P64 { h0: number[][]; w0: number[]; phi: number[]; phiFrozen: number[] }

function referenceLoss(solver: SolverName, kl: KlEstimator, p: P64, dW: number[][], target: number[][]): number {
  const D = p.w0.length;
  type S = { h: number[][]; w: number[]; kl: number };
  const drift = (s: S, t: number): S => {
    const u = nn(s.w, p.phi, t);
    return { h: fh(s.h, s.w, t), w: s.w.map((x, j) => -x + u[j]!), kl: u.reduce((a, x) => a + x * x, 0) / (2 * SIGMA * SIGMA) };
  };
  const axpy = (s: S, c: number, f: S, noise?: number[], cn = 0): S => ({
    h: s.h.map((r, i) => r.map((x, j) => x + c * f.h[i]![j]!)),
    w: s.w.map((x, j) => x + c * f.w[j]! + (noise ? cn * noise[j]! : 0)),
    kl: s.kl + c * f.kl,
  });
  let s: S = { h: p.h0.map((r) => [...r]), w: [...p.w0], kl: 0 };
  let yh = s;
  for (let k = 0; k < STEPS; k++) {
    const t = gridTime(GRID, k), dt = gridTime(GRID, k + 1) - t;
    const before = s;
    if (solver === "euler") {
      s = axpy(s, dt, drift(s, t), dW[k], SIGMA);
    } else {
      const fhat = drift(yh, t);
      const two = { h: s.h.map((r, i) => r.map((x, j) => 2 * x - yh.h[i]![j]!)), w: s.w.map((x, j) => 2 * x - yh.w[j]!), kl: 2 * s.kl - yh.kl };
      const yhNew = axpy(two, dt, fhat, dW[k], SIGMA);
      const fnew = drift(yhNew, t + dt);
      s = axpy(axpy(s, dt / 2, fhat), dt / 2, fnew, dW[k], SIGMA);
      yh = yhNew;
    }
    if (kl !== "quadratic") {
      const u = nn(before.w, kl === "stl" ? p.phiFrozen : p.phi, t);
      s = { ...s, kl: s.kl + u.reduce((a, x, j) => a + x * dW[k]![j]!, 0) / SIGMA };
    }
  }
  let L = LAMBDA * s.kl;
  s.h.forEach((r, i) => r.forEach((x, j) => { L += 0.5 * (x - target[i]![j]!) ** 2; }));
  return L;
}

/** The tiny block of this file: f_h = CSL swish CSL, NN = CSL tanh CSL, seeded initial values. */
async function tinyBlock(solver: SolverName, kl: KlEstimator, gradient: "backprop" | "adjoint", keepActivationsBytes?: number) {
  const rt = await freshRuntime();
  const fStack = new Stack([new ConcatSquash(C, HID), new Swish(HID), new ConcatSquash(HID, C)]);
  const D = fStack.paramCount;
  const nStack = new Stack([new ConcatSquash(D, NNH), new Activation("tanh", NNH), new ConcatSquash(NNH, D)]);
  const space = new ParamSpace();
  const phi = space.add("nn", [nStack.paramCount], stackInit(nStack, testRandom(3)));
  const block = new SdeBnnBlock(rt, space, "b", fStack, new StackWeightDrift(rt, nStack, phi),
    { sigma: SIGMA, kl, solver, steps: STEPS, gradient, w0Init: stackInit(fStack, testRandom(4)), keepActivationsBytes });
  space.allocate(rt);
  return { rt, fStack, nStack, phi, block, D };
}

/** Relative errors (norm-wise) of the h(0), w_0 and hypernetwork gradients separately. */
async function check(solver: SolverName, kl: KlEstimator, gradient: "backprop" | "adjoint", refKl = kl, S = 1): Promise<number[]> {
  const { rt, nStack, phi, block, D } = await tinyBlock(solver, kl, gradient);
  // shrink the hypernetwork's output so the posterior stays a perturbation of the prior
  phi.view.subarray(nStack.slots()[5]!.offset).forEach((x, i, a) => { a[i] = Math.fround(x * 0.1); });

  const g = gaussianStream(21);
  const h0 = Array.from({ length: ROWS }, () => Array.from({ length: C }, () => Math.fround(g())));
  const target = Array.from({ length: ROWS }, () => Array.from({ length: C }, () => Math.fround(g())));
  const bm = new FineBrownian(rt, S * D, STEPS, 0, 1, 8);
  const dWall = Array.from({ length: STEPS }, (_, k) => Array.from(bm.interval(gridTime(GRID, k), gridTime(GRID, k + 1)).w, Math.fround));

  // every sample starts from the same h(0); the loss sums over samples
  const hIn = rt.arena.f32From(Array.from({ length: S }, () => h0.flat()).flat());
  const run = block.forward(hIn.ptr, ROWS, bm, S);
  const hT = Array.from(new Float32Array(rt.memory.buffer, run.hOut, S * ROWS * C));
  const adjH = rt.arena.f32From(hT.map((x, i) => x - target.flat()[i % (ROWS * C)]!));
  const adjHInAll = rt.arena.f32(S * ROWS * C);
  block.backward(run, adjH.ptr, LAMBDA, adjHInAll.ptr);
  const adjHIn = { view: Array.from({ length: ROWS * C }, (_, i) => Array.from({ length: S }, (_, s) => adjHInAll.view[s * ROWS * C + i]!).reduce((a, b) => a + b)) };

  const base: P64 = { h0, w0: Array.from(block.w0.view), phi: Array.from(phi.view), phiFrozen: Array.from(phi.view) };
  const L = (p: P64) => Array.from({ length: S }, (_, s) =>
    referenceLoss(solver, refKl, p, dWall.map((row) => row.slice(s * D, (s + 1) * D)), target)).reduce((a, b) => a + b);
  const eps = 1e-6;
  const fd = (mut: (p: P64, e: number) => P64) => (L(mut(base, eps)) - L(mut(base, -eps))) / (2 * eps);
  const rel = (ours: ArrayLike<number>, ref: number[]) => {
    let num = 0, den = 0;
    for (let i = 0; i < ref.length; i++) { num += (ours[i]! - ref[i]!) ** 2; den += ref[i]! ** 2; }
    return Math.sqrt(num / den);
  };
  const fdH = h0.flat().map((_, k) => fd((p, e) => ({ ...p, h0: p.h0.map((r, i) => r.map((x, j) => (i * C + j === k ? x + e : x))) })));
  const fdW = base.w0.map((_, k) => fd((p, e) => ({ ...p, w0: p.w0.map((x, j) => (j === k ? x + e : x)) })));
  const fdPhi = base.phi.map((_, k) => fd((p, e) => ({ ...p, phi: p.phi.map((x, j) => (j === k ? x + e : x)) })));
  return [rel(adjHIn.view, fdH), rel(block.w0.gradView, fdW), rel(phi.gradView, fdPhi)];
}

describe("tiny SDE-BNN block with real layers: gradients of (loss + KL) vs f64 finite differences", () => {
  const cases: [SolverName, KlEstimator, "backprop" | "adjoint"][] = [
    ["euler", "quadratic", "backprop"], ["euler", "stl", "backprop"],
    ["reversible_heun", "quadratic", "adjoint"], ["reversible_heun", "stl", "backprop"],
  ];
  for (const [solver, kl, gradient] of cases) {
    it(`${solver}, ${kl}, ${gradient}`, async () => {
      const rel = await check(solver, kl, gradient);
      console.log(`${solver} ${kl} ${gradient}: relative errors h0 ${rel[0]!.toExponential(2)} w0 ${rel[1]!.toExponential(2)} phi ${rel[2]!.toExponential(2)}`);
      for (const r of rel) expect(r).toBeLessThan(1e-3);
    });
  }

  it("three Monte-Carlo samples in one state (euler, stl): the gradient of the summed loss", async () => {
    const rel = await check("euler", "stl", "backprop", "stl", 3);
    for (const r of rel) expect(r).toBeLessThan(1e-3);
  });

  it("detects a wrong estimator: STL gradients differ from the log-ratio's finite differences", async () => {
    const rel = await check("euler", "stl", "backprop", "logratio");
    expect(rel[2]).toBeGreaterThan(1e-2);
  });
});

describe("kept in-step activations (keepActivationsBytes)", () => {
  /** Gradients and the number of f_h stack forwards of one forward + backward, 2 samples. */
  async function run(solver: SolverName, keepActivationsBytes?: number) {
    const { rt, fStack, phi, block, D } = await tinyBlock(solver, "stl", "backprop", keepActivationsBytes);
    const S = 2, bm = new FineBrownian(rt, S * D, STEPS, 0, 1, 8);
    const g = gaussianStream(5);
    const hIn = rt.arena.f32From(Array.from({ length: S * ROWS * C }, () => Math.fround(g())));
    let forwards = 0;
    const orig = fStack.forward.bind(fStack);
    fStack.forward = (...a: Parameters<Stack["forward"]>) => { forwards++; return orig(...a); };
    const r = block.forward(hIn.ptr, ROWS, bm, S);
    const afterForward = forwards;
    const adjH = rt.arena.f32From(Array.from({ length: S * ROWS * C }, () => Math.fround(g())));
    const adjIn = rt.arena.f32(S * ROWS * C);
    block.backward(r, adjH.ptr, LAMBDA, adjIn.ptr);
    return { grads: [Array.from(adjIn.view), Array.from(block.w0.gradView), Array.from(phi.gradView)], afterForward, backwardForwards: forwards - afterForward };
  }

  for (const solver of ["euler", "reversible_heun"] as const) {
    it(`${solver}: reusing the forward's activations gives the recomputed gradients bit for bit`, async () => {
      const kept = await run(solver), recomputed = await run(solver, 0);
      expect(kept.grads).toEqual(recomputed.grads);
      expect(recomputed.backwardForwards).toBeGreaterThanOrEqual(2 * STEPS); // every vjp recomputed (2 samples)
      expect(kept.backwardForwards).toBeLessThan(recomputed.backwardForwards);
      if (solver === "euler") expect(kept.backwardForwards).toBe(0); // one drift per step: all kept
    });
  }

  it("a budget smaller than all steps keeps what fits and recomputes the rest (same bits)", async () => {
    const all = await run("euler"), none = await run("euler", 0);
    // one kept evaluation: h (6 floats), w (56 floats) and three layer outputs, each rounded up to
    // 64 bytes = 512 bytes; 2 samples x 8 steps need 16 of them, the budget holds 5
    const some = await run("euler", 5 * 512);
    expect(some.grads).toEqual(none.grads);
    expect(some.backwardForwards).toBeGreaterThan(all.backwardForwards);
    expect(some.backwardForwards).toBeLessThan(none.backwardForwards);
  });
});
