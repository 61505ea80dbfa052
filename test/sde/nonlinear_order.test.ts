// SRA1's strong order 1.5 needs a drift with f'' != 0 (on linear drifts its error terms of
// order 1.5 vanish). Problem: dy = (-theta y - kappa y^3) dt + sigma dW, P = 500 paths; the
// reference is an independent f64 SRA1 on the 8192-step fine grid of the same Brownian path
// (its own error, ~(1/8192)^1.5 = 1.3e-6, is far below the coarsest errors measured here).
// Tolerance: slope within 0.1 of the theoretical order.
import { describe, expect, it } from "vitest";
import { Sra1 } from "../../src/sde/solvers/sra1.js";
import { EulerMaruyama } from "../../src/sde/solvers/euler.js";
import { ReversibleHeun } from "../../src/sde/solvers/reversible_heun.js";
import { solveFixed } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { FineBrownian } from "../helpers/fine_brownian.js";
import { logLogSlope, strongErrors } from "../helpers/strong_order.mjs";
import { CubicDrift } from "../helpers/test_sdes.js";

const P = 500, FINE = 8192, T = 1, THETA = 0, KAPPA = 0.2, SIGMA = 2, Y0 = 0;
const STEPS = [32, 64, 128, 256, 512];

function fineReference(bm: FineBrownian): Float64Array {
  const f = (y: number) => -THETA * y - KAPPA * y * y * y;
  const y = new Float64Array(P).fill(Y0);
  const h = bm.h;
  for (let k = 0; k < FINE; k++) {
    for (let i = 0; i < P; i++) {
      const dW = bm.dW[k * P + i]!, i10h = bm.I10[k * P + i]! / h; // I10/h = H + dW/2
      const f1 = f(y[i]!);
      const h2 = y[i]! + 0.75 * h * f1 + 1.5 * SIGMA * i10h;
      y[i] = y[i]! + h * (f1 / 3 + (2 * f(h2)) / 3) + SIGMA * dW;
    }
  }
  return y;
}

describe("strong order on a nonlinear drift (cubic)", () => {
  const cases: [string, number][] = [["sra1", 1.5], ["euler", 1.0], ["reversible_heun", 1.0]];
  for (const [name, order] of cases) {
    it(`${name}: order ${order}`, async () => {
      const rt = await freshRuntime();
      const bm = new FineBrownian(rt, P, FINE, 0, T, 4321);
      const ref = fineReference(bm);
      const y0 = rt.arena.f32From(new Float32Array(P).fill(Y0));
      const errs = strongErrors({
        rt, solveFixed, brownian: bm, y0: y0.ptr, dim: P, paths: P, steps: STEPS, t1: T, reference: ref,
        makeSolver: () => {
          const terms = new CubicDrift(rt, P, THETA, KAPPA, SIGMA);
          return name === "sra1" ? new Sra1(rt, terms) : name === "euler" ? new EulerMaruyama(rt, terms) : new ReversibleHeun(rt, terms);
        },
      });
      const slope = logLogSlope(STEPS.map((n) => T / n), errs);
      console.log(`${name} / cubic drift: errors ${errs.map((e) => e.toExponential(2)).join(" ")} slope ${slope.toFixed(3)}`);
      expect(Math.abs(slope - order)).toBeLessThan(0.1);
    });
  }
});
