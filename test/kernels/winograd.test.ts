// The stride-1 3x3 convolutions run by Winograd F(2x2, 3x3) (assembly/nn/winograd.ts): forward
// output and input gradient dx against the f64 direct sums, element by element, within an error
// bound relative to the conditioning of each element:
//   |y_i - y_ref_i| <= TOL * S_i,  S_i = the same sum over |terms| (|W| |x|, |b|, |t W_t|),
// TOL = 2^-19 = 16 f32 machine epsilons (2^-23). Measured worst over these cases: 5.5 epsilons
// (dx of the 1 x 17 case; forward at most 3.7); a dropped or misplaced term of typical size
// S_i / n_i (n_i <= 146 terms here) is more than 2^11 times the bound.
// Shapes cover one and several pairs of 4-tile groups, odd output sizes (partial tiles), every
// output-channel block width (1-4 and a remainder after full blocks of 4), paddings 0-2
// (the flipped-kernel dx pads dL/dy by 2 - pad) and the MNIST shapes.
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { type Geo, outSize, reference } from "./conv_reference.js";

const TOL = 2 ** -19;

function run(rt: Runtime, g: Geo, x: number[], Wt: number[], b: number[], t: number, dy: number[]) {
  const [Ho, Wo] = outSize(g, false);
  const geo = [g.Cin, g.H, g.W, g.Cout, g.k, g.s, g.pad, Ho, Wo, g.T] as const;
  const scratch = Math.max(rt.wasm.conv2d_forward_scratch(...geo), rt.wasm.conv2d_backward_scratch(...geo));
  const X = rt.arena.f32From(x), Wb = rt.arena.f32From(Wt), Bb = rt.arena.f32From(b), DY = rt.arena.f32From(dy);
  const Y = rt.arena.f32(g.B * g.Cout * Ho * Wo), DX = rt.arena.f32(x.length), DW = rt.arena.f32(Wt.length), DB = rt.arena.f32(b.length);
  const S = rt.arena.f32(scratch), GUARD = rt.arena.f32(64);
  GUARD.view.fill(7.25);
  Y.view.fill(NaN); DX.view.fill(NaN); S.view.fill(NaN);
  const args = [g.B, g.Cin, g.H, g.W, g.Cout, g.k, g.s, g.pad, Ho, Wo, t, g.T] as const;
  rt.wasm.conv2d_forward(X.ptr, Wb.ptr, Bb.ptr, Y.ptr, ...args, S.ptr);
  S.view.fill(NaN);
  rt.wasm.conv2d_backward(X.ptr, Wb.ptr, DY.ptr, DX.ptr, DW.ptr, DB.ptr, ...args, S.ptr);
  expect(GUARD.view.every((v) => v === 7.25)).toBe(true);
  return { y: Array.from(Y.view), dx: Array.from(DX.view) };
}

/** max_i |got_i - ref_i| / S_i (S_i > 0 everywhere here). */
function worst(got: number[], ref: number[], S: number[]): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(got[i]! - ref[i]!) / S[i]!);
  return m;
}

const CASES: [string, Geo][] = [
  ["1 -> 1 channel, 3x3 image", { B: 2, Cin: 1, H: 3, W: 3, Cout: 1, k: 3, s: 1, pad: 1, T: 0 }],
  ["5 -> 7 channels, 9 x 21, time channel (two tile pairs, blocks of 4 and 3)", { B: 1, Cin: 5, H: 9, W: 21, Cout: 7, k: 3, s: 1, pad: 1, T: 1 }],
  ["2 -> 6 channels, 6 x 34, padding 0 (dx pads dL/dy by 2)", { B: 1, Cin: 2, H: 6, W: 34, Cout: 6, k: 3, s: 1, pad: 0, T: 1 }],
  ["4 -> 5 channels, 5 x 8, padding 2 (dx without padding)", { B: 2, Cin: 4, H: 5, W: 8, Cout: 5, k: 3, s: 1, pad: 2, T: 1 }],
  ["MNIST 3 -> 16, 28 x 28, time channel", { B: 2, Cin: 3, H: 28, W: 28, Cout: 16, k: 3, s: 1, pad: 1, T: 1 }],
  ["MNIST 16 -> 3, 28 x 28, time channel", { B: 1, Cin: 16, H: 28, W: 28, Cout: 3, k: 3, s: 1, pad: 1, T: 1 }],
  ["8 -> 2 channels, 1 x 17 (one tile row, partial)", { B: 1, Cin: 8, H: 1, W: 17, Cout: 2, k: 3, s: 1, pad: 1, T: 1 }],
];

describe("Winograd F(2x2, 3x3) convolutions: forward and dx vs f64 direct sums, per-element bound", () => {
  for (const [name, g] of CASES) {
    it(name, async () => {
      const rt = await freshRuntime();
      const rnd = gaussianStream(g.W * 7 + g.Cout);
      const f = () => Math.fround(rnd());
      const [Ho, Wo] = outSize(g, false);
      const x = Array.from({ length: g.B * g.Cin * g.H * g.W }, f);
      const Wt = Array.from({ length: g.Cout * (g.T + g.Cin) * 9 }, f);
      const b = Array.from({ length: g.Cout }, f);
      const dy = Array.from({ length: g.B * g.Cout * Ho * Wo }, f);
      const t = 0.625;
      const out = run(rt, g, x, Wt, b, t, dy);
      const abs = (v: number[]) => v.map(Math.abs);
      expect(worst(out.y, reference(g, false, x, Wt, b, t), reference(g, false, abs(x), abs(Wt), abs(b), t))).toBeLessThan(TOL);
      // dx = the transposed convolution of dL/dy with the kernel's input slices (no bias, no time)
      const gT: Geo = { B: g.B, Cin: g.Cout, H: Ho, W: Wo, Cout: g.Cin, k: 3, s: 1, pad: g.pad, T: 0 };
      const Wx = Wt.filter((_, i) => Math.floor(i / 9) % (g.T + g.Cin) >= g.T);
      const zeros = new Array(g.Cin).fill(0);
      expect(worst(out.dx, reference(gT, true, dy, Wx, zeros, 0), reference(gT, true, abs(dy), abs(Wx), zeros, 0))).toBeLessThan(TOL);
    });
  }
});
