// Channel padding and space-to-depth (NCHW) against index-by-index references, and their adjoints:
// <pad(x), dy> = <x, pad_backward(dy)>, space_to_depth followed by its inverse is the identity.
import { describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import { uniform } from "./helpers.js";

describe("pad_channels", () => {
  it("copies the input channels and zero-fills the rest, per batch row; the backward is the adjoint", async () => {
    const rt = await freshRuntime();
    const B = 3, Cin = 1, Cout = 3, HW = 7 * 5;
    const x = uniform(B * Cin * HW, 1), dy = uniform(B * Cout * HW, 2);
    const X = rt.arena.f32From(x), Y = rt.arena.f32(B * Cout * HW), DY = rt.arena.f32From(dy), DX = rt.arena.f32(B * Cin * HW);
    Y.view.fill(NaN); DX.view.fill(NaN);
    rt.wasm.pad_channels(X.ptr, Y.ptr, B, Cin, Cout, HW);
    rt.wasm.pad_channels_backward(DY.ptr, DX.ptr, B, Cin, Cout, HW);
    for (let b = 0; b < B; b++) for (let c = 0; c < Cout; c++) for (let p = 0; p < HW; p++) {
      expect(Y.view[(b * Cout + c) * HW + p]).toBe(c < Cin ? x[(b * Cin + c) * HW + p] : 0);
    }
    let lhs = 0, rhs = 0;
    for (let i = 0; i < Y.length; i++) lhs += Y.view[i]! * dy[i]!;
    for (let i = 0; i < DX.length; i++) rhs += x[i]! * DX.view[i]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * Math.max(1, Math.abs(lhs)));
  });
});

describe("space_to_depth", () => {
  it("matches pixel_unshuffle order and round-trips through its inverse", async () => {
    const rt = await freshRuntime();
    const B = 2, C = 3, H = 6, W = 4;
    const x = uniform(B * C * H * W, 3);
    const X = rt.arena.f32From(x), Y = rt.arena.f32(x.length), X2 = rt.arena.f32(x.length);
    X2.view.fill(NaN);
    rt.wasm.space_to_depth(X.ptr, Y.ptr, B, C, H, W, 0);
    const H2 = H / 2, W2 = W / 2;
    for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++)
      for (let i = 0; i < H2; i++) for (let j = 0; j < W2; j++) {
        const out = Y.view[(((b * C + c) * 4 + dy * 2 + dx) * H2 + i) * W2 + j];
        expect(out).toBe(x[((b * C + c) * H + 2 * i + dy) * W + 2 * j + dx]);
      }
    rt.wasm.space_to_depth(X2.ptr, Y.ptr, B, C, H, W, 1);
    expect(Array.from(X2.view)).toEqual(Array.from(x));
  });
});
