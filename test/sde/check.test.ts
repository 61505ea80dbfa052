// The one contract check of a solve (src/sde/check.ts): every incompatible combination of solver,
// terms, Brownian path, step controller and adjoint is refused up front with a typed
// ArgumentError naming both sides, before any step runs.
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/runtime/errors.js";
import type { Runtime } from "../../src/runtime/load.js";
import type { SdeTerms } from "../../src/sde/terms.js";
import { EulerMaruyama } from "../../src/sde/solvers/euler.js";
import { Sra1 } from "../../src/sde/solvers/sra1.js";
import { ReversibleHeun } from "../../src/sde/solvers/reversible_heun.js";
import { GridBrownian } from "../../src/sde/brownian/grid.js";
import { VirtualBrownianTree } from "../../src/sde/brownian/tree.js";
import { ReplayBrownian } from "../../src/sde/brownian/replay.js";
import { ConstantSteps } from "../../src/sde/controllers/constant.js";
import { PiController } from "../../src/sde/controllers/pi.js";
import { BackpropAdjoint, ReversibleAdjoint, makeAdjoint } from "../../src/sde/adjoints/index.js";
import { solve, type SolveOptions } from "../../src/sde/solve.js";
import { GBM, ScalarOU } from "../../src/sde/examples.js";
import { freshRuntime } from "../helpers/wasm.js";

const N = 4;

/** The solve's error (and that it is an ArgumentError), or null when it ran. */
function refusal(rt: Runtime, run: () => void): string | null {
  try { rt.arena.scoped(run); return null; } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    return (e as Error).message;
  }
}

describe("checkContract refuses incompatible combinations with an ArgumentError", () => {
  it("noise kind, calculus, Levy area, dimension, time span", async () => {
    const rt = await freshRuntime();
    const ou = new ScalarOU(rt, N, 1, 0.5), gbm = new GBM(rt, N, 0.1, 0.3);
    const tree = new VirtualBrownianTree(rt, { seed: 1, dim: N });
    const grid = new GridBrownian(rt, { seed: 1, dim: N, steps: 8 });
    const y0 = rt.arena.f32From(new Float32Array(N).fill(1)).ptr;
    const fixed: SolveOptions = { t0: 0, t1: 1, controller: new ConstantSteps(8) };
    const go = (solver: () => unknown, bm: unknown, o: SolveOptions = fixed) =>
      refusal(rt, () => { solve(rt, solver() as never, bm as never, y0, o); });

    // SRA1 is additive-only: its constructor and the check both say so
    expect(go(() => new Sra1(rt, gbm), tree)).toMatch(/solver 'sra1' supports additive noise only, got diagonal noise/);
    // declared calculus against the solver's reading of diagonal noise
    const strat: SdeTerms = { ...gbm, drift: gbm.drift.bind(gbm), noise: { ...gbm.noise, calculus: "stratonovich" } } as SdeTerms;
    const ito: SdeTerms = { ...gbm, drift: gbm.drift.bind(gbm), noise: { ...gbm.noise, calculus: "ito" } } as SdeTerms;
    expect(go(() => new EulerMaruyama(rt, strat), grid)).toMatch(/solver 'euler' reads diagonal noise as ito, but the terms are stratonovich/);
    expect(go(() => new ReversibleHeun(rt, ito), grid)).toMatch(/solver 'reversible_heun' reads diagonal noise as stratonovich, but the terms are ito/);
    expect(go(() => new ReversibleHeun(rt, strat), grid)).toBeNull();
    // a solver that needs the Levy area on a path without one
    const replay = new ReplayBrownian(rt, Array.from({ length: 8 }, () => new Array(N).fill(0.1)));
    expect(go(() => new Sra1(rt, ou), replay)).toMatch(/solver 'sra1' needs the Levy area of each step/);
    // dimension and time span
    expect(go(() => new EulerMaruyama(rt, ou), new VirtualBrownianTree(rt, { seed: 1, dim: N + 1 }))).toMatch(/has 5 dimensions, expected the terms' noiseDim = 4/);
    expect(go(() => new EulerMaruyama(rt, ou), tree, { ...fixed, t1: 2 })).toMatch(/spans \[0, 2\] but the Brownian path covers \[0, 1\]/);
    expect(go(() => new EulerMaruyama(rt, ou), tree, { ...fixed, t0: 1, t1: 1 })).toMatch(/t0 < t1/);
  });

  it("adaptive steps need a path that answers any interval; adjoints need gradients, a vjp and a reverse step", async () => {
    const rt = await freshRuntime();
    const ou = new ScalarOU(rt, N, 1, 0.5), gbm = new GBM(rt, N, 0.1, 0.3);
    const tree = new VirtualBrownianTree(rt, { seed: 1, dim: N });
    const grid = new GridBrownian(rt, { seed: 1, dim: N, steps: 8 });
    const y0 = rt.arena.f32From(new Float32Array(N).fill(1)).ptr;
    const pi = new PiController(rt, { rtol: 1e-2, atol: 1e-2 });
    const go = (solver: () => unknown, bm: unknown, o: Partial<SolveOptions>) =>
      refusal(rt, () => { solve(rt, solver() as never, bm as never, y0, { t0: 0, t1: 1, controller: new ConstantSteps(8), ...o }); });

    expect(go(() => new EulerMaruyama(rt, ou), grid, { controller: pi })).toMatch(/'pi' step controller needs a Brownian path that answers any interval/);
    expect(go(() => new EulerMaruyama(rt, ou), tree, { controller: pi })).toBeNull();
    expect(go(() => new EulerMaruyama(rt, ou), tree, { adjoint: new ReversibleAdjoint() }))
      .toMatch(/the 'reversible' adjoint needs a solver with an exact reverse step \(reversible_heun\), got 'euler'/);
    expect(go(() => new Sra1(rt, ou), tree, { adjoint: makeAdjoint("adjoint") })).toMatch(/exact reverse step/);
    expect(go(() => new ReversibleHeun(rt, gbm), tree, { adjoint: new BackpropAdjoint() }))
      .toMatch(/solver 'reversible_heun' has no gradients for diagonal noise/);
    const noVjp: SdeTerms = { dim: N, noiseOffset: 0, noiseDim: N, noise: { kind: "additive", sigma: 1 }, drift: ou.drift.bind(ou) };
    expect(go(() => new EulerMaruyama(rt, noVjp), tree, { adjoint: new BackpropAdjoint() })).toMatch(/no driftVjp/);
    expect(go(() => new ReversibleHeun(rt, ou), tree, { adjoint: new ReversibleAdjoint(), controller: pi })).toBeNull();
    expect(() => makeAdjoint("checkpoint" as never)).toThrow(ArgumentError);
  });

  it("controller settings are validated when the controller is made", async () => {
    const rt = await freshRuntime();
    expect(() => new PiController(rt, { rtol: -1 })).toThrow(/rtol >= 0 and atol > 0/);
    expect(() => new PiController(rt, { atol: 0 })).toThrow(ArgumentError);
    expect(() => new PiController(rt, { dtMin: 0 })).toThrow(/dtMin must be a positive number/);
    expect(() => new PiController(rt, { maxSteps: 0.5 })).toThrow(/maxSteps must be a positive integer/);
    expect(() => new PiController(rt, { dtMin: 1e-3, dtMax: 1e-4 })).toThrow(/dtMax must be >= dtMin/);
    expect(() => new ConstantSteps(0)).toThrow(/steps must be a positive integer/);
  });
});
