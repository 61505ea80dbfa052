// Test-only drifts and noise sources for the SDE-BNN block tests (the example SDEs live in
// src/sde/examples.ts).
import type { Runtime } from "../../src/runtime/load.js";
import { gaussianStream } from "./fine_brownian.js";

/** NN(w) = c w + d elementwise (a linear posterior drift correction), with parameter gradients. */
export class LinearWeightDrift {
  gradC = 0;
  gradD = 0;
  constructor(private readonly rt: Runtime, readonly dim: number, public c: number, public d: number) {}
  private ones(n: number): number {
    return this.rt.arena.f32From(new Float32Array(n).fill(1)).ptr;
  }
  forward(_t: number, w: number, out: number, rows = 1): void {
    const n = this.dim * rows;
    this.rt.arena.scoped(() => this.rt.wasm.sde_lincomb(out, 0, n, this.c, w, this.d, this.ones(n), 0, 0));
  }
  vjp(_t: number, w: number, v: number, outW: number, params: boolean, rows = 1): void {
    const n = this.dim * rows;
    this.rt.wasm.sde_lincomb(outW, 0, n, this.c, v, 0, 0, 0, 0);
    if (params) {
      this.gradC += this.rt.wasm.vec_dot(v, w, n);
      this.gradD += this.rt.wasm.vec_sum(v, n);
    }
  }
}

/**
 * Test-only fixed-grid Brownian source: the increment of step k is sqrt(dt) N(0, I) from a
 * stream seeded by (seed, k), so any step can be regenerated in any order.
 */
export class GridNoise {
  constructor(private readonly rt: Runtime, readonly dim: number, private readonly seed: number,
              readonly t0 = 0, readonly t1 = 1) {}
  increment(s: number, t: number, out: number): void {
    const k = Math.round(s * 1e6);
    const g = gaussianStream(this.seed * 1000003 + k);
    const v = new Float32Array(this.rt.memory.buffer, out, this.dim);
    const sd = Math.sqrt(t - s);
    for (let i = 0; i < this.dim; i++) v[i] = sd * g();
  }
}

/**
 * A small nonlinear hidden drift for block tests: f_h(h; w) = a * h + b * h^2 elementwise with
 * w = (a, b) (D_w = 2 H).
 */
export class QuadraticHiddenDrift {
  readonly weightSize: number;
  private readonly tmp: number;
  constructor(private readonly rt: Runtime, readonly hiddenSize: number) {
    this.weightSize = 2 * hiddenSize;
    this.tmp = rt.arena.alloc(hiddenSize * 4);
  }
  forward(_t: number, h: number, w: number, out: number): void {
    const H = this.hiddenSize, x = this.rt.wasm;
    x.sde_muladd(this.tmp, 0, H, 1, h, h);
    x.sde_muladd(out, 0, H, 1, w + H * 4, this.tmp);
    x.sde_muladd(out, out, H, 1, w, h);
  }
  vjp(_t: number, h: number, w: number, v: number, outH: number, outW: number): void {
    const H = this.hiddenSize, x = this.rt.wasm;
    x.sde_muladd(this.tmp, 0, H, 2, w + H * 4, h); // 2 b h
    x.sde_lincomb(this.tmp, this.tmp, H, 1, w, 0, 0, 0, 0); // a + 2 b h
    x.sde_muladd(outH, 0, H, 1, this.tmp, v);
    x.sde_muladd(outW, 0, H, 1, h, v);
    x.sde_muladd(this.tmp, 0, H, 1, h, h);
    x.sde_muladd(outW + H * 4, 0, H, 1, this.tmp, v);
  }
}

export { ScalarOU, RotatingOU, GBM, CubicDrift } from "../../src/sde/examples.js";
