import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { ParamRef } from "../nn/params.js";
import type { Stack } from "../nn/stack.js";
import type { HiddenDrift, WeightDrift } from "./block_terms.js";

/**
 * f_h(h, t; w) as a layer stack over a batch of `rows` examples whose parameter segment is the
 * weight state w_t itself (D_w = stack.paramCount). In-step activations live only for one call.
 */
export class StackHiddenDrift implements HiddenDrift {
  readonly hiddenSize: number;
  readonly weightSize: number;
  constructor(private readonly rt: Runtime, readonly stack: Stack, readonly rows: number) {
    if (stack.inSize !== stack.outSize) {
      throw new ArgumentError(`a hidden drift must map the state to its own shape: stack maps ${stack.inSize} -> ${stack.outSize}`);
    }
    this.hiddenSize = rows * stack.inSize;
    this.weightSize = stack.paramCount;
  }
  forward(t: number, h: Ptr, w: Ptr, out: Ptr): void {
    const rt = this.rt;
    rt.arena.scoped(() => this.stack.forward({ rt, t, rows: this.rows }, h, w, out));
  }
  vjp(t: number, h: Ptr, w: Ptr, v: Ptr, outH: Ptr, outW: Ptr): void {
    const rt = this.rt, ctx = { rt, t, rows: this.rows };
    rt.arena.scoped(() => {
      const tape = this.stack.forward(ctx, h, w);
      rt.wasm.sde_lincomb(outW, 0, this.weightSize, 0, 0, 0, 0, 0, 0);
      this.stack.backward(ctx, tape, v, outH, outW);
    });
  }
}

/**
 * The hypernetwork NN(w, t; phi) as a layer stack evaluated on rows of weight vectors (one per
 * Monte-Carlo sample, dimension D_w each), its parameters phi a range of the model's parameter block.
 */
export class StackWeightDrift implements WeightDrift {
  readonly dim: number;
  constructor(private readonly rt: Runtime, readonly stack: Stack, readonly phi: ParamRef) {
    if (stack.inSize !== stack.outSize) throw new ArgumentError(`the hypernetwork must map D_w -> D_w, got ${stack.inSize} -> ${stack.outSize}`);
    if (phi.size !== stack.paramCount) throw new ArgumentError(`hypernetwork parameters: expected ${stack.paramCount} floats, got ${phi.size}`);
    this.dim = stack.inSize;
  }
  forward(t: number, w: Ptr, out: Ptr, rows: number): void {
    const rt = this.rt;
    rt.arena.scoped(() => this.stack.forward({ rt, t, rows }, w, this.phi.ptr, out));
  }
  vjp(t: number, w: Ptr, v: Ptr, outW: Ptr, params: boolean, rows: number): void {
    this.forwardVjp(t, w, 0, () => v, outW, params, rows);
  }
  forwardVjp(t: number, w: Ptr, out: Ptr, cotangent: () => Ptr, outW: Ptr, params: boolean, rows: number): void {
    const rt = this.rt, ctx = { rt, t, rows };
    rt.arena.scoped(() => {
      const tape = this.stack.forward(ctx, w, this.phi.ptr, out);
      const v = cotangent();
      const dp = params ? this.phi.grad : rt.arena.alloc(this.stack.paramCount * 4, true);
      this.stack.backward(ctx, tape, v, outW, dp);
    });
  }
}
