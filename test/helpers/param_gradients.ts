// Central differences of a model's loss along seeded unit-RMS directions, one parameter tensor at a
// time, against the analytic gradient the loss function leaves in the gradient block.
import { expect } from "vitest";
import type { ParamSpace } from "../../src/nn/params.js";
import { uniform } from "../kernels/helpers.js";

/**
 * `loss()` zeroes the gradients, runs a training step and returns its loss. Tolerance: relative
 * error < tol (f32 losses, step h along unit-RMS directions).
 */
export function expectTensorGradients(space: ParamSpace, loss: () => number, tol = 2e-2, h = 3e-3): void {
  const { params, grads } = space.allocated;
  loss();
  const g = grads.view.slice();
  const base = params.view.slice();
  for (const e of space.list) {
    const dir = uniform(e.size, e.offset + 1);
    let rms = 0;
    for (const v of dir) rms += v * v;
    rms = Math.sqrt(rms / e.size);
    let analytic = 0;
    for (let i = 0; i < e.size; i++) { dir[i]! /= rms; analytic += g[e.offset + i]! * dir[i]!; }
    const at = (c: number) => { params.view.set(base); for (let i = 0; i < e.size; i++) params.view[e.offset + i]! += c * dir[i]!; return loss(); };
    const fd = (at(h) - at(-h)) / (2 * h);
    params.view.set(base);
    const err = Math.abs(fd - analytic) / Math.max(Math.abs(fd), 1e-2);
    expect(err, `${e.name}: analytic ${analytic} vs fd ${fd}`).toBeLessThan(tol);
  }
}
