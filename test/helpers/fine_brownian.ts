// Test-only reference Brownian path: f64 increments and space-time Levy areas on a fine dyadic
// grid from a seeded generator (xorshift128+ and Box-Muller, independent of the package's RNG),
// combined exactly for any coarser dyadic interval by Chen's relation:
//   W(a,c) = W(a,b) + W(b,c),   I10(a,c) = I10(a,b) + I10(b,c) + (c - b) W(a,b),
// with I10(s,t) = int_s^t W(s,u) du = h (H(s,t) + W(s,t)/2).
import type { Runtime } from "../../src/runtime/load.js";
import type { BrownianPath } from "../../src/sde/brownian/path.js";

export function gaussianStream(seed: number): () => number {
  let s0 = (seed * 0x9e3779b9) >>> 0 || 1, s1 = (seed ^ 0x85ebca6b) >>> 0 || 2, s2 = 0x27d4eb2f, s3 = 0x165667b1;
  const next = (): number => {
    // xoshiro128** (32-bit) -> uniform in (0, 1)
    const r = Math.imul(Math.imul(s1, 5) << 7 | Math.imul(s1, 5) >>> 25, 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = s3 << 11 | s3 >>> 21;
    return (r + 0.5) / 4294967296;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) { const v = spare; spare = null; return v; }
    const u = next(), v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export class FineBrownian implements BrownianPath {
  /** dW[k * dim + i] and I10[k * dim + i] of fine step k. */
  readonly dW: Float64Array;
  readonly I10: Float64Array;
  readonly h: number;
  constructor(private readonly rt: Runtime, readonly dim: number, readonly fineSteps: number,
              readonly t0: number, readonly t1: number, seed: number) {
    this.h = (t1 - t0) / fineSteps;
    const g = gaussianStream(seed);
    this.dW = new Float64Array(fineSteps * dim);
    this.I10 = new Float64Array(fineSteps * dim);
    const sd = Math.sqrt(this.h), sdH = Math.sqrt(this.h / 12);
    for (let k = 0; k < this.dW.length; k++) {
      const w = sd * g(), H = sdH * g();
      this.dW[k] = w;
      this.I10[k] = this.h * (H + w / 2);
    }
  }

  private index(t: number): number {
    const k = Math.round((t - this.t0) / this.h);
    if (Math.abs(this.t0 + k * this.h - t) > 1e-9 * (this.t1 - this.t0)) throw new Error(`t=${t} is not on the fine grid`);
    return k;
  }

  /** f64 W(s,t) and I10(s,t) per dimension. */
  interval(s: number, t: number): { w: Float64Array; i10: Float64Array } {
    const a = this.index(s), b = this.index(t), d = this.dim;
    const w = new Float64Array(d), i10 = new Float64Array(d);
    for (let k = a; k < b; k++) {
      for (let i = 0; i < d; i++) {
        // append fine step k (length h) to [s, t_k]: I10 += I10_k + h * W(s, t_k)
        i10[i] += this.I10[k * d + i]! + this.h * w[i]!;
        w[i] += this.dW[k * d + i]!;
      }
    }
    return { w, i10 };
  }

  increment(s: number, t: number, out: number): void {
    const { w } = this.interval(s, t);
    new Float32Array(this.rt.memory.buffer, out, this.dim).set(w);
  }

  levyArea(s: number, t: number, out: number): void {
    const { w, i10 } = this.interval(s, t);
    const h = t - s;
    const v = new Float32Array(this.rt.memory.buffer, out, this.dim);
    for (let i = 0; i < this.dim; i++) v[i] = i10[i]! / h - w[i]! / 2;
  }
}

export { logLogSlope } from "./strong_order.mjs";
