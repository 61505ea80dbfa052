// The per-weight diffusion scale of the SDE-BNN block (model.diffusionScale "init"): weight i
// diffuses with sigma s_i, and the path KL uses u_i = NN_i / (sigma s_i). Checked on the block
// with f_h = a h + b h^2 (w = (a, b)) and NN(w) = c w + d, driven by replayed increments dW, Euler:
// - the loss L = c . h(T) + lambda KL ("quadratic" and "stl") equals an independent f64 solve with
//   w' = w + dt (-w + NN(w)) + sigma s (x) dW and dkl = 1/2 |NN / (sigma s)|^2 dt
//   [+ (NN / (sigma s)) . dW] (relative 1e-5), and its gradients w.r.t. w_0 and h(0) equal central
//   f64 differences of that solve (relative 1e-3);
// - ScaledBrownian's increments are s_i dW_i bit for bit;
// - initDiffusionScales gives each slot its init std (He-normal kernels, 0.01 biases).
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { SdeBnnBlock } from "../../src/sde/block.js";
import type { KlEstimator } from "../../src/sde/block_terms.js";
import { ReplayBrownian } from "../../src/sde/brownian/replay.js";
import { ScaledBrownian } from "../../src/sde/brownian/scaled.js";
import { initDiffusionScales } from "../../src/sde/diffusion_scale.js";
import { imageBlockDrift } from "../../src/models/image.js";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { LinearWeightDrift, QuadraticHiddenDrift } from "../helpers/test_sdes.js";

const H = 3, D = 2 * H, STEPS = 8, SIGMA = 0.4, LAMBDA = 0.7, NC = -0.2, ND = 0.1;
const g = gaussianStream(31);
const W0 = Array.from({ length: D }, () => Math.fround(0.5 * Math.tanh(g())));
const H0 = Array.from({ length: H }, () => Math.fround(0.7 * Math.tanh(g())));
const CO = Array.from({ length: H }, () => Math.fround(g()));
const SCALE = Float32Array.from({ length: D }, (_, i) => [0.05, 0.3, 1, 2.5, 0.01, 0.7][i]!);
const DW = Array.from({ length: STEPS * D }, () => Math.fround(Math.sqrt(1 / STEPS) * g()));

function reference(kl: KlEstimator, w0: number[], h0: number[]): number {
  let h = [...h0], w = [...w0], k = 0;
  const dt = 1 / STEPS;
  for (let n = 0; n < STEPS; n++) {
    const u = w.map((x, i) => (NC * x + ND) / (SIGMA * SCALE[i]!));
    const fh = h.map((x, i) => w[i]! * x + w[H + i]! * x * x);
    k += 0.5 * u.reduce((a, x) => a + x * x, 0) * dt;
    if (kl !== "quadratic") k += u.reduce((a, x, i) => a + x * DW[n * D + i]!, 0);
    const wNext = w.map((x, i) => x + dt * (-x + NC * x + ND) + SIGMA * SCALE[i]! * DW[n * D + i]!);
    h = h.map((x, i) => x + dt * fh[i]!);
    w = wNext;
  }
  return h.reduce((a, x, i) => a + CO[i]! * x, 0) + LAMBDA * k;
}

describe("per-weight diffusion scale", () => {
  for (const kl of ["quadratic", "stl"] as const) {
    it(`${kl}: loss and gradients equal an f64 solve with diffusion sigma s_i and u_i = NN_i / (sigma s_i)`, async () => {
      const rt = await freshRuntime();
      const space = new ParamSpace();
      const block = new SdeBnnBlock(rt, space, "b", () => new QuadraticHiddenDrift(rt, H), new LinearWeightDrift(rt, D, NC, ND), {
        sigma: SIGMA, steps: STEPS, kl, diffusionScale: SCALE, w0Init: { kind: "values", fill: (o) => o.set(W0) },
      });
      space.allocate(rt);
      const h0 = rt.arena.f32From(H0);
      const run = block.forward(h0.ptr, 1, new ReplayBrownian(rt, { data: DW, shape: [STEPS, D] }), 1, true);
      const hT = Array.from(new Float32Array(rt.memory.buffer, run.hOut, H));
      const L = hT.reduce((a, x, i) => a + CO[i]! * x, 0) + LAMBDA * run.kl;
      const ref = reference(kl, W0, H0);
      expect(Math.abs(L - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));
      new Float32Array(rt.memory.buffer, block.w0.grad, D).fill(0);
      const adjIn = rt.arena.f32(H);
      block.backward(run, rt.arena.f32From(CO).ptr, LAMBDA, adjIn.ptr);
      const gw = Array.from(new Float32Array(rt.memory.buffer, block.w0.grad, D)), gh = Array.from(adjIn.view);
      const eps = 1e-6;
      const fd = (f: (d: number) => number) => (f(eps) - f(-eps)) / (2 * eps);
      W0.forEach((_, j) => {
        const d = fd((e) => reference(kl, W0.map((v, i) => (i === j ? v + e : v)), H0));
        expect(Math.abs(gw[j]! - d), `w0[${j}]`).toBeLessThan(1e-3 * Math.max(1, Math.abs(d)));
      });
      H0.forEach((_, j) => {
        const d = fd((e) => reference(kl, W0, H0.map((v, i) => (i === j ? v + e : v))));
        expect(Math.abs(gh[j]! - d), `h0[${j}]`).toBeLessThan(1e-3 * Math.max(1, Math.abs(d)));
      });
    });
  }

  it("ScaledBrownian multiplies every increment by its scale, bit for bit", async () => {
    const rt = await freshRuntime();
    const inner = new ReplayBrownian(rt, { data: DW, shape: [STEPS, D] });
    const scale = rt.arena.f32From(SCALE);
    const path = new ScaledBrownian(rt, inner, scale.ptr);
    const out = rt.arena.f32(D);
    path.increment(0.25, 0.5, out);
    const ref = rt.arena.f32(D);
    inner.increment(0.25, 0.5, ref);
    expect(Array.from(out.view)).toEqual(Array.from(ref.view, (v, i) => Math.fround(SCALE[i]! * v)));
  });

  it("initDiffusionScales: the init std of every slot of the image f_h", () => {
    const f = imageBlockDrift({ C: 3, H: 4, W: 4 }, 16);
    const s = initDiffusionScales(f);
    for (const slot of f.slots()) {
      const std = slot.init.kind === "normal" ? slot.init.std : NaN;
      expect(Array.from(new Set(s.subarray(slot.offset, slot.offset + slot.size)))).toEqual([Math.fround(std)]);
    }
    expect(Math.fround(Math.sqrt(2 / 36))).toBe(s[0]);
  });
});
