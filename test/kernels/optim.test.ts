// Adam and parameter EMA against f64 references over several steps.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { adamStep, type AdamOptions } from "../../src/optim/adam.js";
import { emaUpdate } from "../../src/optim/ema.js";
import { ArgumentError } from "../../src/runtime/errors.js";
import { buf, expectClose, uniform } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

/** Adam / AdamW as in PyTorch, in f64. */
function adamRef(p: Float64Array, m: Float64Array, v: Float64Array, g: ArrayLike<number>, o: Required<AdamOptions>, step: number): void {
  const bc1 = 1 - o.beta1 ** step, bc2 = 1 - o.beta2 ** step;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    if (o.decoupled) p[i] = p[i]! * (1 - o.lr * o.weightDecay);
    else gi += o.weightDecay * p[i]!;
    m[i] = o.beta1 * m[i]! + (1 - o.beta1) * gi;
    v[i] = o.beta2 * v[i]! + (1 - o.beta2) * gi * gi;
    p[i] = p[i]! - (o.lr / bc1) * m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + o.eps);
  }
}

const CONFIGS: Required<AdamOptions>[] = [
  { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false },
  { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false },
  { lr: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: true },
];

describe("Adam", () => {
  for (const [ci, o] of CONFIGS.entries()) {
    for (const n of [1, 3, 17, 1031]) {
      it(`config ${ci} (wd=${o.weightDecay}, decoupled=${o.decoupled}) n=${n}: 25 steps track the f64 reference`, () => {
        rt.arena.scoped(() => {
          const p0 = uniform(n, n + ci, -2, 2);
          const params = buf(rt, p0), m = rt.arena.f32(n), v = rt.arena.f32(n), grads = rt.arena.f32(n);
          const pr = Float64Array.from(p0), mr = new Float64Array(n), vr = new Float64Array(n);
          for (let step = 1; step <= 25; step++) {
            const g = uniform(n, 1000 * step + ci, -1, 1);
            if (step % 7 === 0) g.fill(0, 0, Math.ceil(n / 2)); // zero gradients keep moving by momentum
            grads.view.set(g);
            adamStep(rt, { params, grads, m, v }, o, step);
            adamRef(pr, mr, vr, g, o, step);
          }
          // p is rounded to f32 once per step: allow one f32 epsilon of |p| per step, plus a 1e-4
          // relative error of each lr-sized update
          for (let i = 0; i < n; i++) {
            const tol = 25 * (2 ** -23 * Math.abs(pr[i]!) + 1e-4 * o.lr);
            expect(Math.abs(params.view[i]! - pr[i]!), `p[${i}]`).toBeLessThanOrEqual(tol);
          }
          expectClose(m.view, mr, "m", 1e-5, 1e-2);
          expectClose(v.view, vr, "v", 1e-5, 1e-3);
        });
      });
    }
  }

  it("first step moves every parameter by lr against the gradient sign (bias correction)", () => {
    rt.arena.scoped(() => {
      const n = 9;
      const p0 = uniform(n, 3), g = uniform(n, 4, -5, 5);
      const params = buf(rt, p0);
      adamStep(rt, { params, grads: buf(rt, g), m: rt.arena.f32(n), v: rt.arena.f32(n) }, { lr: 0.01, eps: 0 }, 1);
      for (let i = 0; i < n; i++) expect(params.view[i]! - p0[i]!).toBeCloseTo(-0.01 * Math.sign(g[i]!), 6);
    });
  });

  it("validates options and sizes", () => {
    rt.arena.scoped(() => {
      const a = rt.arena.f32(4), b = rt.arena.f32(4), c = rt.arena.f32(4), d = rt.arena.f32(3);
      expect(() => adamStep(rt, { params: a, grads: b, m: c, v: d }, { lr: 1e-3 }, 1)).toThrow(/'v' must hold params.length = 4 f32 values, got 3/);
      expect(() => adamStep(rt, { params: a, grads: b, m: c, v: c }, { lr: 1e-3, beta1: 1 }, 1)).toThrow(/'beta1' must lie in \[0, 1\), got 1/);
      expect(() => adamStep(rt, { params: a, grads: b, m: c, v: c }, { lr: -1 }, 1)).toThrow(ArgumentError);
      expect(() => adamStep(rt, { params: a, grads: b, m: c, v: c }, { lr: 1e-3 }, 0)).toThrow(/'step' must be a positive integer, got number 0/);
    });
  });
});

describe("EMA", () => {
  for (const n of [1, 5, 31, 1001]) {
    it(`n=${n}: 20 updates with decay 0.999 and 0.9 track f64`, () => {
      for (const decay of [0.999, 0.9]) {
        rt.arena.scoped(() => {
          const e0 = uniform(n, n);
          const ema = buf(rt, e0), p = rt.arena.f32(n);
          const er = Float64Array.from(e0);
          const dk = Math.fround(decay), ck = Math.fround(1 - decay); // the f32 coefficients the kernel uses
          for (let s = 0; s < 20; s++) {
            const ps = uniform(n, 50 + s, -3, 3);
            p.view.set(ps);
            emaUpdate(rt, ema, p, decay);
            for (let i = 0; i < n; i++) er[i] = dk * er[i]! + ck * ps[i]!;
          }
          expectClose(ema.view, er, `ema decay ${decay}`, 2e-6, 1);
        });
      }
    });
  }
  it("rejects decay outside [0, 1]", () => {
    rt.arena.scoped(() => {
      const a = rt.arena.f32(2), b = rt.arena.f32(2);
      expect(() => emaUpdate(rt, a, b, 1.5)).toThrow(/'decay' must lie in \[0, 1\], got 1.5/);
    });
  });
});
