// ConcatSquashLinear y = (x W + b) * sigmoid(a t + c) + d t: forward against f64, all gradients
// (x, W, b, a, c, d and t) against f64 central differences.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { cslBackward, cslForward } from "../../src/nn/concat_squash.js";
import { ODD_SIZES, buf, expectClose, expectGradClose, f64, finiteDiff, nanBuf, uniform } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

interface P { x: Float64Array; W: Float64Array; b: Float64Array; a: Float64Array; c: Float64Array; d: Float64Array; t: Float64Array }

function cslRef(p: P, rows: number, nin: number, nout: number): Float64Array {
  const y = new Float64Array(rows * nout);
  const t = p.t[0]!;
  for (let o = 0; o < nout; o++) {
    const g = 1 / (1 + Math.exp(-(p.a[o]! * t + p.c[o]!)));
    for (let r = 0; r < rows; r++) {
      let z = p.b[o]!;
      for (let i = 0; i < nin; i++) z += p.x[r * nin + i]! * p.W[i * nout + o]!;
      y[r * nout + o] = z * g + p.d[o]! * t;
    }
  }
  return y;
}

function params(rows: number, nin: number, nout: number, seed: number) {
  return {
    x: uniform(rows * nin, seed), W: uniform(nin * nout, seed + 1, -0.7, 0.7), b: uniform(nout, seed + 2),
    a: uniform(nout, seed + 3, -2, 2), c: uniform(nout, seed + 4, -2, 2), d: uniform(nout, seed + 5),
    t: new Float32Array([Math.fround(0.37 + (seed % 5) * 0.1)]),
  };
}

function check(rows: number, nin: number, nout: number, seed: number, aliasScratch: boolean): void {
  rt.arena.scoped(() => {
    const shape = { rows, inputs: nin, outputs: nout };
    const p = params(rows, nin, nout, seed);
    const t = p.t[0]!;
    const B = { x: buf(rt, p.x), W: buf(rt, p.W), b: buf(rt, p.b), a: buf(rt, p.a), c: buf(rt, p.c), d: buf(rt, p.d) };
    const y = nanBuf(rt, rows * nout), z = nanBuf(rt, rows * nout);
    cslForward(rt, shape, t, { ...B, y, z });
    const pv: P = { x: f64(p.x), W: f64(p.W), b: f64(p.b), a: f64(p.a), c: f64(p.c), d: f64(p.d), t: f64(p.t) };
    expectClose(y.view, cslRef(pv, rows, nin, nout), "csl forward", 1e-5, 1e-1);
    const yNoZ = nanBuf(rt, rows * nout);
    cslForward(rt, shape, t, { ...B, y: yNoZ });
    expect(Array.from(yNoZ.view)).toEqual(Array.from(y.view));

    const dys = uniform(rows * nout, seed + 11);
    const dy = buf(rt, dys), dx = nanBuf(rt, rows * nin), dW = nanBuf(rt, nin * nout);
    const db = nanBuf(rt, nout), da = nanBuf(rt, nout), dc = nanBuf(rt, nout), dd = nanBuf(rt, nout);
    const scratch = aliasScratch ? z : nanBuf(rt, rows * nout);
    const dt = cslBackward(rt, shape, t, { x: B.x, W: B.W, a: B.a, c: B.c, d: B.d, z, dy, dx, dW, db, da, dc, dd, scratch });
    const loss = () => { const o = cslRef(pv, rows, nin, nout); let s = 0; for (let i = 0; i < o.length; i++) s += dys[i]! * o[i]!; return s; };
    expectGradClose(dx.view, finiteDiff(pv.x, loss), "dx");
    expectGradClose(dW.view, finiteDiff(pv.W, loss), "dW");
    expectGradClose(db.view, finiteDiff(pv.b, loss), "db");
    expectGradClose(da.view, finiteDiff(pv.a, loss), "da");
    expectGradClose(dc.view, finiteDiff(pv.c, loss), "dc");
    expectGradClose(dd.view, finiteDiff(pv.d, loss), "dd");
    expectGradClose([dt], finiteDiff(pv.t, loss), "dt");
  });
}

describe("ConcatSquashLinear", () => {
  for (const [k, rows] of ODD_SIZES.entries()) {
    const nin = ODD_SIZES[(k + 3) % 6]!, nout = ODD_SIZES[(k + 5) % 6]!;
    it(`rows=${rows} in=${nin} out=${nout}: forward and every gradient`, () => check(rows, nin, nout, 10 * k + 1, false));
  }
  it("scratch aliasing z gives the same gradients (rows=7 in=5 out=17)", () => check(7, 5, 17, 3, true));
  it("hypernetwork shapes: a single row in=1001 -> out=2 and in=2 -> out=1001", () => {
    check(1, 1001, 2, 5, false);
    check(1, 2, 1001, 6, true);
  });

  it("accumulate adds every parameter gradient; dx may be skipped", () => {
    rt.arena.scoped(() => {
      const rows = 3, nin = 5, nout = 7, shape = { rows, inputs: nin, outputs: nout };
      const p = params(rows, nin, nout, 9), t = p.t[0]!;
      const B = { x: buf(rt, p.x), W: buf(rt, p.W), b: buf(rt, p.b), a: buf(rt, p.a), c: buf(rt, p.c), d: buf(rt, p.d) };
      const y = rt.arena.f32(rows * nout), z = rt.arena.f32(rows * nout);
      cslForward(rt, shape, t, { ...B, y, z });
      const dy = buf(rt, uniform(rows * nout, 1));
      const fresh = { dW: rt.arena.f32(nin * nout), db: rt.arena.f32(nout), da: rt.arena.f32(nout), dc: rt.arena.f32(nout), dd: rt.arena.f32(nout) };
      const dt0 = cslBackward(rt, shape, t, { ...B, z, dy, ...fresh, scratch: rt.arena.f32(rows * nout) });
      const priors = Object.fromEntries(Object.entries(fresh).map(([k, v], i) => [k, uniform(v.length, 40 + i)]));
      const acc = Object.fromEntries(Object.entries(priors).map(([k, v]) => [k, buf(rt, v)])) as typeof fresh;
      const dt1 = cslBackward(rt, shape, t, { ...B, z, dy, ...acc, scratch: rt.arena.f32(rows * nout) }, true);
      expect(dt1).toBe(dt0);
      for (const k of Object.keys(fresh) as (keyof typeof fresh)[]) {
        expectClose(acc[k].view, Array.from(priors[k]!, (v, i) => v + fresh[k].view[i]!), `accumulated ${k}`, 1e-5, 1e-1);
      }
    });
  });
});
