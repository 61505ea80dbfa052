// Fixed-grid Brownian increments: the documented counter mapping, statistics, regeneration.
import { beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../src/runtime/load.js";
import { GridBrownian } from "../../../src/sde/brownian/index.js";
import { ArgumentError } from "../../../src/runtime/errors.js";
import { freshRuntime } from "../../helpers/wasm.js";
import { correlation, mean, variance } from "../../random/reference.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

function normals(k0: number, k1: number, c1: number, c2: number, c3: number, n: number): Float32Array {
  return rt.arena.scoped(() => {
    const b = rt.arena.f32(n, false);
    rt.wasm.rng_normal(k0, k1, c1, c2, c3, 0, n, 1, b.ptr);
    return b.toArray();
  });
}

describe("GridBrownian", () => {
  it("step k of dimension i is f32(sqrt(dt)) * z(seed, stream; counter (i >> 2, k, 0, 0)), bit for bit", () => {
    const g = new GridBrownian(rt, { seed: 42, stream: 7, dim: 37, steps: 10, t0: 0.5, t1: 2 });
    const inc = g.readIncrements();
    const sq = Math.fround(Math.sqrt(g.dt));
    for (let k = 0; k < 10; k++) {
      const z = normals(42, 7, k, 0, 0, 37);
      for (let i = 0; i < 37; i++) expect(inc[k * 37 + i]).toBe(Math.fround(sq * z[i]!));
    }
  });

  it("any step regenerates alone, in any order, with the same bits (also on a fresh instance)", async () => {
    const g = new GridBrownian(rt, { seed: 3, dim: 21, steps: 50 });
    const all = g.readIncrements();
    const other = new GridBrownian(await freshRuntime(), { seed: 3, dim: 21, steps: 50 });
    rt.arena.scoped(() => {
      const out = rt.arena.f32(21);
      for (const k of [49, 0, 13, 13, 7, 48, 1]) {
        g.stepIncrement(k, out);
        expect(out.toArray()).toEqual(all.subarray(k * 21, (k + 1) * 21));
        g.increment(g.time(k), g.time(k + 1), out);
        expect(out.toArray()).toEqual(all.subarray(k * 21, (k + 1) * 21));
      }
    });
    expect(other.readIncrements()).toEqual(all);
    expect(g.readIncrements(10, 5)).toEqual(all.subarray(210, 315));
  });

  it("a multi-step increment is the f32 sum of the steps in step order", () => {
    const g = new GridBrownian(rt, { seed: 5, stream: 1, dim: 19, steps: 40 });
    const all = g.readIncrements();
    rt.arena.scoped(() => {
      const out = rt.arena.f32(19);
      g.increment(g.time(3), g.time(11), out);
      for (let i = 0; i < 19; i++) {
        let s = all[3 * 19 + i]!;
        for (let k = 4; k < 11; k++) s = Math.fround(s + all[k * 19 + i]!);
        expect(out.view[i]).toBe(s);
      }
      g.increment(0.5, 0.5, out);
      expect(Array.from(out.view)).toEqual(new Array(19).fill(0));
    });
  });

  it("increments have mean 0 and variance dt; no correlation across steps or dimensions (5 standard errors)", () => {
    const D = 64, steps = 4000;
    const g = new GridBrownian(rt, { seed: 11, stream: 2, dim: D, steps, t1: 2 });
    const x = g.readIncrements();
    const n = D * steps, dt = g.dt;
    expect(Math.abs(mean(x))).toBeLessThan(5 * Math.sqrt(dt / n));
    expect(Math.abs(variance(x) / dt - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // lag-1 and lag-2 across steps, pooled over dimensions
    for (const lag of [1, 2]) {
      const a: number[] = [], b: number[] = [];
      for (let k = 0; k + lag < steps; k++) for (let i = 0; i < D; i++) { a.push(x[k * D + i]!); b.push(x[(k + lag) * D + i]!); }
      expect(Math.abs(correlation(a, b))).toBeLessThan(5 / Math.sqrt(a.length));
    }
    // pairs of dimensions: Box-Muller partners (0,1), same block (1,2), neighbouring blocks (3,4), far (0,63)
    for (const [p, q] of [[0, 1], [1, 2], [3, 4], [0, 63]] as const) {
      const a: number[] = [], b: number[] = [];
      for (let k = 0; k < steps; k++) { a.push(x[k * D + p]!); b.push(x[k * D + q]!); }
      expect(Math.abs(correlation(a, b))).toBeLessThan(5 / Math.sqrt(steps));
    }
  });

  it("Levy areas have variance dt/12 and are independent of the increments", () => {
    const D = 512, steps = 200;
    const g = new GridBrownian(rt, { seed: 9, dim: D, steps });
    const h: number[] = [], w: number[] = [];
    rt.arena.scoped(() => {
      const hb = rt.arena.f32(D), wb = rt.arena.f32(D);
      for (let k = 0; k < steps; k++) {
        g.levyArea(g.time(k), g.time(k + 1), hb);
        g.stepIncrement(k, wb);
        h.push(...hb.view); w.push(...wb.view);
      }
    });
    const n = D * steps;
    expect(Math.abs(variance(h) / (g.dt / 12) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(correlation(h, w))).toBeLessThan(5 / Math.sqrt(n));
  });

  it("rejects bad options and off-grid or multi-step Levy queries with ArgumentErrors", () => {
    expect(() => new GridBrownian(rt, { seed: -1, dim: 2, steps: 3 })).toThrow(/seed must be an integer in \[0, 2\^32\), got -1/);
    expect(() => new GridBrownian(rt, { seed: 1.5, dim: 2, steps: 3 })).toThrow(ArgumentError);
    expect(() => new GridBrownian(rt, { seed: 1, dim: 0, steps: 3 })).toThrow(/dim must be a positive integer, got 0/);
    expect(() => new GridBrownian(rt, { seed: 1, dim: 2, steps: 0 })).toThrow(/steps must be a positive integer/);
    expect(() => new GridBrownian(rt, { seed: 1, dim: 2, steps: 3, t0: 1, t1: 1 })).toThrow(/t0 < t1/);
    const g = new GridBrownian(rt, { seed: 1, dim: 2, steps: 4 });
    rt.arena.scoped(() => {
      const out = rt.arena.f32(2), small = rt.arena.f32(1);
      expect(() => g.increment(0.1, 0.5, out)).toThrow(/time 0.1 is not a point of the grid/);
      expect(() => g.increment(0.5, 0.25, out)).toThrow(/t0 <= s <= t <= t1/);
      expect(() => g.increment(0, 1.25, out)).toThrow(/t0 <= s <= t <= t1/);
      expect(() => g.levyArea(0, 0.5, out)).toThrow(/single steps only; \[0, 0.5\] spans 2 steps/);
      expect(() => g.stepIncrement(4, out)).toThrow(/step must be an integer in \[0, 4\), got 4/);
      expect(() => g.stepIncrement(0, small)).toThrow(/at least 2 floats/);
    });
  });
});
