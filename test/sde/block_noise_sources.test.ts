// Driving the SDE-BNN block with user-supplied increments, reading back the increments a seed
// produced, and the ODE limit (sigma = 0, no hypernetwork) through the same code.
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { SdeBnnBlock } from "../../src/sde/block.js";
import { GridBrownian } from "../../src/sde/brownian/grid.js";
import { ReplayBrownian } from "../../src/sde/brownian/replay.js";
import { gridTime } from "../../src/sde/integrate.js";
import { freshRuntime } from "../helpers/wasm.js";
import { gaussianStream } from "../helpers/fine_brownian.js";
import { LinearWeightDrift, QuadraticHiddenDrift } from "../helpers/test_sdes.js";

const H = 3, D = 6, STEPS = 7;

async function makeBlock(sigma: number, withNet: boolean) {
  const rt = await freshRuntime();
  const g = gaussianStream(9);
  const w0 = Array.from({ length: D }, () => Math.fround(0.4 * g()));
  const space = new ParamSpace();
  const net = withNet ? new LinearWeightDrift(rt, D, -0.2, 0.1) : null;
  const block = new SdeBnnBlock(rt, space, "b", () => new QuadraticHiddenDrift(rt, H), net, {
    sigma, steps: STEPS, kl: "stl", w0Init: { kind: "values", fill: (o) => o.set(w0) },
  });
  space.allocate(rt);
  const h0 = rt.arena.f32From(Array.from({ length: H }, () => Math.fround(g())));
  return { rt, block, w0, h0 };
}

describe("noise sources of the block", () => {
  it("replaying the increments a seed produced reproduces the seeded run bit for bit", async () => {
    const { rt, block, h0 } = await makeBlock(0.3, true);
    const seeded = new GridBrownian(rt, { seed: 42, stream: 5, dim: D, steps: STEPS });
    const a = block.forward(h0.ptr, 1, seeded, 1, false);
    const hA = Array.from(new Float32Array(rt.memory.buffer, a.hOut, H));
    const increments = seeded.readIncrements(); // [steps][D], what the seed produced
    expect(increments.length).toBe(STEPS * D);
    const replay = new ReplayBrownian(rt, { data: increments, shape: [STEPS, D] });
    const b = block.forward(h0.ptr, 1, replay, 1, false);
    expect(Array.from(new Float32Array(rt.memory.buffer, b.hOut, H))).toEqual(hA);
    expect(b.kl).toBe(a.kl);
    // and different increments give a different path
    const other = new ReplayBrownian(rt, { data: increments.map((x) => -x), shape: [STEPS, D] });
    const c = block.forward(h0.ptr, 1, other, 1, false);
    expect(Array.from(new Float32Array(rt.memory.buffer, c.hOut, H))).not.toEqual(hA);
  });

  it("the ODE limit (sigma 0, no hypernetwork) ignores the noise and matches an f64 Euler ODE solve", async () => {
    const { rt, block, w0, h0 } = await makeBlock(0, false);
    const run = (seed: number) => {
      const r = block.forward(h0.ptr, 1, new GridBrownian(rt, { seed, dim: D, steps: STEPS }), 1, false);
      expect(r.kl).toBe(0);
      return Array.from(new Float32Array(rt.memory.buffer, r.hOut, H));
    };
    const x = run(1);
    expect(run(2)).toEqual(x);
    let h = Array.from(h0.view);
    const w = [...w0]; // a neural ODE: the weights stay w_0 (no OU decay; test/sde/ode_limit.test.ts)
    for (let k = 0; k < STEPS; k++) {
      const dt = gridTime({ t0: 0, t1: 1, steps: STEPS }, k + 1) - gridTime({ t0: 0, t1: 1, steps: STEPS }, k);
      const fh = h.map((v, i) => w[i]! * v + w[H + i]! * v * v);
      h = h.map((v, i) => v + dt * fh[i]!);
    }
    x.forEach((v, i) => expect(Math.abs(v - h[i]!)).toBeLessThan(1e-5));
  });

  it("a Brownian source of the wrong dimension is a clear error", async () => {
    const { rt, block, h0 } = await makeBlock(0.3, true);
    expect(() => block.forward(h0.ptr, 1, new GridBrownian(rt, { seed: 1, dim: D + 1, steps: STEPS }), 1))
      .toThrow(/has 7 dimensions, expected samples x D_w = 6/);
  });
});
