// Dense layer: forward against an f64 loop, every gradient against f64 central differences.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { denseBackward, denseForward } from "../../src/nn/dense.js";
import { ArgumentError } from "../../src/runtime/errors.js";
import { F32Buffer } from "../../src/runtime/memory.js";
import { ODD_SIZES, buf, expectClose, expectGradClose, f64, finiteDiff, nanBuf, uniform } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

/** y = x W + b in f64. */
export function denseRef(x: ArrayLike<number>, W: ArrayLike<number>, b: ArrayLike<number> | null,
                         rows: number, nin: number, nout: number): Float64Array {
  const y = new Float64Array(rows * nout);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < nout; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < nin; i++) s += x[r * nin + i]! * W[i * nout + o]!;
      y[r * nout + o] = s;
    }
  }
  return y;
}

const SHAPES: [number, number, number][] = [];
for (const s of ODD_SIZES) SHAPES.push([s, ODD_SIZES[(ODD_SIZES.indexOf(s) + 2) % 6]!, ODD_SIZES[(ODD_SIZES.indexOf(s) + 4) % 6]!]);
SHAPES.push([1, 1, 1], [1, 31, 1], [31, 1, 31], [7, 17, 31]);

describe("dense", () => {
  for (const [rows, nin, nout] of SHAPES) {
    it(`rows=${rows} in=${nin} out=${nout}: forward and dx, dW, db`, () => {
      rt.arena.scoped(() => {
        const shape = { rows, inputs: nin, outputs: nout };
        const xs = uniform(rows * nin, rows + 1), Ws = uniform(nin * nout, nin + 2), bs = uniform(nout, nout + 3), dys = uniform(rows * nout, 4);
        const x = buf(rt, xs), W = buf(rt, Ws), b = buf(rt, bs), y = nanBuf(rt, rows * nout);
        denseForward(rt, shape, { x, W, b, y });
        expectClose(y.view, denseRef(xs, Ws, bs, rows, nin, nout), "dense forward", 1e-5, 1e-1);
        const dy = buf(rt, dys), dx = nanBuf(rt, rows * nin), dW = nanBuf(rt, nin * nout), db = nanBuf(rt, nout);
        denseBackward(rt, shape, { x, W, dy, dx, dW, db });
        const xv = f64(xs), Wv = f64(Ws), bv = f64(bs);
        const loss = () => { const o = denseRef(xv, Wv, bv, rows, nin, nout); let s = 0; for (let i = 0; i < o.length; i++) s += dys[i]! * o[i]!; return s; };
        expectGradClose(dx.view, finiteDiff(xv, loss), "dx");
        expectGradClose(dW.view, finiteDiff(Wv, loss), "dW");
        expectGradClose(db.view, finiteDiff(bv, loss), "db");
      });
    });
  }

  it("no bias; accumulate adds into dW and db; dx and db may be skipped", () => {
    rt.arena.scoped(() => {
      const rows = 5, nin = 7, nout = 3, shape = { rows, inputs: nin, outputs: nout };
      const xs = uniform(rows * nin, 1), Ws = uniform(nin * nout, 2), dys = uniform(rows * nout, 3);
      const x = buf(rt, xs), W = buf(rt, Ws), y = nanBuf(rt, rows * nout), dy = buf(rt, dys);
      denseForward(rt, shape, { x, W, y });
      expectClose(y.view, denseRef(xs, Ws, null, rows, nin, nout), "no-bias forward", 1e-5, 1e-1);
      const dW0 = rt.arena.f32(nin * nout), db0 = rt.arena.f32(nout);
      denseBackward(rt, shape, { x, W, dy, dW: dW0, db: db0 });
      const pw = uniform(nin * nout, 8), pb = uniform(nout, 9);
      const dW = buf(rt, pw), db = buf(rt, pb);
      denseBackward(rt, shape, { x, W, dy, dW, db }, true);
      expectClose(dW.view, Array.from(pw, (p, i) => p + dW0.view[i]!), "accumulated dW", 1e-5, 1e-1);
      expectClose(db.view, Array.from(pb, (p, i) => p + db0.view[i]!), "accumulated db", 1e-5, 1e-1);
      const dW2 = nanBuf(rt, nin * nout);
      denseBackward(rt, shape, { x, W, dy, dW: dW2 });
      expect(Array.from(dW2.view)).toEqual(Array.from(dW0.view));
    });
  });

  it("rejects wrong sizes and overlapping outputs", () => {
    rt.arena.scoped(() => {
      const x = rt.arena.f32(6), W = rt.arena.f32(6), y = rt.arena.f32(4);
      denseForward(rt, { rows: 2, inputs: 3, outputs: 2 }, { x, W, y }); // consistent: no error
      expect(() => denseForward(rt, { rows: 2, inputs: 3, outputs: 2 }, { x, W, y: rt.arena.f32(5) })).toThrow(/'y' must hold rows\*outputs = 4 f32 values, got 5/);
      expect(() => denseForward(rt, { rows: 0, inputs: 3, outputs: 2 }, { x, W, y })).toThrow(ArgumentError);
      const overlapping = new F32Buffer(rt.memory, x.ptr + 8, 4);
      expect(() => denseForward(rt, { rows: 2, inputs: 3, outputs: 2 }, { x, W, y: overlapping })).toThrow(/'y' and 'x' must not overlap/);
      expect(() => denseForward(rt, { rows: 2, inputs: 3, outputs: 2 }, { x: new Float32Array(6) as never, W, y })).toThrow(/'x' must be an F32Buffer, got Float32Array/);
    });
  });
});
