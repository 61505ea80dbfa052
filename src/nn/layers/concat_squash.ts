import type { Ptr } from "../../runtime/abi.js";
import type { InitSpec, Layer, LayerContext, ParamSlot } from "../layer.js";

/**
 * ConcatSquashLinear (SPEC section 2): y = (x W + b) * sigmoid(a t + c) + d t.
 * Parameters in order W [in x out], b, a, c, d [out]. Initialisation as in the reference code:
 * W ~ He normal (std sqrt(2 / in)), b, a, c, d ~ N(0, 0.01^2), all multiplied by `scale`;
 * scale 0 starts every parameter at zero (the hypernetwork's last layer, so that the posterior
 * starts equal to the prior).
 */
export class ConcatSquash implements Layer {
  readonly kind = "concat_squash";
  readonly params: readonly ParamSlot[];
  readonly cachePerRow: number;
  constructor(readonly inSize: number, readonly outSize: number, scale = 1) {
    const init = (std: number): InitSpec => (scale === 0 ? { kind: "zeros" } : { kind: "normal", std: std * scale });
    this.params = [
      { name: "W", shape: [inSize, outSize], init: init(Math.sqrt(2 / inSize)) },
      { name: "b", shape: [outSize], init: init(0.01) },
      { name: "a", shape: [outSize], init: init(0.01) },
      { name: "c", shape: [outSize], init: init(0.01) },
      { name: "d", shape: [outSize], init: init(0.01) },
    ];
    this.cachePerRow = outSize; // z = x W + b
  }

  private ptrs(p: Ptr): [Ptr, Ptr, Ptr, Ptr, Ptr] {
    const W = p, b = W + this.inSize * this.outSize * 4, a = b + this.outSize * 4, c = a + this.outSize * 4, d = c + this.outSize * 4;
    return [W, b, a, c, d];
  }

  forward(ctx: LayerContext, x: Ptr, p: Ptr, y: Ptr, cache: Ptr): void {
    const [W, b, a, c, d] = this.ptrs(p);
    ctx.rt.wasm.csl_forward(x, W, b, a, c, d, ctx.t, y, cache, ctx.rows, this.inSize, this.outSize);
  }

  backward(ctx: LayerContext, x: Ptr, p: Ptr, _y: Ptr, cache: Ptr, dy: Ptr, dx: Ptr, dp: Ptr): number {
    const [W, , a, c, d] = this.ptrs(p);
    const [dW, db, da, dc, dd] = this.ptrs(dp);
    // the cached z doubles as the kernel's dz scratch: the tape is consumed once
    return ctx.rt.wasm.csl_backward(x, W, a, c, d, ctx.t, cache, dy, dx, dW, db, da, dc, dd, cache,
      ctx.rows, this.inSize, this.outSize, 1);
  }
}
