import type { Ptr } from "../../runtime/abi.js";
import { ArgumentError } from "../../runtime/errors.js";
import type { InitSpec, Layer, LayerContext, ParamSlot } from "../layer.js";
import type { ActivationName } from "./activation.js";

/** Codes of the fused activation epilogue (assembly/nn/conv_common.ts); 5: softplus keeping its derivative. */
const ACT_CODE: Record<ActivationName, number> = { softplus: 1, sigmoid: 2, tanh: 3, relu: 4 };
const ACT_SOFTPLUS_DERIVATIVE = 5;

export interface ConvShape {
  inChannels: number;
  outChannels: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  padding: number;
  /** Transposed convolutions only: extra rows/columns on the output's far side. */
  outputPadding?: number;
  /** Concatenate a constant channel equal to t (ConcatConv2D); default true. */
  time?: boolean;
}

function checkShape(kind: string, s: ConvShape): void {
  for (const f of ["inChannels", "outChannels", "height", "width", "kernel", "stride"] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) throw new ArgumentError(`${kind}: ${f} must be a positive integer, got ${s[f]}`);
  }
  if (!Number.isInteger(s.padding) || s.padding < 0) throw new ArgumentError(`${kind}: padding must be a non-negative integer, got ${s.padding}`);
}

/** He-normal weights (fan-in includes the time channel), N(0, 0.01^2) bias, as the reference. */
function convParams(wShape: number[], fanIn: number, outChannels: number): ParamSlot[] {
  const w: InitSpec = { kind: "normal", std: Math.sqrt(2 / fanIn) };
  return [
    { name: "W", shape: wShape, init: w },
    { name: "b", shape: [outChannels], init: { kind: "normal", std: 0.01 } },
  ];
}

/** What both convolution layers share: geometry, the time channel, the kernels' argument list. */
abstract class ConvLayerBase {
  readonly cachePerRow = 0;
  readonly inSize: number;
  readonly outSize: number;
  protected readonly T: number;
  constructor(readonly shape: ConvShape, readonly outHeight: number, readonly outWidth: number) {
    this.T = shape.time === false ? 0 : 1;
    this.inSize = shape.inChannels * shape.height * shape.width;
    this.outSize = shape.outChannels * outHeight * outWidth;
  }
  /**
   * Fused forward with the activation that follows: writes the pre-activation z (this layer's
   * output) and a = act(z) (the activation layer's output) in one pass over each image; the same
   * bits as forward() followed by the activation layer. Layer stacks use it (Stack, fuse option).
   */
  abstract forwardActivation(ctx: LayerContext, x: Ptr, p: Ptr, z: Ptr, a: Ptr, act: ActivationName, derivative?: boolean): void;
  protected actCode(act: ActivationName, derivative = false): number {
    if (derivative && act !== "softplus") throw new ArgumentError(`a fused ${act} cannot keep its derivative (softplus only)`);
    return derivative ? ACT_SOFTPLUS_DERIVATIVE : ACT_CODE[act];
  }
  /** The kernels' geometry arguments of their scratch-size functions. */
  protected geometry() {
    const { inChannels: Ci, outChannels: Co, height: H, width: W, kernel: k, stride: s, padding: p } = this.shape;
    return [Ci, H, W, Co, k, s, p, this.outHeight, this.outWidth, this.T] as const;
  }
  protected args(ctx: LayerContext) {
    const { inChannels: Ci, outChannels: Co, height: H, width: W, kernel: k, stride: s, padding: p } = this.shape;
    return [ctx.rows, Ci, H, W, Co, k, s, p, this.outHeight, this.outWidth, ctx.t, this.T] as const;
  }
}

/**
 * ConcatConv2D in NCHW: [Cin, H, W] -> [Cout, Ho, Wo], weights [Cout, T + Cin, k, k] with the time
 * channel first (T = 1), bias [Cout]. Kernels: assembly/nn/conv2d.ts.
 */
export class ConcatConv2d extends ConvLayerBase implements Layer {
  readonly kind = "concat_conv2d";
  readonly params: readonly ParamSlot[];
  constructor(shape: ConvShape) {
    checkShape("ConcatConv2d", shape);
    const { inChannels: Ci, outChannels: Co, height: H, width: W, kernel: k, stride: s, padding: p } = shape;
    super(shape, Math.floor((H + 2 * p - k) / s) + 1, Math.floor((W + 2 * p - k) / s) + 1);
    if (this.outHeight < 1 || this.outWidth < 1) throw new ArgumentError(`ConcatConv2d: a ${k}x${k} kernel does not fit a ${H}x${W} input with padding ${p}`);
    this.params = convParams([Co, this.T + Ci, k, k], (this.T + Ci) * k * k, Co);
  }
  private scratch(ctx: LayerContext, backward: boolean): Ptr {
    const w = ctx.rt.wasm, size = backward ? w.conv2d_backward_scratch : w.conv2d_forward_scratch;
    return ctx.rt.arena.alloc(size(...this.geometry()) * 4);
  }
  forward(ctx: LayerContext, x: Ptr, p: Ptr, y: Ptr): void {
    const bias = p + this.outSizeOfWeights() * 4;
    ctx.rt.arena.scoped(() => ctx.rt.wasm.conv2d_forward(x, p, bias, y, ...this.args(ctx), this.scratch(ctx, false)));
  }
  forwardActivation(ctx: LayerContext, x: Ptr, p: Ptr, z: Ptr, a: Ptr, act: ActivationName, derivative = false): void {
    const bias = p + this.outSizeOfWeights() * 4;
    ctx.rt.arena.scoped(() => ctx.rt.wasm.conv2d_forward_act(x, p, bias, z, a, ...this.args(ctx), this.scratch(ctx, false), this.actCode(act, derivative)));
  }
  backward(ctx: LayerContext, x: Ptr, p: Ptr, _y: Ptr, _c: Ptr, dy: Ptr, dx: Ptr, dp: Ptr): number {
    const off = this.outSizeOfWeights() * 4;
    return ctx.rt.arena.scoped(() => ctx.rt.wasm.conv2d_backward(x, p, dy, dx, dp, dp + off, ...this.args(ctx), this.scratch(ctx, true)));
  }
  private outSizeOfWeights(): number {
    const { inChannels: Ci, outChannels: Co, kernel: k } = this.shape;
    return Co * (this.T + Ci) * k * k;
  }
}

/**
 * ConcatConvTranspose2D in NCHW: [Cin, H, W] -> [Cout, (H-1)s - 2p + k + outputPadding, ...],
 * weights [T + Cin, Cout, k, k] (PyTorch's ConvTranspose2d layout, time channel first), bias [Cout].
 */
export class ConcatConvTranspose2d extends ConvLayerBase implements Layer {
  readonly kind = "concat_conv_transpose2d";
  readonly params: readonly ParamSlot[];
  constructor(shape: ConvShape) {
    checkShape("ConcatConvTranspose2d", shape);
    const { inChannels: Ci, outChannels: Co, height: H, width: W, kernel: k, stride: s, padding: p } = shape;
    const op = shape.outputPadding ?? 0;
    if (!Number.isInteger(op) || op < 0 || op >= s) throw new ArgumentError(`ConcatConvTranspose2d: outputPadding must be an integer in [0, stride), got ${op}`);
    super(shape, (H - 1) * s - 2 * p + k + op, (W - 1) * s - 2 * p + k + op);
    if (this.outHeight < 1 || this.outWidth < 1) throw new ArgumentError("ConcatConvTranspose2d: the output would be empty");
    this.params = convParams([this.T + Ci, Co, k, k], (this.T + Ci) * k * k, Co);
  }
  private scratch(ctx: LayerContext, backward: boolean): Ptr {
    const w = ctx.rt.wasm, size = backward ? w.conv_transpose2d_backward_scratch : w.conv_transpose2d_forward_scratch;
    return ctx.rt.arena.alloc(size(...this.geometry()) * 4);
  }
  private weights(): number {
    const { inChannels: Ci, outChannels: Co, kernel: k } = this.shape;
    return (this.T + Ci) * Co * k * k;
  }
  forward(ctx: LayerContext, x: Ptr, p: Ptr, y: Ptr): void {
    ctx.rt.arena.scoped(() => ctx.rt.wasm.conv_transpose2d_forward(x, p, p + this.weights() * 4, y, ...this.args(ctx), this.scratch(ctx, false)));
  }
  forwardActivation(ctx: LayerContext, x: Ptr, p: Ptr, z: Ptr, a: Ptr, act: ActivationName, derivative = false): void {
    ctx.rt.arena.scoped(() => ctx.rt.wasm.conv_transpose2d_forward_act(x, p, p + this.weights() * 4, z, a, ...this.args(ctx), this.scratch(ctx, false), this.actCode(act, derivative)));
  }
  backward(ctx: LayerContext, x: Ptr, p: Ptr, _y: Ptr, _c: Ptr, dy: Ptr, dx: Ptr, dp: Ptr): number {
    const off = this.weights() * 4;
    return ctx.rt.arena.scoped(() => ctx.rt.wasm.conv_transpose2d_backward(x, p, dy, dx, dp, dp + off, ...this.args(ctx), this.scratch(ctx, true)));
  }
}
