// Accuracy of the wasm math library against f64 Math over wide ranges, special values, and the
// bit identity of the f32x4 path with its scalar twin.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { mathMap, type MathFnName } from "../../src/nn/math.js";
import { rng } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

const F32_MAX = 3.4028234663852886e38;
const MIN_SUB = 2 ** -149;

/** One unit in the last place of the f32 nearest to v (subnormal spacing below 2^-126). */
function ulp(v: number): number {
  const a = Math.abs(Math.fround(v));
  if (a < 2 ** -126) return MIN_SUB;
  if (!Number.isFinite(a)) return Infinity;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

const sig = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const dsig = (x: number) => { const e = Math.exp(-Math.abs(x)); return e / ((1 + e) * (1 + e)); };

interface Spec { ref: (x: number) => number; maxUlp: number; gen: (r: () => number, i: number) => number }
const logUniform = (lo: number, hi: number) => (r: () => number) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * r());
const lin = (lo: number, hi: number) => (r: () => number) => lo + (hi - lo) * r();
const mixed = (lo: number, hi: number) => (r: () => number, i: number) =>
  i % 3 === 0 ? lin(lo, hi)(r) : (r() < 0.5 ? -1 : 1) * logUniform(1e-30, Math.max(-lo, hi))(r);

// maxUlp: the bound the tests enforce; the README states the measured maxima.
const SPECS: Record<MathFnName, Spec> = {
  exp: { ref: Math.exp, maxUlp: 1, gen: lin(-110, 95) },
  log: { ref: Math.log, maxUlp: 1, gen: logUniform(1e-45, 3e38) },
  log1p: { ref: Math.log1p, maxUlp: 2.5, gen: (r, i) => (i % 2 ? lin(-1, 1e4)(r) : (r() < 0.5 ? -1 : 1) * logUniform(1e-40, 0.99)(r)) },
  sigmoid: { ref: sig, maxUlp: 2.5, gen: mixed(-120, 120) },
  tanh: { ref: Math.tanh, maxUlp: 1.5, gen: mixed(-25, 25) },
  softplus: { ref: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), maxUlp: 3, gen: mixed(-120, 120) },
  dsigmoid: { ref: dsig, maxUlp: 4, gen: mixed(-110, 110) },
  dtanh: { ref: (x) => 4 * dsig(2 * x), maxUlp: 4, gen: mixed(-60, 60) },
};

function run(fn: MathFnName, xs: Float32Array, scalar: boolean): Float32Array {
  return rt.arena.scoped(() => {
    const x = rt.arena.f32From(xs);
    const y = rt.arena.f32(xs.length);
    mathMap(rt, fn, x, y, scalar);
    return y.toArray();
  });
}

const SPECIALS = [0, -0, 1e-45, -1e-45, 1e-38, -1e-38, 1e-10, -1e-10, 0.5, -0.5, 1, -1, 0.625, -0.625,
  10, -10, 88.7, -87.3, 100, -100, 1e4, -1e4, 1e30, -1e30, F32_MAX, -F32_MAX, Infinity, -Infinity];

describe("math library accuracy against f64", () => {
  for (const [fn, spec] of Object.entries(SPECS) as [MathFnName, Spec][]) {
    it(`${fn}: <= ${spec.maxUlp} ulp on 200k random inputs plus specials; finite where the true value is`, () => {
      const n = 200_003;
      const r = rng(0xabc + fn.length);
      const xs = new Float32Array(n + SPECIALS.length);
      for (let i = 0; i < n; i++) xs[i] = spec.gen(r, i);
      xs.set(SPECIALS, n);
      const y = run(fn, xs, false);
      let worst = 0, worstAt = 0;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i]!;
        const want = spec.ref(x);
        if (Number.isNaN(want)) { expect(y[i], `${fn}(${x})`).toBeNaN(); continue; }
        const wantF = Math.fround(want);
        if (!Number.isFinite(wantF)) { expect(y[i], `${fn}(${x})`).toBe(wantF); continue; }
        expect(Number.isFinite(y[i]!), `${fn}(${x}) = ${y[i]} must be finite (true value ${want})`).toBe(true);
        const e = Math.abs(y[i]! - want) / ulp(want);
        if (e > worst) { worst = e; worstAt = x; }
      }
      console.log(`${fn}: worst ${worst.toFixed(3)} ulp at x = ${worstAt}`);
      expect(worst, `${fn}: worst ${worst.toFixed(3)} ulp at x = ${worstAt}`).toBeLessThanOrEqual(spec.maxUlp);
    });
  }

  it("special values follow IEEE conventions", () => {
    const xs = new Float32Array([0, -0, -1, Infinity, -Infinity, NaN]);
    const lg = run("log", xs, false);
    expect(Array.from(lg)).toEqual([-Infinity, -Infinity, NaN, Infinity, NaN, NaN]);
    const ex = run("exp", xs, false);
    expect(Array.from(ex)).toEqual([1, 1, Math.fround(Math.exp(-1)), Infinity, 0, NaN]);
    const l1 = run("log1p", new Float32Array([-1, -2, Infinity, -0]), false);
    expect(l1[0]).toBe(-Infinity);
    expect(l1[1]).toBeNaN();
    expect(l1[2]).toBe(Infinity);
    expect(Object.is(l1[3], -0)).toBe(true);
    expect(Array.from(run("sigmoid", new Float32Array([Infinity, -Infinity]), false))).toEqual([1, 0]);
    expect(Array.from(run("tanh", new Float32Array([Infinity, -Infinity, 1e30]), false))).toEqual([1, -1, 1]);
    expect(Array.from(run("softplus", new Float32Array([Infinity, -Infinity, 1e30]), false))).toEqual([Infinity, 0, 1e30].map(Math.fround));
  });

  it("exp underflows gradually: subnormal results are within one subnormal step", () => {
    const xs = new Float32Array(2000);
    for (let i = 0; i < xs.length; i++) xs[i] = -87.5 - (16.5 * i) / xs.length; // e^x from 1e-38 down to 1e-45
    const y = run("exp", xs, false);
    for (let i = 0; i < xs.length; i++) expect(Math.abs(y[i]! - Math.exp(xs[i]!))).toBeLessThanOrEqual(MIN_SUB);
  });
});

describe("f32x4 and scalar twins", () => {
  for (const fn of Object.keys(SPECS) as MathFnName[]) {
    // NaN results (log/log1p of negatives) may carry any NaN payload (wasm spec): compared as NaN.
    it(`${fn}: identical bits on 100k inputs`, () => {
      const r = rng(77);
      const xs = new Float32Array(100_000);
      for (let i = 0; i < xs.length; i++) xs[i] = (r() < 0.5 ? -1 : 1) * Math.exp(-40 + 130 * r());
      const fa = run(fn, xs, false), fb = run(fn, xs, true);
      const a = new Uint32Array(fa.buffer), b = new Uint32Array(fb.buffer);
      let diff = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(fa[i]) && Number.isNaN(fb[i]))) diff++;
      expect(diff).toBe(0);
    });
  }
});
