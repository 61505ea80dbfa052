import type { Ptr } from "../../runtime/abi.js";
import type { WasmExports } from "../../runtime/abi.js";
import type { Layer, LayerContext, ParamSlot } from "../layer.js";

export type ActivationName = "softplus" | "sigmoid" | "tanh" | "relu";

/** Elementwise activation without parameters. */
export class Activation implements Layer {
  readonly kind: string;
  readonly params: readonly ParamSlot[] = [];
  readonly cachePerRow = 0;
  readonly outSize: number;
  private readonly fwd: keyof WasmExports;
  private readonly bwd: keyof WasmExports;
  constructor(readonly name: ActivationName, readonly inSize: number) {
    this.kind = name;
    this.outSize = inSize;
    this.fwd = `${name}_forward` as keyof WasmExports;
    this.bwd = `${name}_backward` as keyof WasmExports;
  }
  forward(ctx: LayerContext, x: Ptr, _p: Ptr, y: Ptr): void {
    (ctx.rt.wasm[this.fwd] as (x: Ptr, y: Ptr, n: number) => void)(x, y, ctx.rows * this.inSize);
  }
  backward(ctx: LayerContext, x: Ptr, _p: Ptr, _y: Ptr, _c: Ptr, dy: Ptr, dx: Ptr): number {
    if (dx) (ctx.rt.wasm[this.bwd] as (x: Ptr, dy: Ptr, dx: Ptr, n: number) => void)(x, dy, dx, ctx.rows * this.inSize);
    return 0;
  }
  /** The backward when the forward kept f'(x) in place of x (see Layer.forwardActivation): dx = dy f'. */
  backwardFromDerivative(ctx: LayerContext, d: Ptr, dy: Ptr, dx: Ptr): void {
    if (dx) ctx.rt.wasm.derivative_backward(d, dy, dx, ctx.rows * this.inSize);
  }
}

/** swish(x) = x sigmoid(beta x) with a trainable beta per unit (init 0.5, SPEC section 3). */
export class Swish implements Layer {
  readonly kind = "swish";
  readonly params: readonly ParamSlot[];
  readonly cachePerRow = 0;
  readonly outSize: number;
  constructor(readonly inSize: number, betaInit = 0.5) {
    this.outSize = inSize;
    this.params = [{ name: "beta", shape: [inSize], init: { kind: "constant", value: betaInit } }];
  }
  forward(ctx: LayerContext, x: Ptr, p: Ptr, y: Ptr): void {
    ctx.rt.wasm.swish_forward(x, p, y, ctx.rows, this.inSize);
  }
  backward(ctx: LayerContext, x: Ptr, p: Ptr, _y: Ptr, _c: Ptr, dy: Ptr, dx: Ptr, dp: Ptr): number {
    ctx.rt.wasm.swish_backward(x, p, dy, dx, dp, ctx.rows, this.inSize, 1);
    return 0;
  }
}
