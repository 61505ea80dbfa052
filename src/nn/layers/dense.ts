import type { Ptr } from "../../runtime/abi.js";
import type { Layer, LayerContext, ParamSlot } from "../layer.js";

/** y = x W + b; parameters W [in x out], b [out]. */
export class Dense implements Layer {
  readonly kind = "dense";
  readonly params: readonly ParamSlot[];
  readonly cachePerRow = 0;
  constructor(readonly inSize: number, readonly outSize: number, zeroInit = false) {
    const init = zeroInit ? { kind: "zeros" as const } : { kind: "uniform" as const, bound: 1 / Math.sqrt(inSize) };
    this.params = [
      { name: "W", shape: [inSize, outSize], init },
      { name: "b", shape: [outSize], init },
    ];
  }

  forward(ctx: LayerContext, x: Ptr, p: Ptr, y: Ptr): void {
    ctx.rt.wasm.dense_forward(x, p, p + this.inSize * this.outSize * 4, y, ctx.rows, this.inSize, this.outSize);
  }

  backward(ctx: LayerContext, x: Ptr, p: Ptr, _y: Ptr, _cache: Ptr, dy: Ptr, dx: Ptr, dp: Ptr): number {
    const off = this.inSize * this.outSize * 4;
    ctx.rt.wasm.dense_backward(x, p, dy, dx, dp, dp + off, ctx.rows, this.inSize, this.outSize, 1);
    return 0;
  }
}
