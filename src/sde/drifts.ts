import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { ParamRef } from "../nn/params.js";
import type { Stack } from "../nn/stack.js";
import type { HiddenDrift, WeightDrift } from "./block_terms.js";

/** A forward pass kept for the backward pass: its inputs (copies) and its layer outputs. */
interface KeptTape { readonly t: number; readonly h: Ptr; readonly w: Ptr; readonly ys: Ptr[]; readonly caches: Ptr[]; readonly derivatives?: readonly boolean[] }

const align64 = (bytes: number) => (bytes + 63) & ~63;

/**
 * f_h(h, t; w) as a layer stack over a batch of `rows` examples whose parameter segment is the
 * weight state w_t itself (D_w = stack.paramCount). In-step activations live for one call, unless
 * the block lends a region to keep them (keepTapes): then a vjp at the same (t, h, w), bit for
 * bit, reuses the forward's layer outputs instead of recomputing them (same bits either way).
 */
export class StackHiddenDrift implements HiddenDrift {
  readonly hiddenSize: number;
  readonly weightSize: number;
  /** Bytes one kept forward pass takes: copies of h and w, every layer output and cache. */
  readonly tapeBytes: number;
  private kept: KeptTape[] = [];
  private top = 0;
  private end = 0;
  constructor(private readonly rt: Runtime, readonly stack: Stack, readonly rows: number) {
    if (stack.inSize !== stack.outSize) {
      throw new ArgumentError(`a hidden drift must map the state to its own shape: stack maps ${stack.inSize} -> ${stack.outSize}`);
    }
    this.hiddenSize = rows * stack.inSize;
    this.weightSize = stack.paramCount;
    this.tapeBytes = align64(this.hiddenSize * 4) + align64(this.weightSize * 4) +
      stack.layers.reduce((s, l) => s + align64(rows * l.outSize * 4) + (l.cachePerRow ? align64(rows * l.cachePerRow * 4) : 0), 0);
  }

  /** Keep forward passes in [region, region + bytes) (64-byte aligned) until releaseTapes(). */
  keepTapes(region: Ptr, bytes: number): void {
    this.kept = [];
    this.top = region;
    this.end = region + bytes;
  }

  releaseTapes(): void {
    this.kept = [];
    this.top = this.end = 0;
  }

  forward(t: number, h: Ptr, w: Ptr, out: Ptr): void {
    const rt = this.rt, ctx = { rt, t, rows: this.rows };
    if (this.top && this.top + this.tapeBytes <= this.end) {
      const take = (bytes: number) => { const p = this.top; this.top += align64(bytes); return p; };
      const hc = take(this.hiddenSize * 4), wc = take(this.weightSize * 4);
      rt.wasm.sde_lincomb(hc, h, this.hiddenSize, 0, 0, 0, 0, 0, 0);
      rt.wasm.sde_lincomb(wc, w, this.weightSize, 0, 0, 0, 0, 0, 0);
      rt.arena.scoped(() => {
        const tape = this.stack.forward(ctx, h, w, 0, take, true);
        rt.wasm.sde_lincomb(out, tape.ys[tape.ys.length - 1]!, this.hiddenSize, 0, 0, 0, 0, 0, 0);
        this.kept.push({ t, h: hc, w: wc, ys: tape.ys, caches: tape.caches, derivatives: tape.derivatives });
      });
      return;
    }
    rt.arena.scoped(() => this.stack.forward(ctx, h, w, out));
  }

  vjp(t: number, h: Ptr, w: Ptr, v: Ptr, outH: Ptr, outW: Ptr): void {
    const rt = this.rt, ctx = { rt, t, rows: this.rows };
    const at = this.kept.findIndex((e) => e.t === t && rt.wasm.vec_equal_bits(e.h, h, this.hiddenSize) === 1 &&
      rt.wasm.vec_equal_bits(e.w, w, this.weightSize) === 1);
    const hit = at >= 0 ? this.kept.splice(at, 1)[0]! : null; // used once: backward may consume caches
    rt.arena.scoped(() => {
      const tape = hit ? { x: h, p: w, ys: hit.ys, caches: hit.caches, derivatives: hit.derivatives } : this.stack.forward(ctx, h, w, 0, undefined, true);
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
