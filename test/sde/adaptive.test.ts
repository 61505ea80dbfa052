// Adaptive step-doubling with the PI controller on a virtual Brownian tree, on a stiff-ish SDE
// with a fast initial transient: dX = -L (X - sin t) dt + s dW, X(0) = 3, t in [0, 2], L = 20.
// Reference: the same solver on a uniform grid of 2^13 steps over the same tree path.
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import type { SdeTerms } from "../../src/sde/terms.js";
import { Sra1 } from "../../src/sde/solvers/sra1.js";
import { solveFixed } from "../../src/sde/integrate.js";
import { solveAdaptive } from "../../src/sde/adaptive.js";
import { VirtualBrownianTree } from "../../src/sde/brownian/tree.js";
import { freshRuntime } from "../helpers/wasm.js";

const P = 64, L = 20, SIG = 0.5, T = 2;

class Transient implements SdeTerms {
  readonly noise = { kind: "additive" as const, sigma: SIG };
  readonly noiseOffset = 0;
  readonly noiseDim = P;
  readonly dim = P;
  private readonly ones: number;
  evaluations = 0;
  constructor(private readonly rt: Runtime) {
    this.ones = rt.arena.f32From(new Float32Array(P).fill(1)).ptr;
  }
  drift(t: number, y: number, out: number): void {
    this.evaluations++;
    this.rt.wasm.sde_lincomb(out, 0, P, -L, y, L * Math.sin(t), this.ones, 0, 0);
  }
}

async function setup() {
  const rt = await freshRuntime();
  const terms = new Transient(rt);
  const bm = new VirtualBrownianTree(rt, { seed: 11, dim: P, t0: 0, t1: T, depth: 18 });
  const y0 = rt.arena.f32From(new Float32Array(P).fill(3));
  const ref = Float32Array.from(new Float32Array(rt.memory.buffer, solveFixed(rt, new Sra1(rt, terms), bm, y0.ptr, { t0: 0, t1: T, steps: 1 << 13 }).state, P));
  const err = (state: number) => {
    const v = new Float32Array(rt.memory.buffer, state, P);
    let e = 0;
    for (let i = 0; i < P; i++) e += Math.abs(v[i]! - ref[i]!);
    return e / P;
  };
  return { rt, terms, bm, y0, err };
}

describe("adaptive stepping", () => {
  it("a tolerance sweep: the terminal error falls with the tolerance and stays within 10x of it", async () => {
    const { rt, terms, bm, y0, err } = await setup();
    const rows: { tol: number; error: number; accepted: number; rejected: number }[] = [];
    for (const tol of [1e-2, 1e-3, 1e-4]) {
      rt.arena.scoped(() => {
        const r = solveAdaptive(rt, new Sra1(rt, terms), bm, y0.ptr, { t0: 0, t1: T, rtol: tol, atol: tol, dtMin: 1e-6 });
        rows.push({ tol, error: err(r.state), accepted: r.accepted, rejected: r.rejected });
      });
    }
    console.table(rows);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.error).toBeLessThan(rows[i - 1]!.error);
      expect(rows[i]!.accepted).toBeGreaterThan(rows[i - 1]!.accepted);
    }
    for (const r of rows) expect(r.error).toBeLessThan(10 * r.tol);
  });

  it("needs fewer steps than a fixed grid for the same terminal error", async () => {
    const { rt, terms, bm, y0, err } = await setup();
    const adaptive = rt.arena.scoped(() => {
      const r = solveAdaptive(rt, new Sra1(rt, terms), bm, y0.ptr, { t0: 0, t1: T, rtol: 1e-3, atol: 1e-3, dtMin: 1e-6 });
      return { error: err(r.state), steps: r.accepted };
    });
    // the smallest power-of-two grid that is at least as accurate
    let fixedSteps = 0;
    for (let n = 8; n <= 1 << 13; n *= 2) {
      const e = rt.arena.scoped(() => err(solveFixed(rt, new Sra1(rt, terms), bm, y0.ptr, { t0: 0, t1: T, steps: n }).state));
      if (e <= adaptive.error) { fixedSteps = n; break; }
    }
    console.log(`adaptive: ${adaptive.steps} accepted steps, error ${adaptive.error.toExponential(2)}; fixed grid needs ${fixedSteps} steps`);
    expect(fixedSteps).toBeGreaterThan(0);
    expect(adaptive.steps).toBeLessThan(fixedSteps);
  });

  it("rejected steps see the same Brownian path: the result does not depend on the first trial step", async () => {
    const { rt, terms, bm, y0 } = await setup();
    const run = (dt0: number) => rt.arena.scoped(() => {
      const r = solveAdaptive(rt, new Sra1(rt, terms), bm, y0.ptr, { t0: 0, t1: T, rtol: 1e-4, atol: 1e-4, dt0, dtMin: 1e-6 });
      return Array.from(new Float32Array(rt.memory.buffer, r.state, P));
    });
    const a = run(0.5), b = run(1e-3);
    const diff = Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
    expect(diff).toBeLessThan(1e-3); // both converge to the same path's solution
  });

  it("a step cap stops a runaway solve with a NumericalError", async () => {
    const { rt, terms, bm, y0 } = await setup();
    expect(() => solveAdaptive(rt, new Sra1(rt, terms), bm, y0.ptr, { t0: 0, t1: T, rtol: 1e-8, atol: 1e-8, maxSteps: 50 }))
      .toThrow(/exceeded maxSteps = 50/);
  });
});
