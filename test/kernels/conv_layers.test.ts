// The ConcatConv2d / ConcatConvTranspose2d Layer wrappers: parameter layout (W then b, time slice
// first), outputs identical to the kernels called directly, parameter gradients ADDED into dp
// (two backward passes give twice one), dL/dt passed through, and shape validation.
import { describe, expect, it, vi } from "vitest";
import { ConcatConv2d, ConcatConvTranspose2d } from "../../src/nn/layers/conv.js";
import { slotOffsets } from "../../src/nn/layer.js";
import { Activation } from "../../src/nn/layers/activation.js";
import { Stack } from "../../src/nn/stack.js";
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

describe("fused conv + bias + time + activation", () => {
  it("every activation: the fused kernel gives the bits of the unfused forward plus the activation layer", async () => {
    const rt = await freshRuntime();
    const shapes = [
      { layer: new ConcatConv2d({ inChannels: 3, outChannels: 5, height: 7, width: 9, kernel: 3, stride: 2, padding: 1 }) },
      { layer: new ConcatConvTranspose2d({ inChannels: 3, outChannels: 2, height: 4, width: 5, kernel: 3, stride: 2, padding: 1, outputPadding: 1 }) },
    ];
    for (const { layer } of shapes) {
      const size = slotOffsets(layer.params).size;
      const x = rt.arena.f32From(uniform(ROWS * layer.inSize, 8)), p = rt.arena.f32From(uniform(size, 9, -2, 2));
      for (const act of ["softplus", "sigmoid", "tanh", "relu"] as const) {
        const ctx = { rt, t: 0.625, rows: ROWS };
        const z = rt.arena.f32(ROWS * layer.outSize), a = rt.arena.f32(ROWS * layer.outSize);
        const y = rt.arena.f32(ROWS * layer.outSize), ref = rt.arena.f32(ROWS * layer.outSize);
        layer.forwardActivation(ctx, x.ptr, p.ptr, z.ptr, a.ptr, act);
        layer.forward(ctx, x.ptr, p.ptr, y.ptr);
        new Activation(act, layer.outSize).forward(ctx, y.ptr, 0, ref.ptr);
        expect(Array.from(z.view)).toEqual(Array.from(y.view));
        expect(Array.from(a.view)).toEqual(Array.from(ref.view));
        expect(a.view.some((v, i) => v !== z.view[i])).toBe(true); // the activation was applied
      }
    }
  });

  it("a stack runs fused by default and gives the tape and gradients of the unfused reference path", async () => {
    const rt = await freshRuntime();
    const c1 = new ConcatConv2d({ inChannels: 2, outChannels: 4, height: 6, width: 6, kernel: 3, stride: 1, padding: 1 });
    const c2 = new ConcatConv2d({ inChannels: 4, outChannels: 4, height: 6, width: 6, kernel: 3, stride: 2, padding: 1 });
    const c3 = new ConcatConvTranspose2d({ inChannels: 4, outChannels: 3, height: 3, width: 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1 });
    const layers = [c1, new Activation("softplus", c1.outSize), c2, new Activation("tanh", c2.outSize), c3, new Activation("softplus", c3.outSize)];
    const fused = new Stack(layers), plain = new Stack(layers, { fuse: false });
    const x = rt.arena.f32From(uniform(ROWS * fused.inSize, 10)), p = rt.arena.f32From(uniform(fused.paramCount, 11, -0.5, 0.5));
    const dy = rt.arena.f32From(uniform(ROWS * fused.outSize, 12));
    const ctx = { rt, t: 0.25, rows: ROWS };
    const run = (s: Stack) => {
      const tape = s.forward(ctx, x.ptr, p.ptr);
      const dx = rt.arena.f32(ROWS * s.inSize), dp = rt.arena.f32(s.paramCount);
      const dt = s.backward(ctx, tape, dy.ptr, dx.ptr, dp.ptr);
      const read = (ptr: number, n: number) => Array.from(new Float32Array(rt.memory.buffer, ptr, n));
      return { ys: tape.ys.map((q, i) => read(q, ROWS * layers[i]!.outSize)), dx: Array.from(dx.view), dp: Array.from(dp.view), dt };
    };
    const spies = [c1, c2, c3].map((c) => vi.spyOn(c, "forwardActivation"));
    const a = run(fused);
    expect(spies.map((s) => s.mock.calls.length)).toEqual([1, 1, 1]);
    const b = run(plain);
    expect(spies.map((s) => s.mock.calls.length)).toEqual([1, 1, 1]); // the reference path does not fuse
    expect(a.ys.length).toBe(6);
    expect(a).toEqual(b);

    // for a backward pass: the fused softplus keeps softplus' = sigmoid in place of its input and
    // the backward multiplies by it; the same gradients to the bit, the tanh pair untouched
    const tape = fused.forward(ctx, x.ptr, p.ptr, 0, undefined, true);
    expect(tape.derivatives).toEqual([true, undefined, false, undefined, true]);
    const read = (ptr: number, n: number) => Array.from(new Float32Array(rt.memory.buffer, ptr, n));
    const sig = rt.arena.f32(ROWS * c1.outSize), zc1 = rt.arena.f32From(b.ys[0]!);
    rt.wasm.sigmoid_forward(zc1.ptr, sig.ptr, ROWS * c1.outSize);
    expect(read(tape.ys[0]!, ROWS * c1.outSize)).toEqual(Array.from(sig.view));
    expect(read(tape.ys[2]!, ROWS * c2.outSize)).toEqual(b.ys[2]);
    expect(read(tape.ys[5]!, ROWS * c3.outSize)).toEqual(b.ys[5]);
    const dx = rt.arena.f32(ROWS * fused.inSize), dp = rt.arena.f32(fused.paramCount);
    const dt = fused.backward(ctx, tape, dy.ptr, dx.ptr, dp.ptr);
    expect({ dx: Array.from(dx.view), dp: Array.from(dp.view), dt }).toEqual({ dx: b.dx, dp: b.dp, dt: b.dt });
  });

  it("softplus_forward_derivative: softplus's bits out, sigmoid's bits in place; derivative_backward multiplies", async () => {
    const rt = await freshRuntime();
    const n = 37; // SIMD blocks of 16 and 4 and a scalar tail
    const xs = uniform(n, 13).map((v) => v * 30);
    xs[0] = 0; xs[1] = -0; xs[2] = -95; xs[3] = 95;
    const x = rt.arena.f32From(xs), y = rt.arena.f32(n), ref = rt.arena.f32(n), sig = rt.arena.f32(n);
    rt.wasm.softplus_forward(x.ptr, ref.ptr, n);
    rt.wasm.sigmoid_forward(x.ptr, sig.ptr, n);
    rt.wasm.softplus_forward_derivative(x.ptr, y.ptr, n);
    expect(Array.from(y.view)).toEqual(Array.from(ref.view));
    expect(Array.from(x.view)).toEqual(Array.from(sig.view));
    const dy = rt.arena.f32From(uniform(n, 14)), dx = rt.arena.f32(n), dxRef = rt.arena.f32(n);
    rt.wasm.derivative_backward(x.ptr, dy.ptr, dx.ptr, n);
    const x0 = rt.arena.f32From(xs);
    rt.wasm.softplus_backward(x0.ptr, dy.ptr, dxRef.ptr, n);
    expect(Array.from(dx.view)).toEqual(Array.from(dxRef.view));
  });
});
