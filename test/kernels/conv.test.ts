// ConcatConv2D and ConcatConvTranspose2D (NCHW, time channel first) against f64 reference loops
// that materialise the time channel, and every gradient (x, W incl. the time slice, b, t)
// against central finite differences of the f64 reference. Tolerance: relative error < 1e-3.
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { type Geo, outSize, reference } from "./conv_reference.js";

/** The kernels' documented scratch: the larger of forward and backward (the arena ends right after it). */
function scratchFloats(rt: Runtime, g: Geo, transposed: boolean): number {
  const [Ho, Wo] = outSize(g, transposed);
  const geo = [g.Cin, g.H, g.W, g.Cout, g.k, g.s, g.pad, Ho, Wo, g.T] as const;
  const w = rt.wasm;
  return transposed
    ? Math.max(w.conv_transpose2d_backward_scratch(...geo), w.conv_transpose2d_forward_scratch(...geo))
    : Math.max(w.conv2d_backward_scratch(...geo), w.conv2d_forward_scratch(...geo));
}

function run(rt: Runtime, g: Geo, transposed: boolean, x: number[], Wt: number[], b: number[], t: number, dy: number[]) {
  const [Ho, Wo] = outSize(g, transposed);
  const X = rt.arena.f32From(x), Wb = rt.arena.f32From(Wt), Bb = rt.arena.f32From(b);
  const Y = rt.arena.f32(g.B * g.Cout * Ho * Wo), S = rt.arena.f32(scratchFloats(rt, g, transposed));
  // the documented scratch is enough: a guard block right after it stays untouched
  const GUARD = rt.arena.f32(256);
  GUARD.view.fill(12345.5);
  // NaN garbage in the outputs and scratch must not leak
  Y.view.fill(NaN); S.view.fill(NaN);
  const args = [g.B, g.Cin, g.H, g.W, g.Cout, g.k, g.s, g.pad, Ho, Wo, t, g.T] as const;
  (transposed ? rt.wasm.conv_transpose2d_forward : rt.wasm.conv2d_forward)(X.ptr, Wb.ptr, Bb.ptr, Y.ptr, ...args, S.ptr);
  const y = Array.from(Y.view);
  const DY = rt.arena.f32From(dy), DX = rt.arena.f32(x.length), DW = rt.arena.f32(Wt.length), DB = rt.arena.f32(b.length);
  DX.view.fill(NaN); S.view.fill(NaN);
  const dt = (transposed ? rt.wasm.conv_transpose2d_backward : rt.wasm.conv2d_backward)(X.ptr, Wb.ptr, DY.ptr, DX.ptr, DW.ptr, DB.ptr, ...args, S.ptr);
  expect(GUARD.view.every((v) => v === 12345.5)).toBe(true);
  return { y, dx: Array.from(DX.view), dW: Array.from(DW.view), db: Array.from(DB.view), dt };
}

function rel(a: number[], b: number[]): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2; }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

const CASES: [string, Geo, boolean][] = [
  ["3x3 stride 1 SAME, time channel, odd sizes", { B: 2, Cin: 3, H: 7, W: 5, Cout: 5, k: 3, s: 1, pad: 1, T: 1 }, false],
  ["3x3 stride 2 (MNIST's down-sampling), time channel", { B: 2, Cin: 3, H: 8, W: 6, Cout: 4, k: 3, s: 2, pad: 1, T: 1 }, false],
  ["3x3 stride 2, padding 2, 17 wide (8-column phase split and its tail, even padding)", { B: 1, Cin: 2, H: 6, W: 17, Cout: 3, k: 3, s: 2, pad: 2, T: 1 }, false],
  ["3x3 stride 2, padding 1, 19 wide", { B: 1, Cin: 1, H: 4, W: 19, Cout: 2, k: 3, s: 2, pad: 1, T: 0 }, false],
  ["5x5 explicit padding 0, no time channel", { B: 1, Cin: 2, H: 9, W: 7, Cout: 3, k: 5, s: 1, pad: 0, T: 0 }, false],
  ["1x1 kernel, a single pixel", { B: 3, Cin: 1, H: 1, W: 1, Cout: 1, k: 1, s: 1, pad: 0, T: 1 }, false],
  ["17x17, 7 channels", { B: 1, Cin: 7, H: 17, W: 17, Cout: 3, k: 3, s: 1, pad: 1, T: 1 }, false],
  ["transposed 3x3 stride 2, output padding 1 (7x7 -> 14x14), time channel", { B: 2, Cin: 3, H: 7, W: 7, Cout: 4, k: 3, s: 2, pad: 1, outPad: 1, T: 1 }, true],
  ["transposed 3x3 stride 2, no output padding, odd", { B: 1, Cin: 2, H: 5, W: 3, Cout: 3, k: 3, s: 2, pad: 1, T: 1 }, true],
  ["transposed 3x3 stride 1 SAME, no time channel", { B: 2, Cin: 3, H: 5, W: 5, Cout: 2, k: 3, s: 1, pad: 1, T: 0 }, true],
  // the closed-form time map where no output column sees the whole kernel, and odd strides
  ["5x5 SAME on a 3x2 image, time channel (every column a border column)", { B: 1, Cin: 2, H: 3, W: 2, Cout: 2, k: 5, s: 1, pad: 2, T: 1 }, false],
  ["4x4 stride 3, padding 2, time channel", { B: 2, Cin: 1, H: 10, W: 8, Cout: 2, k: 4, s: 3, pad: 2, T: 1 }, false],
  // stride 1 with pad > k - 1 (dx by row additions, not the flipped kernel); transposed kernels
  // smaller than or equal to the stride (output phases with no taps, one tap each)
  ["3x3 stride 1, padding 3 (pad > k - 1), time channel", { B: 1, Cin: 2, H: 4, W: 5, Cout: 3, k: 3, s: 1, pad: 3, T: 1 }, false],
  ["transposed 1x1 stride 2, output padding 1 (phases without taps), time channel", { B: 2, Cin: 2, H: 3, W: 4, Cout: 3, k: 1, s: 2, pad: 0, outPad: 1, T: 1 }, true],
  ["transposed 2x2 stride 2 (one tap per phase)", { B: 1, Cin: 3, H: 4, W: 3, Cout: 2, k: 2, s: 2, pad: 0, T: 0 }, true],
  ["transposed 5x5 stride 3, padding 2, output padding 2, time channel", { B: 1, Cin: 2, H: 3, W: 4, Cout: 2, k: 5, s: 3, pad: 2, outPad: 2, T: 1 }, true],
];

describe("convolutions vs f64 references and finite differences", () => {
  for (const [name, g, transposed] of CASES) {
    it(name, async () => {
      const rt = await freshRuntime();
      const rnd = gaussianStream(g.H * 31 + g.Cin);
      const [Ho, Wo] = outSize(g, transposed);
      const f = () => Math.fround(rnd());
      const x = Array.from({ length: g.B * g.Cin * g.H * g.W }, f);
      const Wt = Array.from({ length: g.Cout * (g.T + g.Cin) * g.k * g.k }, f);
      const b = Array.from({ length: g.Cout }, f);
      const dy = Array.from({ length: g.B * g.Cout * Ho * Wo }, f);
      const t = 0.625;
      const out = run(rt, g, transposed, x, Wt, b, t, dy);
      expect(rel(out.y, reference(g, transposed, x, Wt, b, t))).toBeLessThan(1e-5);
      const L = (xx: number[], ww: number[], bb: number[], tt: number) => reference(g, transposed, xx, ww, bb, tt).reduce((a, v, i) => a + v * dy[i]!, 0);
      const e = 1e-4;
      const fd = (arr: number[], which: number) => arr.map((_, i) => {
        const up = [...arr], dn = [...arr]; up[i]! += e; dn[i]! -= e;
        const args = (v: number[]) => [which === 0 ? v : x, which === 1 ? v : Wt, which === 2 ? v : b, t] as const;
        return (L(...args(up)) - L(...args(dn))) / (2 * e);
      });
      expect(rel(out.dx, fd(x, 0))).toBeLessThan(1e-3);
      expect(rel(out.dW, fd(Wt, 1))).toBeLessThan(1e-3);
      expect(rel(out.db, fd(b, 2))).toBeLessThan(1e-3);
      const fdt = (L(x, Wt, b, t + e) - L(x, Wt, b, t - e)) / (2 * e);
      if (g.T) expect(Math.abs(out.dt - fdt)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fdt)));
      else expect(out.dt).toBe(0);
      expect(out.y.every(Number.isFinite)).toBe(true);
    });
  }
});
