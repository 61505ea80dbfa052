// Standard normals from Philox words (Box-Muller in f32x4): accuracy against an f64 reference of the
// documented map, and distribution tests with fixed seeds.
import { beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import { freshRuntime } from "../helpers/wasm.js";
import { mean, normalCdf, normalRef, variance } from "./reference.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

function normals(r: Runtime, k0: number, k1: number, c1: number, c2: number, c3: number, first: number, n: number): Float32Array {
  return r.arena.scoped(() => {
    const b = r.arena.f32(n, false);
    r.wasm.rng_normal(k0, k1, c1, c2, c3, first, n, 1, b.ptr);
    return b.toArray();
  });
}

describe("normals", () => {
  it("match the f64 Box-Muller reference of the documented mapping within 5e-7 * max(1, |z|) (65536 draws; measured 1.7e-7)", () => {
    const n = 65536;
    const z = normals(rt, 2024, 3, 9, 1, 5, 0, n);
    let worst = 0;
    for (let e = 0; e < n; e++) {
      const ref = normalRef(2024, 3, 9, 1, 5, e);
      worst = Math.max(worst, Math.abs(z[e]! - ref) / Math.max(1, Math.abs(ref)));
    }
    expect(worst).toBeLessThan(5e-7);
  });

  it("element e of a window starting at `first` is element first + e of the stream", () => {
    const all = normals(rt, 5, 6, 7, 8, 9, 0, 200);
    for (const [first, n] of [[1, 3], [13, 40], [16, 16], [31, 100], [77, 1]] as const) {
      expect(normals(rt, 5, 6, 7, 8, 9, first, n)).toEqual(all.subarray(first, first + n));
    }
  });

  it("Kolmogorov-Smirnov against N(0,1) on 2^20 draws: D < 1.63 / sqrt(n) (alpha = 0.01)", () => {
    const n = 1 << 20;
    const z = Float64Array.from(normals(rt, 1, 0, 0, 0, 0, 0, n)).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(z[i]!);
      d = Math.max(d, (i + 1) / n - f, f - i / n);
    }
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
  });

  it("mean, variance, skewness and kurtosis within 5 standard errors on 2^22 draws; 3- and 4-sigma tails", () => {
    const n = 1 << 22;
    const z = normals(rt, 77, 1, 2, 0, 0, 0, n);
    const m = mean(z), v = variance(z);
    let m3 = 0, m4 = 0, over3 = 0, over4 = 0, maxAbs = 0;
    for (let i = 0; i < n; i++) {
      const x = z[i]!, a = Math.abs(x);
      m3 += x ** 3; m4 += x ** 4;
      if (a > 3) over3++;
      if (a > 4) over4++;
      maxAbs = Math.max(maxAbs, a);
    }
    m3 /= n; m4 /= n;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // P(|Z| > 3) = 2.6997960632601e-3, P(|Z| > 4) = 6.334248366623996e-5 (erfc(3/sqrt2), erfc(4/sqrt2)).
    for (const [count, p] of [[over3, 2.6997960632601e-3], [over4, 6.334248366623996e-5]] as const) {
      const expected = n * p, sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(count - expected)).toBeLessThan(5 * sd);
    }
    expect(maxAbs).toBeLessThanOrEqual(6.7637); // sqrt(-2 ln 2^-33): the largest reachable |z|
    expect(maxAbs).toBeGreaterThan(4.5);
  });

  it("the two normals of a Box-Muller pair and neighbouring elements are uncorrelated (also in their squares)", () => {
    const n = 1 << 20;
    const z = normals(rt, 8, 8, 8, 8, 8, 0, n);
    for (const [a, b] of [[0, 1], [2, 3], [1, 2], [0, 4], [3, 4]] as const) {
      let sxy = 0, sqq = 0, m = 0;
      for (let i = 0; i + 8 <= n; i += 8) {
        const x = z[i + a]!, y = z[i + b]!;
        sxy += x * y; sqq += (x * x - 1) * (y * y - 1); m++;
      }
      expect(Math.abs(sxy / m)).toBeLessThan(5 / Math.sqrt(m));
      expect(Math.abs(sqq / m)).toBeLessThan(5 * 2 / Math.sqrt(m));
    }
  });

  it("different seeds, streams, steps and domains give different streams", () => {
    const base = normals(rt, 1, 1, 1, 1, 1, 0, 64);
    const variants: [number, number, number, number, number][] =
      [[2, 1, 1, 1, 1], [1, 2, 1, 1, 1], [1, 1, 2, 1, 1], [1, 1, 1, 2, 1], [1, 1, 1, 1, 2]];
    for (const [k0, k1, c1, c2, c3] of variants) {
      const other = normals(rt, k0, k1, c1, c2, c3, 0, 64);
      let equal = 0;
      for (let i = 0; i < 64; i++) if (other[i] === base[i]) equal++;
      expect(equal).toBe(0);
    }
  });
});
