// Activations: forward against f64 scalar references, backward against f64 central differences.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { activationBackward, activationForward, swishBackward, swishForward, type Activation } from "../../src/nn/activation.js";
import { ArgumentError } from "../../src/runtime/errors.js";
import { ODD_SIZES, buf, expectClose, expectGradClose, f64, finiteDiff, nanBuf, uniform } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

const sig = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const REF: Record<Activation, (x: number) => number> = {
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  sigmoid: sig,
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0),
};

/** Inputs away from relu's kink so that central differences are exact there too. */
function inputs(n: number, seed: number): Float32Array {
  const x = uniform(n, seed, -6, 6);
  for (let i = 0; i < n; i++) if (Math.abs(x[i]!) < 0.05) x[i] = 0.5;
  return x;
}

describe("elementwise activations", () => {
  for (const kind of Object.keys(REF) as Activation[]) {
    for (const n of ODD_SIZES) {
      it(`${kind} n=${n}: forward matches f64, backward matches central differences`, () => {
        rt.arena.scoped(() => {
          const xs = inputs(n, n * 13 + kind.length), dys = uniform(n, n + 99);
          const x = buf(rt, xs), y = nanBuf(rt, n), dy = buf(rt, dys), dx = nanBuf(rt, n);
          activationForward(rt, kind, x, y);
          expectClose(y.view, Array.from(xs, REF[kind]), `${kind} forward`, 1e-6, 1e-30);
          activationBackward(rt, kind, x, dy, dx);
          const xv = f64(xs);
          const fd = finiteDiff(xv, () => { let s = 0; for (let i = 0; i < n; i++) s += dys[i]! * REF[kind](xv[i]!); return s; });
          expectGradClose(dx.view, fd, `${kind} dx`);
        });
      });
    }
    it(`${kind}: extreme inputs give finite values and exact limits; in-place matches out-of-place`, () => {
      rt.arena.scoped(() => {
        const xs = new Float32Array([100, -100, 1e4, -1e4, 3e38, -3e38, 20, -20, 1e-20, -1e-20, 0.3]);
        const x = buf(rt, xs), y = rt.arena.f32(xs.length), dy = buf(rt, new Float32Array(xs.length).fill(1)), dx = rt.arena.f32(xs.length);
        activationForward(rt, kind, x, y);
        for (let i = 0; i < xs.length; i++) {
          const want = Math.fround(REF[kind](xs[i]!));
          expect(Number.isFinite(y.view[i]!), `${kind}(${xs[i]})`).toBe(true);
          expect(Math.abs(y.view[i]! - want)).toBeLessThanOrEqual(4e-7 * Math.abs(want));
        }
        activationBackward(rt, kind, x, dy, dx);
        for (let i = 0; i < xs.length; i++) expect(Number.isFinite(dx.view[i]!)).toBe(true);
        const inPlace = buf(rt, xs);
        activationForward(rt, kind, inPlace, inPlace);
        expect(Array.from(inPlace.view)).toEqual(Array.from(y.view));
        const g = buf(rt, new Float32Array(xs.length).fill(1));
        activationBackward(rt, kind, x, g, g);
        expect(Array.from(g.view)).toEqual(Array.from(dx.view));
      });
    });
  }

  it("relu passes the gradient only where x > 0 (0 at x = 0)", () => {
    rt.arena.scoped(() => {
      const x = buf(rt, [-1, 0, -0, 2, 1e-30]), dy = buf(rt, [5, 6, 7, 8, 9]), dx = nanBuf(rt, 5);
      activationBackward(rt, "relu", x, dy, dx);
      expect(Array.from(dx.view)).toEqual([0, 0, 0, 8, 9]);
    });
  });
});

describe("swish with a trainable beta per unit", () => {
  const swish = (x: number, b: number) => x * sig(b * x);
  const SHAPES: [number, number][] = [[1, 1], [3, 5], [5, 7], [7, 17], [31, 3], [17, 31], [1, 31]];
  for (const [rows, units] of SHAPES) {
    it(`rows=${rows} units=${units}: forward, dx and dbeta against f64`, () => {
      rt.arena.scoped(() => {
        const n = rows * units;
        const xs = uniform(n, rows * 7 + units, -5, 5), bs = uniform(units, units + 3, -1, 2), dys = uniform(n, n + 5);
        const x = buf(rt, xs), beta = buf(rt, bs), y = nanBuf(rt, n), dy = buf(rt, dys);
        const dx = nanBuf(rt, n), dbeta = nanBuf(rt, units);
        swishForward(rt, { rows, units }, x, beta, y);
        const want = Array.from(xs, (v, i) => swish(v, bs[i % units]!));
        expectClose(y.view, want, "swish forward", 1e-6, 1e-7);
        swishBackward(rt, { rows, units }, { x, beta, dy, dx, dbeta });
        const xv = f64(xs), bv = f64(bs);
        const loss = () => { let s = 0; for (let i = 0; i < n; i++) s += dys[i]! * swish(xv[i]!, bv[i % units]!); return s; };
        expectGradClose(dx.view, finiteDiff(xv, loss), "swish dx");
        expectGradClose(dbeta.view, finiteDiff(bv, loss), "swish dbeta");
      });
    });
  }

  it("f32x4 blocks and the scalar tail give the same bits (8 units at once vs one unit per call)", () => {
    rt.arena.scoped(() => {
      const units = 8;
      const x = buf(rt, uniform(units, 21, -9, 9)), beta = buf(rt, uniform(units, 22, -2, 2)), dy = buf(rt, uniform(units, 23));
      const y = rt.arena.f32(units), dx = rt.arena.f32(units), db = rt.arena.f32(units);
      const y1 = rt.arena.f32(units), dx1 = rt.arena.f32(units), db1 = rt.arena.f32(units);
      rt.wasm.swish_forward(x.ptr, beta.ptr, y.ptr, 1, units);
      rt.wasm.swish_backward(x.ptr, beta.ptr, dy.ptr, dx.ptr, db.ptr, 1, units, 0);
      for (let u = 0; u < units; u++) {
        const o = 4 * u;
        rt.wasm.swish_forward(x.ptr + o, beta.ptr + o, y1.ptr + o, 1, 1);
        rt.wasm.swish_backward(x.ptr + o, beta.ptr + o, dy.ptr + o, dx1.ptr + o, db1.ptr + o, 1, 1, 0);
      }
      expect(Array.from(y1.view)).toEqual(Array.from(y.view));
      expect(Array.from(dx1.view)).toEqual(Array.from(dx.view));
      expect(Array.from(db1.view)).toEqual(Array.from(db.view));
    });
  });

  it("accumulate adds into dbeta; dx may be omitted", () => {
    rt.arena.scoped(() => {
      const rows = 5, units = 7, n = rows * units;
      const x = buf(rt, uniform(n, 1, -3, 3)), beta = buf(rt, uniform(units, 2)), dy = buf(rt, uniform(n, 3));
      const fresh = rt.arena.f32(units);
      swishBackward(rt, { rows, units }, { x, beta, dy, dbeta: fresh });
      const prior = uniform(units, 4);
      const acc = buf(rt, prior);
      swishBackward(rt, { rows, units }, { x, beta, dy, dbeta: acc }, true);
      expectClose(acc.view, Array.from(prior, (p, i) => p + fresh.view[i]!), "accumulated dbeta", 1e-5, 1e-3);
    });
  });

  it("rejects mismatched shapes with an ArgumentError naming the buffer", () => {
    rt.arena.scoped(() => {
      const x = rt.arena.f32(6), beta = rt.arena.f32(2), y = rt.arena.f32(6);
      expect(() => swishForward(rt, { rows: 2, units: 3 }, x, beta, y)).toThrow(ArgumentError);
      expect(() => swishForward(rt, { rows: 2, units: 3 }, x, beta, y)).toThrow(/'beta' must hold units = 3 f32 values, got 2/);
      expect(() => activationForward(rt, "gelu" as Activation, x, y)).toThrow(/'kind' must be one of/);
      expect(() => activationForward(rt, "tanh", x, beta)).toThrow(/'y' must hold x.length = 6 f32 values, got 2/);
    });
  });
});
