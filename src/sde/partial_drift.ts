// Partially stochastic weights (PSDE-BNN, Calvo-Ordonez et al., ICML 2024): only a contiguous
// range of f_h's parameter vector follows the weight SDE; the rest are ordinary point parameters,
// constant along depth (dw = 0 for them, no diffusion, no KL). The SDE state then has D_s = `count`
// weights instead of D_w, so the hypernetwork maps D_s -> D_s.
import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { ParamRef } from "../nn/params.js";
import type { HiddenDrift } from "./block_terms.js";

/** The stochastic part of f_h's flat parameter vector: floats [offset, offset + count). */
export interface StochasticRange {
  offset: number;
  count: number;
}

/**
 * f_h(h, t; [fixed_head, w_t, fixed_tail]): wraps a hidden drift over the FULL parameter vector of
 * D floats; the SDE supplies only w_t (the stochastic range), `fixed` holds the other D - count
 * floats (head then tail) as point parameters whose gradients accumulate into fixed.grad.
 */
export class PartialHiddenDrift implements HiddenDrift {
  readonly hiddenSize: number;
  readonly weightSize: number;
  readonly tapeBytes?: number;
  private readonly full: number;

  constructor(private readonly rt: Runtime, private readonly inner: HiddenDrift, private readonly fixed: ParamRef,
              private readonly range: StochasticRange) {
    this.full = inner.weightSize;
    const { offset, count } = range;
    if (!(Number.isInteger(offset) && Number.isInteger(count) && offset >= 0 && count >= 1 && offset + count <= this.full)) {
      throw new ArgumentError(`stochastic range [${offset}, ${offset + count}) must lie inside f_h's ${this.full} parameters`);
    }
    if (fixed.size !== this.full - count) throw new ArgumentError(`fixed parameters: expected ${this.full - count} floats, got ${fixed.size}`);
    this.hiddenSize = inner.hiddenSize;
    this.weightSize = count;
    if (inner.keepTapes && inner.tapeBytes) this.tapeBytes = inner.tapeBytes;
  }

  keepTapes(region: Ptr, bytes: number): void { this.inner.keepTapes?.(region, bytes); }
  releaseTapes(): void { this.inner.releaseTapes?.(); }

  /** The full parameter vector [fixed head, w, fixed tail] in a fresh arena buffer. */
  private assemble(w: Ptr): Ptr {
    const { rt, range: { offset, count } } = this, wasm = rt.wasm;
    const p = rt.arena.alloc(this.full * 4);
    wasm.sde_lincomb(p, this.fixed.ptr, offset, 0, 0, 0, 0, 0, 0);
    wasm.sde_lincomb(p + offset * 4, w, count, 0, 0, 0, 0, 0, 0);
    wasm.sde_lincomb(p + (offset + count) * 4, this.fixed.ptr + offset * 4, this.full - offset - count, 0, 0, 0, 0, 0, 0);
    return p;
  }

  forward(t: number, h: Ptr, w: Ptr, out: Ptr): void {
    this.rt.arena.scoped(() => this.inner.forward(t, h, this.assemble(w), out));
  }

  /** outW <- the stochastic part of v^T df_h/dp; the fixed parts are ADDED to fixed.grad. */
  vjp(t: number, h: Ptr, w: Ptr, v: Ptr, outH: Ptr, outW: Ptr): void {
    const { rt, range: { offset, count } } = this, wasm = rt.wasm;
    rt.arena.scoped(() => {
      const g = rt.arena.alloc(this.full * 4);
      this.inner.vjp(t, h, this.assemble(w), v, outH, g);
      wasm.sde_lincomb(outW, g + offset * 4, count, 0, 0, 0, 0, 0, 0);
      wasm.vec_axpy(1, g, this.fixed.grad, offset);
      wasm.vec_axpy(1, g + (offset + count) * 4, this.fixed.grad + offset * 4, this.full - offset - count);
    });
  }
}
