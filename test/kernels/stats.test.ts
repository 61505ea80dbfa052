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
