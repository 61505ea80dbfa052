// Measured strong order of each solver on SDEs with known solutions: the log-log slope of
// E|X_T - Xhat_T| against dt over 5 step sizes, P = 1000 paths per problem, fixed seeds.
// Tolerance: the slope must lie within 0.1 of the solver's theoretical order.
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import type { SdeTerms } from "../../src/sde/terms.js";
import type { Solver } from "../../src/sde/solvers/solver.js";
import { EulerMaruyama } from "../../src/sde/solvers/euler.js";
import { Sra1 } from "../../src/sde/solvers/sra1.js";
import { ReversibleHeun } from "../../src/sde/solvers/reversible_heun.js";
import { solveFixed } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { FineBrownian } from "../helpers/fine_brownian.js";
import { logLogSlope, strongErrors } from "../helpers/strong_order.mjs";
import { GBM, RotatingOU, ScalarOU } from "../helpers/test_sdes.js";

const P = 1000;
const T = 1;
const FINE = 4096;
const STEPS = [8, 16, 32, 64, 128];

type Make = (rt: Runtime, terms: SdeTerms) => Solver;
const SOLVERS: Record<string, Make> = {
  euler: (rt, t) => new EulerMaruyama(rt, t),
  sra1: (rt, t) => new Sra1(rt, t),
  reversible_heun: (rt, t) => new ReversibleHeun(rt, t),
};

interface Problem {
  terms(rt: Runtime): SdeTerms;
  x0: number;
  /** Exact X_T per state component from the fine Brownian path (f64). */
  exact(bm: FineBrownian, solver: string): Float64Array;
  /** Distance of the numerical from the exact solution for path p. */
  pathError(num: Float32Array, ex: Float64Array, p: number): number;
}

const abs1 = (num: Float32Array, ex: Float64Array, p: number) => Math.abs(num[p]! - ex[p]!);

function ouExact(theta: number, sigma: number, x0: number) {
  return (bm: FineBrownian): Float64Array => {
    const out = new Float64Array(bm.dim).fill(Math.exp(-theta * T) * x0);
    for (let k = 0; k < bm.fineSteps; k++) {
      const decay = Math.exp(-theta * (T - k * bm.h));
      for (let i = 0; i < bm.dim; i++) {
        const w = bm.dW[k * bm.dim + i]!, i10 = bm.I10[k * bm.dim + i]!;
        // int_a^{a+h} e^{-theta (T - s)} dW_s = e^{-theta (T-a)} (dW + theta (h dW - I10)) + O(h^2)
        out[i] += sigma * decay * (w + theta * (bm.h * w - i10));
      }
    }
    return out;
  };
}

const PROBLEMS: Record<string, Problem> = {
  "scalar OU (additive)": {
    terms: (rt) => new ScalarOU(rt, P, 1.5, 0.8),
    x0: 1,
    exact: ouExact(1.5, 0.8, 1),
    pathError: abs1,
  },
  "rotating 2D OU (additive, coupled)": {
    terms: (rt) => new RotatingOU(rt, P, 1.0, 2.0, 0.6),
    x0: 1,
    exact(bm) {
      const theta = 1.0, omega = 2.0, sigma = 0.6;
      const E = (tau: number) => {
        const d = Math.exp(-theta * tau), c = Math.cos(omega * tau), s = Math.sin(omega * tau);
        return [d * c, d * s, -d * s, d * c]; // e^{-A tau}, row-major
      };
      const out = new Float64Array(2 * P);
      const e0 = E(T);
      for (let p = 0; p < P; p++) { out[p] = e0[0]! + e0[1]!; out[P + p] = e0[2]! + e0[3]!; }
      for (let k = 0; k < bm.fineSteps; k++) {
        const e = E(T - k * bm.h);
        for (let p = 0; p < P; p++) {
          const wx = bm.dW[k * 2 * P + p]!, wy = bm.dW[k * 2 * P + P + p]!;
          const ix = bm.I10[k * 2 * P + p]!, iy = bm.I10[k * 2 * P + P + p]!;
          // dW + A (h dW - I10), A = [[theta, -omega], [omega, theta]]
          const rx = bm.h * wx - ix, ry = bm.h * wy - iy;
          const ux = wx + theta * rx - omega * ry, uy = wy + omega * rx + theta * ry;
          out[p] += sigma * (e[0]! * ux + e[1]! * uy);
          out[P + p] += sigma * (e[2]! * ux + e[3]! * uy);
        }
      }
      return out;
    },
    pathError: (num, ex, p) => Math.hypot(num[p]! - ex[p]!, num[P + p]! - ex[P + p]!),
  },
  "geometric Brownian motion (multiplicative)": {
    terms: (rt) => new GBM(rt, P, 0.5, 0.6),
    x0: 1,
    exact(bm, solver) {
      const mu = 0.5, s = 0.6;
      const WT = new Float64Array(P);
      for (let k = 0; k < bm.fineSteps; k++) for (let p = 0; p < P; p++) WT[p] += bm.dW[k * P + p]!;
      // Euler-Maruyama converges to the Ito solution, reversible Heun to the Stratonovich one.
      const drift = solver === "euler" ? mu - (s * s) / 2 : mu;
      return WT.map((w) => Math.exp(drift * T + s * w));
    },
    pathError: abs1,
  },
};


async function problemErrors(problem: Problem, solverName: string, seed: number): Promise<number[]> {
  const rt = await freshRuntime();
  const terms = problem.terms(rt);
  const bm = new FineBrownian(rt, terms.noiseDim, FINE, 0, T, seed);
  const exact = problem.exact(bm, solverName);
  const y0 = rt.arena.f32From(new Float32Array(terms.dim).fill(problem.x0));
  return strongErrors({
    rt, solveFixed, makeSolver: () => SOLVERS[solverName]!(rt, terms), brownian: bm, y0: y0.ptr, dim: terms.dim,
    paths: P, steps: STEPS, t1: T, pathError: (num, p) => problem.pathError(num, exact, p),
  });
}

// Theoretical orders on these problem classes:
// - Euler-Maruyama: 1 for additive noise, 1/2 for multiplicative noise.
// - Reversible Heun: 1 for additive noise and for commutative (here scalar/diagonal) noise, where
//   Heun-type Stratonovich methods gain the Milstein term for free; 1/2 only for non-commutative noise.
// - SRA1: 1.5 for additive noise in general; with a LINEAR drift the order-1.5 error terms (which
//   carry f'') vanish and the measured order is that of the deterministic part and of the
//   I_(1,0,0)-type terms, 2. Its order-1.5 rate on a nonlinear drift is tested in nonlinear_order.
const CASES: [string, string, number][] = [
  ["scalar OU (additive)", "euler", 1.0],
  ["scalar OU (additive)", "sra1", 2.0],
  ["scalar OU (additive)", "reversible_heun", 1.0],
  ["rotating 2D OU (additive, coupled)", "euler", 1.0],
  ["rotating 2D OU (additive, coupled)", "sra1", 2.0],
  ["rotating 2D OU (additive, coupled)", "reversible_heun", 1.0],
  ["geometric Brownian motion (multiplicative)", "euler", 0.5],
  ["geometric Brownian motion (multiplicative)", "reversible_heun", 1.0],
];

describe("strong order of convergence (slope within 0.1 of theory)", () => {
  for (const [problem, solver, order] of CASES) {
    it(`${solver} on ${problem}: order ${order}`, async () => {
      const errs = await problemErrors(PROBLEMS[problem]!, solver, 1234);
      const slope = logLogSlope(STEPS.map((n) => T / n), errs);
      console.log(`${solver} / ${problem}: errors ${errs.map((e) => e.toExponential(2)).join(" ")} slope ${slope.toFixed(3)}`);
      expect(errs.every((e) => Number.isFinite(e) && e > 0)).toBe(true);
      expect(Math.abs(slope - order)).toBeLessThan(0.1);
    });
  }
});
