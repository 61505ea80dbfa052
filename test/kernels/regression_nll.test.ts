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
  for (const n of [1, 4, 13]) {
    it(`heteroscedastic gaussian, n = ${n}: value and both gradients against f64 finite differences, in place`, async () => {
      const rt = await freshRuntime();
      const g = gaussianStream(n + 11);
      // interleaved (mean, log-std) rows; log-stds in [-2, 1] so the residuals matter
      const pred = Array.from({ length: 2 * n }, (_, k) => Math.fround(k % 2 === 0 ? g() : -0.5 + 0.6 * g()));
      const targ = Array.from({ length: n }, () => Math.fround(g()));
      const scale = 0.5;
      const ref = (p: number[]) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (p[2 * i]! - targ[i]!) ** 2 / (2 * Math.exp(2 * p[2 * i + 1]!)) + p[2 * i + 1]! + 0.5 * Math.log(2 * Math.PI);
        return a / n;
      };
      const P = rt.arena.f32From(pred), T = rt.arena.f32From(targ), dP = rt.arena.f32(2 * n);
      const v = rt.wasm.gaussian_nll_hetero(P.ptr, T.ptr, dP.ptr, n, scale);
      expect(Math.abs(v - ref(pred))).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref(pred))));
      const eps = 1e-6;
      for (let k = 0; k < 2 * n; k++) {
        const up = [...pred], dn = [...pred];
        up[k] += eps; dn[k] -= eps;
        const fd = (scale * (ref(up) - ref(dn))) / (2 * eps);
        expect(Math.abs(dP.view[k]! - fd)).toBeLessThan(1e-4 * Math.max(1e-3, Math.abs(fd)));
      }
      // in place (dpred = pred) gives the same gradient bits; without dpred only the value
      expect(rt.wasm.gaussian_nll_hetero(P.ptr, T.ptr, 0, n, scale)).toBe(v);
      expect(rt.wasm.gaussian_nll_hetero(P.ptr, T.ptr, P.ptr, n, scale)).toBe(v);
      expect(Array.from(P.view)).toEqual(Array.from(dP.view));
      // with every log-std equal to rho it is the learned-log-std kernel's value
      const same = pred.map((x, k) => (k % 2 === 0 ? x : Math.fround(-0.7)));
      const Q = rt.arena.f32From(same), M = rt.arena.f32From(same.filter((_, k) => k % 2 === 0)), R = rt.arena.f32From([-0.7]);
      expect(Math.abs(rt.wasm.gaussian_nll_hetero(Q.ptr, T.ptr, 0, n, 1) - rt.wasm.gaussian_nll_logstd(M.ptr, T.ptr, 0, n, R.ptr, 0, 1))).toBeLessThan(1e-12);
    });
    it(`laplace with a learned log-scale, n = ${n}: value and gradients against f64 finite differences`, async () => {
      const rt = await freshRuntime();
      const g = gaussianStream(n + 21);
      const pred = Array.from({ length: n }, () => Math.fround(g()));
      const targ = Array.from({ length: n }, () => Math.fround(g()));
      const beta = Math.fround(-0.4), scale = 0.25, start = Math.fround(-0.5);
      const P = rt.arena.f32From(pred), T = rt.arena.f32From(targ), dP = rt.arena.f32(n);
      const Bt = rt.arena.f32From([beta]), dB = rt.arena.f32From([start]);
      const ref = (p: number[], b: number) => p.reduce((a, pi, i) => a + Math.abs(pi - targ[i]!) / Math.exp(b) + b + Math.log(2), 0) / n;
      const v = rt.wasm.laplace_nll_logscale(P.ptr, T.ptr, dP.ptr, n, Bt.ptr, dB.ptr, scale);
      expect(Math.abs(v - ref(pred, beta))).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref(pred, beta))));
      const eps = 1e-6;
      const fdB = (scale * (ref(pred, beta + eps) - ref(pred, beta - eps))) / (2 * eps);
      expect(Math.abs(dB.view[0]! - start - fdB)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdB)));
      for (let i = 0; i < n; i++) {
        const up = [...pred], dn = [...pred];
        up[i] += eps; dn[i] -= eps;
        const fd = (scale * (ref(up, beta) - ref(dn, beta))) / (2 * eps);
        expect(Math.abs(dP.view[i]! - fd)).toBeLessThan(1e-4 * Math.max(1e-3, Math.abs(fd)));
      }
      // the fixed-scale kernel at b = exp(beta) gives the same value
      expect(Math.abs(rt.wasm.laplace_nll(P.ptr, T.ptr, 0, n, Math.exp(beta), 1) - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
    });
  }
  it("hetero_outputs: values in the target's units, then exp(2 rho) scale^2", async () => {
    const rt = await freshRuntime();
    const S = 2, n = 3, z = [0.5, -1, -2, 0, 1.25, 0.5, 0, 0.25, 3, -3, -0.5, 1];
    const Z = rt.arena.f32From(z), O = rt.arena.f32(S * 2 * n);
    rt.wasm.hetero_outputs(Z.ptr, O.ptr, S, n, 2, 10);
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) {
      const mu = z[(s * n + i) * 2]!, rho = z[(s * n + i) * 2 + 1]!;
      expect(O.view[s * 2 * n + i]).toBe(Math.fround(mu * 2 + 10));
      expect(Math.abs(O.view[s * 2 * n + n + i]! - Math.exp(2 * rho) * 4)).toBeLessThan(1e-6 * Math.exp(2 * rho) * 4);
    }
  });
  it("toy1d targets: cos(x) + std * eps", async () => {
    const rt = await freshRuntime();
    const x = [0, 0.5, 2, 6.25, 8], e = [0.5, -1, 0, 2, -0.25];
    const X = rt.arena.f32From(x), E = rt.arena.f32From(e), Y = rt.arena.f32(5);
    rt.wasm.toy1d_targets(X.ptr, E.ptr, Y.ptr, 5, 0.1);
    x.forEach((xi, i) => expect(Y.view[i]).toBe(Math.fround(Math.cos(Math.fround(xi)) + 0.1 * Math.fround(e[i]!))));
  });
});
