import type { Ptr } from "../../runtime/abi.js";
import type { Runtime } from "../../runtime/load.js";
import { ArgumentError } from "../../runtime/errors.js";
import { outPtr, type BrownianOut, type BrownianPath } from "./path.js";

/**
 * s (elementwise) times a Brownian path W: increments s_i (W_i(t) - W_i(s)) and Levy areas s_i H_i
 * (both linear in the path). A solver with additive noise sigma driven by it integrates the
 * diffusion sigma s_i per component (the SDE-BNN block's per-weight diffusion scale) without
 * knowing about the scale; every query of the inner path is answered as before, so grids, trees
 * and replays keep their properties (`continuous`, regeneration in any order).
 */
export class ScaledBrownian implements BrownianPath {
  readonly dim: number;
  readonly t0: number;
  readonly t1: number;
  readonly continuous?: boolean;
  readonly levyArea?: (s: number, t: number, out: BrownianOut) => void;

  /** `scale` holds inner.dim floats in wasm memory (kept alive by the caller). */
  constructor(private readonly rt: Runtime, readonly inner: BrownianPath, private readonly scale: Ptr) {
    if (!scale) throw new ArgumentError("a scaled Brownian path needs a scale vector");
    this.dim = inner.dim;
    this.t0 = inner.t0;
    this.t1 = inner.t1;
    if (inner.continuous !== undefined) this.continuous = inner.continuous;
    if (inner.levyArea) {
      const area = inner.levyArea.bind(inner);
      this.levyArea = (s, t, out) => { area(s, t, out); this.apply(out); };
    }
  }

  increment(s: number, t: number, out: BrownianOut): void {
    this.inner.increment(s, t, out);
    this.apply(out);
  }

  private apply(out: BrownianOut): void {
    const p = outPtr(out, this.dim);
    this.rt.wasm.sde_muladd(p, 0, this.dim, 1, this.scale, p);
  }
}
