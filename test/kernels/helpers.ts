// Shared fixtures for the kernel tests: seeded inputs, f64 central finite differences and
// gradient comparison with a stated tolerance.
import { expect } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import type { F32Buffer } from "../../src/runtime/memory.js";

/** The odd sizes every gradient test runs over (issue 4). */
export const ODD_SIZES = [1, 3, 5, 7, 17, 31] as const;

/** mulberry32: a seeded generator of uniforms in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n f32-representable values uniform in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** Copies values into a fresh arena buffer. */
export function buf(rt: Runtime, values: ArrayLike<number>): F32Buffer {
  return rt.arena.f32From(values);
}

/** Garbage-filled buffer (NaN) to prove outputs are overwritten without being read. */
export function nanBuf(rt: Runtime, n: number): F32Buffer {
  const b = rt.arena.f32(n, false);
  b.view.fill(NaN);
  return b;
}

/**
 * Central finite differences in f64 of the scalar function `loss` with respect to every element
 * of `x` (perturbed in place and restored). Step h = 1e-6 * max(1, |x_i|).
 */
export function finiteDiff(x: Float64Array, loss: () => number): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const h = 1e-6 * Math.max(1, Math.abs(xi));
    x[i] = xi + h;
    const up = loss();
    x[i] = xi - h;
    const down = loss();
    x[i] = xi;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * Every element within relative error `tol` of the finite-difference reference:
 * |got - want| <= tol * max(|want|, floor), floor = 1e-2 * max_j |want_j| (so an element that is
 * tiny only through cancellation is judged on the gradient's own scale), and at least one
 * non-zero reference value (a test of all-zero gradients could not fail).
 */
export function expectGradClose(got: ArrayLike<number>, want: ArrayLike<number>, name: string, tol = 1e-3): void {
  expect(got.length, `${name}: length`).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  expect(scale, `${name}: reference gradient is all zero`).toBeGreaterThan(0);
  const floor = 1e-2 * scale;
  let worst = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / Math.max(Math.abs(want[i]!), floor);
    if (!(e <= worst)) { worst = e; at = i; }
  }
  expect(worst, `${name}: worst relative error at [${at}] got ${got[at]} want ${want[at]}`).toBeLessThan(tol);
}

/** Elementwise |got - want| <= tol * max(|want|, floor) for forward results. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, name: string, tol = 1e-5, floor = 1e-6): void {
  expect(got.length, `${name}: length`).toBe(want.length);
  let worst = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / Math.max(Math.abs(want[i]!), floor);
    if (!(e <= worst)) { worst = e; at = i; }
  }
  expect(worst, `${name}: worst relative error at [${at}] got ${got[at]} want ${want[at]}`).toBeLessThan(tol);
}

export const f64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);
