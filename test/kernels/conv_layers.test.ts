// The ConcatConv2d / ConcatConvTranspose2d Layer wrappers: parameter layout (W then b, time slice
// first), outputs identical to the kernels called directly, parameter gradients ADDED into dp
// (two backward passes give twice one), dL/dt passed through, and shape validation.
import { describe, expect, it } from "vitest";
import { ConcatConv2d, ConcatConvTranspose2d } from "../../src/nn/layers/conv.js";
import { slotOffsets } from "../../src/nn/layer.js";
import { ArgumentError } from "../../src/runtime/errors.js";
import { freshRuntime } from "../helpers/wasm.js";
import { uniform } from "./helpers.js";

const ROWS = 2;

describe("conv layer wrappers", () => {
  for (const transposed of [false, true]) {
    it(`${transposed ? "ConcatConvTranspose2d" : "ConcatConv2d"} matches the kernel and accumulates gradients`, async () => {
      const rt = await freshRuntime();
      const shape = transposed
        ? { inChannels: 3, outChannels: 2, height: 4, width: 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1 }
        : { inChannels: 3, outChannels: 2, height: 7, width: 5, kernel: 3, stride: 2, padding: 1 };
      const layer = transposed ? new ConcatConvTranspose2d(shape) : new ConcatConv2d(shape);
      const { size, offsets } = slotOffsets(layer.params);
      const nW = layer.params[0]!.shape.reduce((a, b) => a * b, 1);
      expect(layer.params[0]!.shape).toEqual(transposed ? [4, 2, 3, 3] : [2, 4, 3, 3]);
      expect(offsets[1]).toBe(nW);
      expect(size).toBe(nW + 2);
      const x = rt.arena.f32From(uniform(ROWS * layer.inSize, 5));
      const p = rt.arena.f32From(uniform(size, 6));
      const dy = rt.arena.f32From(uniform(ROWS * layer.outSize, 7));
      const y = rt.arena.f32(ROWS * layer.outSize), dx = rt.arena.f32(ROWS * layer.inSize), dp = rt.arena.f32(size);
      const ctx = { rt, t: 0.375, rows: ROWS };
      layer.forward(ctx, x.ptr, p.ptr, y.ptr);
      const dt1 = layer.backward(ctx, x.ptr, p.ptr, y.ptr, 0, dy.ptr, dx.ptr, dp.ptr);
      const once = Array.from(dp.view);
      const dt2 = layer.backward(ctx, x.ptr, p.ptr, y.ptr, 0, dy.ptr, dx.ptr, dp.ptr);
      expect(dt2).toBe(dt1);
      dp.view.forEach((v, i) => expect(v).toBeCloseTo(2 * once[i]!, 5));

      // the kernel called directly with hand-computed pointers
      const { height: H, width: W, kernel: k, stride: s, padding: pad } = shape;
      const Ho = layer.outHeight, Wo = layer.outWidth;
      const y2 = rt.arena.f32(ROWS * layer.outSize), dp2 = rt.arena.f32(size), dx2 = rt.arena.f32(ROWS * layer.inSize);
      const scratch = rt.arena.alloc(4 << 16);
      const args = [ROWS, 3, H, W, 2, k, s, pad, Ho, Wo, 0.375, 1] as const;
      const fwd = transposed ? rt.wasm.conv_transpose2d_forward : rt.wasm.conv2d_forward;
      const bwd = transposed ? rt.wasm.conv_transpose2d_backward : rt.wasm.conv2d_backward;
      fwd(x.ptr, p.ptr, p.ptr + nW * 4, y2.ptr, ...args, scratch);
      const dt3 = bwd(x.ptr, p.ptr, dy.ptr, dx2.ptr, dp2.ptr, dp2.ptr + nW * 4, ...args, scratch);
      expect(Array.from(y.view)).toEqual(Array.from(y2.view));
      expect(Array.from(dx.view)).toEqual(Array.from(dx2.view));
      expect(once).toEqual(Array.from(dp2.view));
      expect(dt1).toBe(dt3);
    });
  }

  it("rejects shapes that cannot work, naming the field", () => {
    const ok = { inChannels: 1, outChannels: 1, height: 4, width: 4, kernel: 3, stride: 1, padding: 1 };
    expect(() => new ConcatConv2d({ ...ok, kernel: 0 })).toThrow(/kernel must be a positive integer, got 0/);
    expect(() => new ConcatConv2d({ ...ok, padding: -1 })).toThrow(ArgumentError);
    expect(() => new ConcatConv2d({ ...ok, kernel: 7, padding: 0 })).toThrow(/does not fit a 4x4 input/);
    expect(() => new ConcatConvTranspose2d({ ...ok, stride: 2, outputPadding: 2 })).toThrow(/outputPadding must be an integer in \[0, stride\), got 2/);
  });
});
