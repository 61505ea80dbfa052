import type { Runtime } from "../../src/runtime/load.js";
import type { Solver } from "../../src/sde/solvers/solver.js";
import type { BrownianPath } from "../../src/sde/brownian/path.js";

export interface StrongErrorOptions {
  rt: Runtime;
  solveFixed: (rt: Runtime, solver: Solver, bm: BrownianPath, y0: number, grid: { t0: number; t1: number; steps: number }) => { state: number };
  makeSolver: () => Solver;
  brownian: BrownianPath;
  y0: number;
  dim: number;
  paths: number;
  steps: number[];
  reference?: ArrayLike<number>;
  pathError?: (num: Float32Array, p: number) => number;
  t0?: number;
  t1?: number;
}
export function strongErrors(o: StrongErrorOptions): number[];
export function logLogSlope(dts: number[], errs: number[]): number;
