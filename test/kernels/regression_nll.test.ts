// Regression likelihood kernels against f64 formulas and central finite differences.
import { describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";

describe("regression NLL kernels", () => {
  for (const n of [1, 3, 7, 31]) {
    it(`gaussian and laplace, n = ${n}: value and gradient`, async () => {
      const rt = await freshRuntime();
      const g = gaussianStream(n);
      const pred = Array.from({ length: n }, () => Math.fround(g()));
      const targ = Array.from({ length: n }, () => Math.fround(g()));
      const P = rt.arena.f32From(pred), T = rt.arena.f32From(targ), dP = rt.arena.f32(n);
      const s = 0.3, scale = 0.25;
      const gauss = (p: number[]) => p.reduce((a, pi, i) => a + (pi - targ[i]!) ** 2 / (2 * s * s) + Math.log(s) + 0.5 * Math.log(2 * Math.PI), 0) / n;
      const lap = (p: number[]) => p.reduce((a, pi, i) => a + Math.abs(pi - targ[i]!) / s + Math.log(2 * s), 0) / n;
      for (const [kernel, ref] of [["gaussian_nll", gauss], ["laplace_nll", lap]] as const) {
        const v = rt.wasm[kernel](P.ptr, T.ptr, dP.ptr, n, s, scale);
        expect(Math.abs(v - ref(pred))).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref(pred))));
        const eps = 1e-6;
        for (let i = 0; i < n; i++) {
          const up = [...pred], dn = [...pred];
          up[i] += eps; dn[i] -= eps;
          const fd = (scale * (ref(up) - ref(dn))) / (2 * eps);
          expect(Math.abs(dP.view[i]! - fd)).toBeLessThan(1e-3 * Math.max(1e-3, Math.abs(fd)));
        }
      }
    });
  }
  for (const n of [1, 5, 17]) {
    it(`gaussian with a learned log-std, n = ${n}: value and gradients against f64 finite differences`, async () => {
      const rt = await freshRuntime();
      const g = gaussianStream(n + 3);
      const pred = Array.from({ length: n }, () => Math.fround(g()));
      const targ = Array.from({ length: n }, () => Math.fround(g()));
      const rho = Math.fround(-0.7), scale = 0.5, start = Math.fround(0.25);
      const P = rt.arena.f32From(pred), T = rt.arena.f32From(targ), dP = rt.arena.f32(n);
      const R = rt.arena.f32From([rho]), dR = rt.arena.f32From([start]);
      const ref = (p: number[], r: number) => p.reduce((a, pi, i) => a + (pi - targ[i]!) ** 2 / (2 * Math.exp(2 * r)) + r + 0.5 * Math.log(2 * Math.PI), 0) / n;
      const v = rt.wasm.gaussian_nll_logstd(P.ptr, T.ptr, dP.ptr, n, R.ptr, dR.ptr, scale);
      expect(Math.abs(v - ref(pred, rho))).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref(pred, rho))));
      const eps = 1e-6;
      const fdR = (scale * (ref(pred, rho + eps) - ref(pred, rho - eps))) / (2 * eps);
      expect(Math.abs(dR.view[0]! - start - fdR)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdR)));
      for (let i = 0; i < n; i++) {
        const up = [...pred], dn = [...pred];
        up[i] += eps; dn[i] -= eps;
        const fd = (scale * (ref(up, rho) - ref(dn, rho))) / (2 * eps);
        expect(Math.abs(dP.view[i]! - fd)).toBeLessThan(1e-4 * Math.max(1e-3, Math.abs(fd)));
      }
      // the fixed-std kernel at s = exp(rho) gives the same value
      expect(Math.abs(rt.wasm.gaussian_nll(P.ptr, T.ptr, 0, n, Math.exp(rho), 1) - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
      expect(rt.wasm.logstd_variance(rho)).toBeCloseTo(Math.exp(2 * rho), 14);
    });
  }
  it("toy1d targets: cos(x) + std * eps", async () => {
    const rt = await freshRuntime();
    const x = [0, 0.5, 2, 6.25, 8], e = [0.5, -1, 0, 2, -0.25];
    const X = rt.arena.f32From(x), E = rt.arena.f32From(e), Y = rt.arena.f32(5);
    rt.wasm.toy1d_targets(X.ptr, E.ptr, Y.ptr, 5, 0.1);
    x.forEach((xi, i) => expect(Y.view[i]).toBe(Math.fround(Math.cos(Math.fround(xi)) + 0.1 * Math.fround(e[i]!))));
  });
});
