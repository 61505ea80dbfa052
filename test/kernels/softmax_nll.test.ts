// log-softmax and fused log-softmax + mean NLL: f64 references, central differences and
// stability at extreme logits.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { logSoftmax, softmaxNll } from "../../src/nn/softmax_nll.js";
import { ArgumentError } from "../../src/runtime/errors.js";
import { ODD_SIZES, buf, expectClose, expectGradClose, f64, finiteDiff, nanBuf, rng, uniform } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

function logSoftmaxRef(z: ArrayLike<number>, rows: number, classes: number): Float64Array {
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, z[r * classes + j]!);
    let s = 0;
    for (let j = 0; j < classes; j++) s += Math.exp(z[r * classes + j]! - m);
    for (let j = 0; j < classes; j++) out[r * classes + j] = z[r * classes + j]! - m - Math.log(s);
  }
  return out;
}

function nllRef(z: ArrayLike<number>, labels: number[], rows: number, classes: number): number {
  const lp = logSoftmaxRef(z, rows, classes);
  let s = 0;
  for (let r = 0; r < rows; r++) s -= lp[r * classes + labels[r]!]!;
  return s / rows;
}

const labelsFor = (rows: number, classes: number, seed: number) => { const r = rng(seed); return Array.from({ length: rows }, () => Math.floor(r() * classes)); };

describe("log-softmax + NLL", () => {
  for (const [k, rows] of ODD_SIZES.entries()) {
    for (const classes of [1, ODD_SIZES[(k + 2) % 6]!, 10]) {
      it(`rows=${rows} classes=${classes}: log-probabilities, loss and gradient`, () => {
        rt.arena.scoped(() => {
          const n = rows * classes, shape = { rows, classes };
          const zs = uniform(n, rows * 31 + classes, -8, 8);
          const labels = labelsFor(rows, classes, k);
          const z = buf(rt, zs), out = nanBuf(rt, n), g = nanBuf(rt, n);
          logSoftmax(rt, shape, z, out);
          expectClose(out.view, logSoftmaxRef(zs, rows, classes), "log-softmax", 1e-5, 1);
          const loss = softmaxNll(rt, shape, z, labels, g);
          expectClose([loss], [nllRef(zs, labels, rows, classes)], "NLL", 1e-5, 1);
          expect(softmaxNll(rt, shape, z, labels)).toBe(loss);
          if (classes === 1) { expect(Array.from(g.view)).toEqual(new Array(n).fill(0)); return; }
          const zv = f64(zs);
          expectGradClose(g.view, finiteDiff(zv, () => nllRef(zv, labels, rows, classes)), "dlogits");
        });
      });
    }
  }

  it("is stable at logits of +-1e4 (and stays exact for a dominant correct class)", () => {
    rt.arena.scoped(() => {
      const rows = 4, classes = 5, shape = { rows, classes };
      const zs = new Float32Array([
        1e4, -1e4, 0, 1e4, -1e4,      // two tied maxima
        -1e4, -1e4, -1e4, -1e4, 1e4,  // label 0 at -1e4: loss 2e4
        1e4, 9999, -1e4, 5, -5,
        -1e4, -1e4, -1e4, -1e4, -1e4, // all equal: log 5
      ]);
      const labels = [0, 0, 1, 3];
      const z = buf(rt, zs), out = rt.arena.f32(rows * classes), g = rt.arena.f32(rows * classes);
      logSoftmax(rt, shape, z, out);
      for (const v of out.view) expect(Number.isFinite(v)).toBe(true);
      expectClose(out.view, logSoftmaxRef(zs, rows, classes), "extreme log-softmax", 1e-6, 1);
      const loss = softmaxNll(rt, shape, z, labels, g);
      expectClose([loss], [nllRef(zs, labels, rows, classes)], "extreme NLL", 1e-6, 1);
      for (const v of g.view) expect(Number.isFinite(v)).toBe(true);
      // each gradient row sums to zero: softmax sums to 1, minus the one-hot
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < classes; j++) s += g.view[r * classes + j]!;
        expect(Math.abs(s)).toBeLessThan(1e-7);
      }
      expect(g.view[5]).toBeCloseTo(-1 / rows, 7);
      expect(g.view[9]).toBeCloseTo(1 / rows, 7);
    });
  });

  it("dlogits may overwrite the logits; log-softmax may run in place", () => {
    rt.arena.scoped(() => {
      const rows = 3, classes = 7, shape = { rows, classes };
      const zs = uniform(rows * classes, 5, -3, 3), labels = [6, 0, 3];
      const g = rt.arena.f32(rows * classes);
      const loss = softmaxNll(rt, shape, buf(rt, zs), labels, g);
      const z = buf(rt, zs);
      expect(softmaxNll(rt, shape, z, labels, z)).toBe(loss);
      expect(Array.from(z.view)).toEqual(Array.from(g.view));
      const a = buf(rt, zs), b = rt.arena.f32(rows * classes);
      logSoftmax(rt, shape, a, b);
      logSoftmax(rt, shape, a, a);
      expect(Array.from(a.view)).toEqual(Array.from(b.view));
    });
  });

  it("rejects labels out of range or of the wrong count", () => {
    rt.arena.scoped(() => {
      const z = rt.arena.f32(6);
      expect(() => softmaxNll(rt, { rows: 2, classes: 3 }, z, [0, 3])).toThrow(ArgumentError);
      expect(() => softmaxNll(rt, { rows: 2, classes: 3 }, z, [0, 3])).toThrow(/'labels\[1\]' must be an integer in \[0, 2\], got 3/);
      expect(() => softmaxNll(rt, { rows: 2, classes: 3 }, z, [0.5, 1])).toThrow(/'labels\[0\]'/);
      expect(() => softmaxNll(rt, { rows: 2, classes: 3 }, z, [0])).toThrow(/'labels' must hold rows = 2 integers, got 1/);
    });
  });
});
