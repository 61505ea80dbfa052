// The strong-order helper shared by the tests (test/sde/*order*.test.ts) and the bench diagnostics
// (bench/sde_diagnostics.mjs), torchsde-style: plain ESM that takes the library's pieces as
// arguments, so the tests run it on src/ and the bench on dist/.

/**
 * Strong errors E|X_T - X_ref| of one solver over several fixed grids on one Brownian path:
 * for each step count n, solves [t0, t1] with n equal steps and averages pathError(num, p) over
 * the `paths` paths (default: |num[p] - reference[p]|).
 * @param {object} o
 * @param {any} o.rt runtime
 * @param {(rt: any, solver: any, bm: any, y0: number, grid: {t0: number, t1: number, steps: number}) => {state: number}} o.solveFixed
 * @param {() => any} o.makeSolver a fresh solver (called inside an arena scope per grid)
 * @param {any} o.brownian
 * @param {number} o.y0 pointer to the initial state
 * @param {number} o.dim floats of the state
 * @param {number} o.paths
 * @param {number[]} o.steps
 * @param {ArrayLike<number>} [o.reference] X_ref per path (first `paths` state entries)
 * @param {(num: Float32Array, p: number) => number} [o.pathError]
 * @param {number} [o.t0]
 * @param {number} [o.t1]
 * @returns {number[]}
 */
export function strongErrors(o) {
  const { rt, t0 = 0, t1 = 1 } = o;
  const pathError = o.pathError ?? ((num, p) => Math.abs(num[p] - o.reference[p]));
  return o.steps.map((steps) => rt.arena.scoped(() => {
    const { state } = o.solveFixed(rt, o.makeSolver(), o.brownian, o.y0, { t0, t1, steps });
    const num = new Float32Array(rt.memory.buffer, state, o.dim);
    let e = 0;
    for (let p = 0; p < o.paths; p++) e += pathError(num, p);
    return e / o.paths;
  }));
}

/** Least-squares slope of log(err) against log(dt): the measured strong order. */
export function logLogSlope(dts, errs) {
  const x = dts.map(Math.log), y = errs.map(Math.log), n = x.length;
  const mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; }
  return sxy / sxx;
}
