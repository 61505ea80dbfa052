import type { Runtime } from "../../runtime/load.js";
import { ArgumentError } from "../../runtime/errors.js";
import {
  checkDim, checkInterval, checkWord, outPtr, checkQuery, type BrownianOut, type BrownianPath,
} from "./path.js";

/** The deepest tree the kernel walks (cells of (t1 - t0) / 2^30). */
export const TREE_MAX_DEPTH = 30;

export interface VirtualBrownianTreeOptions {
  seed: number;
  stream?: number;
  dim: number;
  t0?: number;
  t1?: number;
  /** Finest resolution in time: depth = smallest d with (t1 - t0) / 2^d <= tol. */
  tol?: number;
  /** Tree depth 0..30 (overrides tol); default 20. */
  depth?: number;
}

/**
 * Virtual Brownian tree (Li et al. 2020; diffrax's VirtualBrownianTree with space-time Levy area):
 * W_{s,t} and H_{s,t} for any t0 <= s <= t <= t1, identical bits whatever the order or number of
 * queries, O(depth) normals per query and element, nothing stored beyond the key. Exact Brownian
 * law at the dyadic points of the tree; between them, the conditional mean given the finest cell's
 * (W, H) (a piecewise-quadratic path).
 */
export class VirtualBrownianTree implements BrownianPath {
  readonly seed: number;
  readonly stream: number;
  readonly dim: number;
  readonly t0: number;
  readonly t1: number;
  readonly depth: number;
  readonly continuous = true;

  constructor(private readonly rt: Runtime, options: VirtualBrownianTreeOptions) {
    this.seed = checkWord(options.seed, "seed");
    this.stream = checkWord(options.stream ?? 0, "stream");
    this.dim = checkDim(options.dim);
    this.t0 = options.t0 ?? 0;
    this.t1 = options.t1 ?? 1;
    checkInterval(this.t0, this.t1);
    const L = this.t1 - this.t0;
    if (options.depth !== undefined) {
      if (!Number.isInteger(options.depth) || options.depth < 0 || options.depth > TREE_MAX_DEPTH) {
        throw new ArgumentError(`depth must be an integer in [0, ${TREE_MAX_DEPTH}], got ${String(options.depth)}`);
      }
      this.depth = options.depth;
    } else if (options.tol !== undefined) {
      const tol = options.tol;
      if (typeof tol !== "number" || !(tol > 0) || !Number.isFinite(tol)) {
        throw new ArgumentError(`tol must be a positive finite number, got ${String(tol)}`);
      }
      let d = 0;
      while (d <= TREE_MAX_DEPTH && L / 2 ** d > tol) d++;
      if (d > TREE_MAX_DEPTH) {
        throw new ArgumentError(
          `tol = ${tol} needs a tree deeper than ${TREE_MAX_DEPTH} levels on [${this.t0}, ${this.t1}] (finest cell ${L / 2 ** TREE_MAX_DEPTH})`);
      }
      this.depth = d;
    } else {
      this.depth = 20;
    }
  }

  private query(s: number, t: number, w: number, h: number): void {
    this.rt.wasm.brownian_tree(this.seed, this.stream, this.depth, this.dim, this.t0, this.t1, s, t, w, h);
  }

  increment(s: number, t: number, out: BrownianOut): void {
    checkQuery(this, s, t);
    this.query(s, t, outPtr(out, this.dim), 0);
  }

  levyArea(s: number, t: number, out: BrownianOut): void {
    checkQuery(this, s, t);
    this.query(s, t, 0, outPtr(out, this.dim));
  }

  /** W_{s,t} and H_{s,t} in one walk (what an SRA-type solver step needs). */
  incrementAndLevyArea(s: number, t: number, outW: BrownianOut, outH: BrownianOut): void {
    checkQuery(this, s, t);
    this.query(s, t, outPtr(outW, this.dim, "outW"), outPtr(outH, this.dim, "outH"));
  }

  /** W(t) - W(t0). */
  value(t: number, out: BrownianOut): void {
    this.increment(this.t0, t, out);
  }

  /** The increments between consecutive `times` (non-decreasing), shape [times.length - 1][dim]. */
  readIncrements(times: ArrayLike<number>): Float32Array {
    const m = times.length - 1;
    if (m < 0) throw new ArgumentError("readIncrements(times) needs at least one time");
    const result = new Float32Array(Math.max(0, m) * this.dim);
    this.rt.arena.scoped(() => {
      const buf = this.rt.arena.f32(this.dim, false);
      for (let k = 0; k < m; k++) {
        this.increment(times[k]!, times[k + 1]!, buf);
        result.set(buf.view, k * this.dim);
      }
    });
    return result;
  }
}
