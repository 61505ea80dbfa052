// Sample moments, the finiteness scan and the cosine schedule against f64 references.
import { describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";

describe("statistics kernels", () => {
  it("sample_moments matches f64 mean / sqrt(population variance + extra) per column", async () => {
    const rt = await freshRuntime();
    const S = 7, N = 13, g = gaussianStream(3);
    const x = Float32Array.from({ length: S * N }, () => 3 + 2 * g());
    const X = rt.arena.f32From(x), M = rt.arena.f32(N), SD = rt.arena.f32(N);
    rt.wasm.sample_moments(X.ptr, S, N, M.ptr, SD.ptr, 0.25);
    for (let j = 0; j < N; j++) {
      let m = 0; for (let s = 0; s < S; s++) m += x[s * N + j]!; m /= S;
      let v = 0; for (let s = 0; s < S; s++) v += (x[s * N + j]! - m) ** 2;
      expect(Math.abs(M.view[j]! - m)).toBeLessThan(1e-6 * Math.abs(m));
      expect(Math.abs(SD.view[j]! - Math.sqrt(v / S + 0.25))).toBeLessThan(1e-6 * Math.sqrt(v / S + 0.25));
    }
  });
  it("mixture_moments: law of total variance of S x 2 x N (values, noise variances) against f64 sums", async () => {
    const rt = await freshRuntime();
    const S = 5, N = 9, g = gaussianStream(8);
    const x = new Float32Array(S * 2 * N);
    for (let s = 0; s < S; s++) for (let j = 0; j < N; j++) { x[s * 2 * N + j] = 1 + g(); x[s * 2 * N + N + j] = 0.1 + g() ** 2; }
    const X = rt.arena.f32From(x), M = rt.arena.f32(N), E = rt.arena.f32(N), A = rt.arena.f32(N), T = rt.arena.f32(N);
    rt.wasm.mixture_moments(X.ptr, S, N, M.ptr, E.ptr, A.ptr, T.ptr);
    for (let j = 0; j < N; j++) {
      let m = 0, a = 0; for (let s = 0; s < S; s++) { m += x[s * 2 * N + j]!; a += x[s * 2 * N + N + j]!; }
      m /= S; a /= S;
      let v = 0; for (let s = 0; s < S; s++) v += (x[s * 2 * N + j]! - m) ** 2;
      v /= S;
      const near = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(want)));
      near(M.view[j]!, m); near(E.view[j]!, Math.sqrt(v)); near(A.view[j]!, Math.sqrt(a)); near(T.view[j]!, Math.sqrt(v + a));
    }
  });
  it("first_nonfinite finds NaN and +-Inf at every position and tail length", async () => {
    const rt = await freshRuntime();
    for (const n of [1, 4, 5, 17]) {
      const X = rt.arena.f32(n);
      X.view.fill(1.5);
      expect(rt.wasm.first_nonfinite(X.ptr, n)).toBe(-1);
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (let k = 0; k < n; k++) {
          X.view.fill(-3e38);
          X.view[k] = bad;
          expect(rt.wasm.first_nonfinite(X.ptr, n)).toBe(k);
        }
      }
    }
  });
  it("lr_cosine decays from base to min", async () => {
    const rt = await freshRuntime();
    for (const [step, total] of [[0, 100], [25, 100], [50, 100], [100, 100], [150, 100]] as const) {
      const want = 1e-4 + (1e-3 - 1e-4) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, step / total)));
      expect(Math.abs(rt.wasm.lr_cosine(1e-3, 1e-4, step, total) - want)).toBeLessThan(1e-15);
    }
  });
});
