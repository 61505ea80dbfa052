// Virtual Brownian tree: the documented construction (f64 reference), Brownian statistics,
// additivity, Levy area, and query-order independence.
import { beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../src/runtime/load.js";
import { VirtualBrownianTree } from "../../../src/sde/brownian/index.js";
import { freshRuntime } from "../../helpers/wasm.js";
import { correlation, mean, variance } from "../../random/reference.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

const DOMAIN_TREE = 2;

/** W and H over [s, t] from the tree, as f32 arrays. */
function query(tree: VirtualBrownianTree, s: number, t: number, r: Runtime = rt): { w: Float32Array; h: Float32Array } {
  return r.arena.scoped(() => {
    const w = r.arena.f32(tree.dim), h = r.arena.f32(tree.dim);
    tree.incrementAndLevyArea(s, t, w, h);
    return { w: w.toArray(), h: h.toArray() };
  });
}

/**
 * f64 re-implementation of the construction documented in assembly/brownian/tree.ts, walking from
 * t0 (no common-node shortcut), with the normals read from rng_normal at the documented counters.
 */
function referenceTree(seed: number, stream: number, depth: number, D: number, t0: number, t1: number) {
  const cache = new Map<string, Float32Array>();
  const z = (i: number, code: number, e: number): number => {
    const key = `${i}:${code}`;
    let v = cache.get(key);
    if (!v) {
      v = rt.arena.scoped(() => {
        const b = rt.arena.f32(D, false);
        rt.wasm.rng_normal(seed, stream, i, code, DOMAIN_TREE, 0, D, 1, b.ptr);
        return b.toArray();
      });
      cache.set(key, v);
    }
    return v[e]!;
  };
  const L = t1 - t0, cells = 2 ** depth;
  const walk = (x: number, e: number): [number, number] => {
    const p = Math.min(Math.max((x - t0) / L * cells, 0), cells);
    const j = Math.min(Math.floor(p), cells - 1), u = p - j;
    let Wa = 0, Fa = 0, Wn = Math.sqrt(L) * z(0, 0, e), Hn = Math.sqrt(L / 12) * z(0, 1, e), h = L;
    for (let d = 0; d < depth; d++) {
      const i = Math.floor(j / 2 ** (depth - d));
      const dd = 3 * Hn + Math.sqrt(h) / 2 * z(i, 2 + 2 * d, e);
      const hs = 2 * Hn - dd / 2, hd = Math.sqrt(h / 12) * z(i, 3 + 2 * d, e);
      const W1 = (Wn + dd) / 2, W2 = (Wn - dd) / 2, H1 = (hs + hd) / 2, H2 = (hs - hd) / 2;
      h /= 2;
      if (Math.floor(j / 2 ** (depth - 1 - d)) % 2 === 1) {
        Fa += h * (Wa + H1 + W1 / 2); Wa += W1; Wn = W2; Hn = H2;
      } else { Wn = W1; Hn = H1; }
    }
    return [Wa + u * Wn + 6 * u * (1 - u) * Hn, Fa + h * (Wa * u + Wn * u * u / 2 + Hn * u * u * (3 - 2 * u))];
  };
  return (s: number, t: number, e: number): [number, number] => {
    const [Ws, Fs] = walk(s, e), [Wt, Ft] = walk(t, e);
    const hq = t - s, W = Wt - Ws;
    return [W, hq > 0 ? (Ft - Fs - hq * Ws) / hq - W / 2 : 0];
  };
}

describe("VirtualBrownianTree", () => {
  it("equals an f64 re-implementation of the documented construction (W and H within 1e-6 relative + 1e-9)", () => {
    const D = 9;
    for (const [depth, t0, t1] of [[6, 0, 1], [20, -1, 3], [0, 0, 2], [13, 0.25, 0.75]] as const) {
      const tree = new VirtualBrownianTree(rt, { seed: 314, stream: 15, dim: D, depth, t0, t1 });
      const ref = referenceTree(314, 15, depth, D, t0, t1);
      const L = t1 - t0;
      const pts: [number, number][] = [[0, 1], [0, 0.5], [0.25, 0.5], [0.1, 0.37], [0.37, 0.3700001],
        [0.5, 1], [0.999, 1], [0.3, 0.3], [0.123456, 0.876543]];
      for (const [a, b] of pts) {
        const s = t0 + a * L, t = t0 + b * L;
        const got = query(tree, s, t);
        for (let e = 0; e < D; e++) {
          const [W, H] = ref(s, t, e);
          expect(Math.abs(got.w[e]! - W)).toBeLessThanOrEqual(1e-6 * Math.abs(W) + 1e-9);
          expect(Math.abs(got.h[e]! - H)).toBeLessThanOrEqual(1e-6 * Math.abs(H) + 1e-9);
        }
      }
    }
  });

  it("queries give the same bits in any order and number, on any instance", async () => {
    const opts = { seed: 77, stream: 3, dim: 7, depth: 20 };
    const a = new VirtualBrownianTree(rt, opts);
    const rb = await freshRuntime();
    const b = new VirtualBrownianTree(rb, opts);
    const qs: [number, number][] = [];
    let x = 12345;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 40; k++) { const u = rnd(), v = rnd(); qs.push([Math.min(u, v), Math.max(u, v)]); }
    const first = qs.map(([s, t]) => query(a, s, t));
    for (let k = qs.length - 1; k >= 0; k--) {
      query(b, rnd(), 1, rb); // unrelated queries in between
      const [s, t] = qs[k]!;
      const again = query(b, s, t, rb);
      expect(again.w).toEqual(first[k]!.w);
      expect(again.h).toEqual(first[k]!.h);
    }
  });

  it("a deeper tree refines a shallower one: identical bits at dyadic points of the coarse tree", () => {
    const coarse = new VirtualBrownianTree(rt, { seed: 5, dim: 6, depth: 8 });
    const fine = new VirtualBrownianTree(rt, { seed: 5, dim: 6, depth: 20 });
    for (const [s, t] of [[0, 1], [0, 0.5], [0.25, 0.5], [3 / 256, 200 / 256], [0.5, 129 / 256], [0.75, 1], [1, 1]]) {
      const c = query(coarse, s!, t!), f = query(fine, s!, t!);
      expect(f.w).toEqual(c.w);
      expect(f.h).toEqual(c.h);
    }
    // W(t0, t1) is the root's value f32(sqrt(L) z) with z the normal at counter (e >> 2, 0, 0, DOMAIN_TREE)
    const z = rt.arena.scoped(() => {
      const b = rt.arena.f32(6);
      rt.wasm.rng_normal(5, 0, 0, 0, DOMAIN_TREE, 0, 6, 1, b.ptr);
      return b.toArray();
    });
    expect(query(fine, 0, 1).w).toEqual(z.map((v) => Math.fround(Math.sqrt(1) * v)));
    expect(Array.from(query(fine, 1, 1).w)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("W(s,u) = W(s,t) + W(t,u) to f32 rounding, and the Levy areas combine exactly like integrals", () => {
    const D = 1000;
    const tree = new VirtualBrownianTree(rt, { seed: 8, stream: 1, dim: D, depth: 20, t0: 0, t1: 2 });
    for (const [s, t, u] of [[0.1, 0.37, 0.8], [0, 1, 2], [0.5, 0.5 + 2 ** -12, 0.5 + 2 ** -11], [1.3, 1.30001, 1.9]] as const) {
      const a = query(tree, s, t), b = query(tree, t, u), c = query(tree, s, u);
      const h1 = t - s, h2 = u - t, h = u - s;
      for (let e = 0; e < D; e++) {
        const w1 = a.w[e]!, w2 = b.w[e]!, w = c.w[e]!;
        expect(Math.abs(w - (w1 + w2))).toBeLessThanOrEqual(2 ** -23 * (Math.abs(w) + Math.abs(w1) + Math.abs(w2)));
        // h (H + W/2) = h1 (H1 + W1/2) + h2 W1 + h2 (H2 + W2/2)   (integrals of W_{s,r} dr)
        const lhs = h * (c.h[e]! + w / 2), rhs = h1 * (a.h[e]! + w1 / 2) + h2 * w1 + h2 * (b.h[e]! + w2 / 2);
        const scale = h * (Math.abs(c.h[e]!) + Math.abs(w)) + h1 * (Math.abs(a.h[e]!) + Math.abs(w1)) + h2 * (Math.abs(b.h[e]!) + Math.abs(w2));
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(4 * 2 ** -23 * scale);
      }
    }
  });

  const D = 50000; // independent coordinates as samples; 5 standard errors of a variance = 5 sqrt(2/D) = 3.2%
  const tol = 5 * Math.sqrt(2 / D), ctol = 5 / Math.sqrt(D);

  it("increments have mean 0 and variance t - s; disjoint increments are uncorrelated", () => {
    const tree = new VirtualBrownianTree(rt, { seed: 21, dim: D, depth: 20 });
    for (const [s, t] of [[0, 1], [0.1, 0.37], [0.5, 0.5 + 2 ** -10], [0.3, 0.3001]] as const) {
      const w = query(tree, s, t).w;
      expect(Math.abs(mean(w))).toBeLessThan(5 * Math.sqrt((t - s) / D));
      expect(Math.abs(variance(w) / (t - s) - 1)).toBeLessThan(tol);
    }
    for (const [a, b, c, d] of [[0.1, 0.37, 0.37, 0.8], [0.2, 0.3, 0.6, 0.9], [0, 0.5, 0.5, 1]] as const) {
      expect(Math.abs(correlation(query(tree, a, b).w, query(tree, c, d).w))).toBeLessThan(ctol);
    }
  });

  it("bridge: W(s,t) - (t-s)/(u-s) W(s,u) has variance (t-s)(u-t)/(u-s) and is uncorrelated with W(s,u)", () => {
    const tree = new VirtualBrownianTree(rt, { seed: 22, dim: D, depth: 20 });
    for (const [s, t, u] of [[0.1, 0.37, 0.8], [0.25, 0.5, 0.75], [0, 0.5, 1], [0.4, 0.40003, 0.4001]] as const) {
      const a = query(tree, s, t).w, c = query(tree, s, u).w;
      const r = a.map((x, e) => x - (t - s) / (u - s) * c[e]!);
      expect(Math.abs(variance(r) / ((t - s) * (u - t) / (u - s)) - 1)).toBeLessThan(tol);
      expect(Math.abs(correlation(r, c))).toBeLessThan(ctol);
    }
  });

  it("space-time Levy area: variance (t-s)/12, uncorrelated with W(s,t) and across disjoint intervals", () => {
    const tree = new VirtualBrownianTree(rt, { seed: 23, dim: D, depth: 20 });
    for (const [s, t] of [[0, 1], [0.25, 0.5], [0.1, 0.37], [0.3, 0.3001]] as const) {
      const { w, h } = query(tree, s, t);
      expect(Math.abs(mean(h))).toBeLessThan(5 * Math.sqrt((t - s) / 12 / D));
      expect(Math.abs(variance(h) / ((t - s) / 12) - 1)).toBeLessThan(tol);
      expect(Math.abs(correlation(h, w))).toBeLessThan(ctol);
    }
    expect(Math.abs(correlation(query(tree, 0.1, 0.37).h, query(tree, 0.37, 0.8).h))).toBeLessThan(ctol);
    expect(Math.abs(correlation(query(tree, 0, 0.5).h, query(tree, 0, 1).w))).toBeLessThan(ctol * 1.0);
  });

  it("depth from tol, W(t0) = 0, readIncrements, and ArgumentErrors naming the problem", () => {
    expect(new VirtualBrownianTree(rt, { seed: 1, dim: 1, tol: 1e-3 }).depth).toBe(10);
    expect(new VirtualBrownianTree(rt, { seed: 1, dim: 1, t1: 4, tol: 1 }).depth).toBe(2);
    expect(new VirtualBrownianTree(rt, { seed: 1, dim: 1 }).depth).toBe(20);
    expect(() => new VirtualBrownianTree(rt, { seed: 1, dim: 1, tol: 1e-12 })).toThrow(/needs a tree deeper than 30 levels/);
    expect(() => new VirtualBrownianTree(rt, { seed: 1, dim: 1, depth: 31 })).toThrow(/depth must be an integer in \[0, 30\], got 31/);
    expect(() => new VirtualBrownianTree(rt, { seed: 2 ** 32, dim: 1 })).toThrow(/seed must be an integer/);
    const tree = new VirtualBrownianTree(rt, { seed: 4, dim: 3, t0: 1, t1: 2 });
    rt.arena.scoped(() => {
      const out = rt.arena.f32(3);
      tree.value(1, out);
      expect(Array.from(out.view)).toEqual([0, 0, 0]);
      expect(() => tree.increment(0.5, 1.5, out)).toThrow(/t0 <= s <= t <= t1 with \[t0, t1\] = \[1, 2\], got s = 0.5/);
      expect(() => tree.increment(1.6, 1.5, out)).toThrow(/t0 <= s <= t <= t1/);
      expect(() => tree.increment(1, 1.5, rt.arena.f32(2))).toThrow(/out must hold at least 3 floats/);
    });
    const times = [1, 1.2, 1.25, 1.9, 2];
    const inc = tree.readIncrements(times);
    expect(inc.length).toBe(12);
    for (let k = 0; k < 4; k++) expect(inc.subarray(3 * k, 3 * k + 3)).toEqual(query(tree, times[k]!, times[k + 1]!).w);
  });
});

describe("VirtualBrownianTree: Levy area of tiny intervals at depth 30", () => {
  /** (W, H) of finest cell j (f64, the documented splits) for every element, from the root down. */
  function cellValues(seed: number, D: number, depth: number, L: number) {
    const z = (i: number, code: number): Float32Array => rt.arena.scoped(() => {
      const b = rt.arena.f32(D, false);
      rt.wasm.rng_normal(seed, 0, i, code, DOMAIN_TREE, 0, D, 1, b.ptr);
      return b.toArray();
    });
    return (j: number): { W: Float64Array; H: Float64Array } => {
      const r0 = z(0, 0), r1 = z(0, 1);
      const W = Float64Array.from(r0, (v) => Math.sqrt(L) * v), H = Float64Array.from(r1, (v) => Math.sqrt(L / 12) * v);
      let h = L;
      for (let d = 0; d < depth; d++) {
        const i = Math.floor(j / 2 ** (depth - d));
        const z1 = z(i, 2 + 2 * d), z2 = z(i, 3 + 2 * d);
        const right = Math.floor(j / 2 ** (depth - 1 - d)) % 2 === 1;
        for (let e = 0; e < D; e++) {
          const dd = 3 * H[e]! + Math.sqrt(h) / 2 * z1[e]!;
          const hs = 2 * H[e]! - dd / 2, hd = Math.sqrt(h / 12) * z2[e]!;
          W[e] = right ? (W[e]! - dd) / 2 : (W[e]! + dd) / 2;
          H[e] = right ? (hs - hd) / 2 : (hs + hd) / 2;
        }
        h /= 2;
      }
      return { W, H };
    };
  }

  /**
   * Exact recombination in f64, relative to s: the pieces of the finest cells covering [s, t]
   * (each the conditional-mean quadratic of its cell) joined by Chen's relation
   * I10(a, c) = I10(a, b) + I10(b, c) + (c - b) W(a, b).
   */
  function recombined(seed: number, D: number, s: number, t: number) {
    const depth = 30, L = 1, cells = 2 ** depth, hb = L / cells;
    const cell = cellValues(seed, D, depth, L);
    const ps = s * cells, pt = t * cells;
    const js = Math.floor(ps), jt = Math.min(Math.floor(pt), cells - 1);
    const w = (v: number, W: number, H: number) => v * W + 6 * v * (1 - v) * H;
    const A = (v: number, W: number, H: number) => W * v * v / 2 + H * (3 * v * v - 2 * v * v * v);
    const Wacc = new Float64Array(D), Iacc = new Float64Array(D);
    for (let j = js; j <= jt; j++) {
      const u1 = j === js ? ps - js : 0, u2 = j === jt ? pt - jt : 1;
      if (!(u2 > u1)) continue;
      const { W, H } = cell(j);
      for (let e = 0; e < D; e++) {
        const dw = w(u2, W[e]!, H[e]!) - w(u1, W[e]!, H[e]!);
        const di = hb * (A(u2, W[e]!, H[e]!) - A(u1, W[e]!, H[e]!) - (u2 - u1) * w(u1, W[e]!, H[e]!));
        Iacc[e] += di + (u2 - u1) * hb * Wacc[e]!;
        Wacc[e] += dw;
      }
    }
    const h = (pt - ps) * hb;
    return { w: Wacc, h: Float64Array.from(Iacc, (v, e) => v / h - Wacc[e]! / 2) };
  }

  const D = 16;
  const cases: [string, number, number][] = [
    ["h = 1e-8 across 0.5", 0.5 - 3e-9, 0.5 + 7e-9],
    ["h = 1e-9 across 0.5", 0.5 - 4e-10, 0.5 + 6e-10],
    ["h = 1e-8 ending at t1", 1 - 1e-8, 1],
    ["h = 1e-9 ending at t1", 1 - 1e-9, 1],
    ["h = 1e-8 across 0.25 + 2^-20", 0.25 + 2 ** -20 - 5e-9, 0.25 + 2 ** -20 + 5e-9],
    ["h = 1e-8 inside one half", 0.3, 0.3 + 1e-8],
  ];
  for (const [name, s, t] of cases) {
    it(`${name}: W and H within 1e-5 sd of the exact recombination`, () => {
      const tree = new VirtualBrownianTree(rt, { seed: 31, dim: D, depth: 30 });
      const got = query(tree, s, t), ref = recombined(31, D, s, t);
      const sdW = Math.sqrt(t - s), sdH = Math.sqrt((t - s) / 12);
      let errW = 0, errH = 0;
      for (let e = 0; e < D; e++) {
        errW = Math.max(errW, Math.abs(got.w[e]! - ref.w[e]!) / sdW);
        errH = Math.max(errH, Math.abs(got.h[e]! - ref.h[e]!) / sdH);
      }
      console.log(`${name}: max |error| / sd: W ${errW.toExponential(2)}, H ${errH.toExponential(2)}`);
      expect(errW).toBeLessThan(1e-5);
      expect(errH).toBeLessThan(1e-5);
    });
  }
});
