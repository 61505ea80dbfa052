// The ResNet and MF-ResNet baselines (src/models/image_stages.ts ResidualStage; presets
// mnist-resnet, mnist-mfresnet): K residual blocks h <- h + f_h(h, t_k; w_k) / K with their own
// (point or mean-field) weights.
// - Gradients of L = c . h_K + lambda KL w.r.t. every block's weights (mu and log-std) and h_0,
//   against central differences of an independent f64 implementation (f_h = tanh(CSL(h)), its
//   weights drawn with the same standard normals), relative tolerance 1e-3.
// - The mean-field KL against its closed form sum log(p / s) + (s^2 + mu^2) / (2 p^2) - 1/2 and its
//   derivatives mu / p^2, s^2 / p^2 - 1 (relative 1e-5).
// - Image model level: with every block's weights equal to an ODEnet's w_0, the ResNet's
//   prediction equals the ODEnet's (forward Euler with the same K steps) to f32 rounding; the
//   training loss of the MF-ResNet matches central differences tensor by tensor as the SDE-BNN's
//   (test/models/image.test.ts); the presets resolve and a ResNet refuses weight diffusion.
import { describe, expect, it } from "vitest";
import { ParamSpace } from "../../src/nn/params.js";
import { Stack } from "../../src/nn/stack.js";
import { ConcatSquash } from "../../src/nn/layers/concat_squash.js";
import { Activation } from "../../src/nn/layers/activation.js";
import { ResidualStage, type StageDraw } from "../../src/models/image_stages.js";
import { ImageSdeBnn } from "../../src/models/image.js";
import { imageModelSchema, type ImageModelConfig } from "../../src/models/image_config.js";
import { validate } from "../../src/config/schema.js";
import { resolvePreset } from "../../src/presets/index.js";
import { PhiloxRandomness } from "../../src/random/philox_randomness.js";
import { Stream, streamId } from "../../src/random/randomness.js";
import { freshRuntime } from "../helpers/wasm.js";
import { uniform } from "../kernels/helpers.js";
import { expectTensorGradients } from "../helpers/param_gradients.js";

const N = 3, K = 4, ROWS = 2, PRIOR = 0.3, LAMBDA = 0.05;
const D = N * N + 4 * N; // CSL(N -> N): W, b, a, c, d

/** f64 reference: h_{k+1} = h_k + tanh((h_k W + b) sigmoid(a t_k + c) + d t_k) / K over ROWS rows. */
function referenceLoss(weights: number[][], h0: number[], c: number[]): number {
  let h = [...h0];
  for (let k = 0; k < K; k++) {
    const w = weights[k]!, t = k / K;
    const W = (i: number, j: number) => w[i * N + j]!, b = (j: number) => w[N * N + j]!, a = (j: number) => w[N * N + N + j]!;
    const cc = (j: number) => w[N * N + 2 * N + j]!, d = (j: number) => w[N * N + 3 * N + j]!;
    const next = [...h];
    for (let r = 0; r < ROWS; r++) {
      for (let j = 0; j < N; j++) {
        let z = b(j);
        for (let i = 0; i < N; i++) z += h[r * N + i]! * W(i, j);
        const y = z / (1 + Math.exp(-(a(j) * t + cc(j)))) + d(j) * t;
        next[r * N + j] = h[r * N + j]! + Math.tanh(y) / K;
      }
    }
    h = next;
  }
  return h.reduce((s, x, i) => s + c[i]! * x, 0);
}

function klReference(mu: number[], ls: number[]): number {
  return mu.reduce((s, m, i) => s + Math.log(PRIOR) - ls[i]! + (Math.exp(2 * ls[i]!) + m * m) / (2 * PRIOR * PRIOR) - 0.5, 0);
}

async function setup(mode: "point" | "meanfield") {
  const rt = await freshRuntime();
  const rand = new PhiloxRandomness(rt, 5);
  const space = new ParamSpace();
  const f = new Stack([new ConcatSquash(N, N), new Activation("tanh", N)]);
  const stage = new ResidualStage(rt, space, "r", f, { blocks: K, mode, priorStd: PRIOR,
    init: (k) => ({ kind: "values", fill: (o) => o.set(uniform(D, 100 + k, -0.8, 0.8)) }) });
  space.allocate(rt);
  if (stage.logStd) new Float32Array(rt.memory.buffer, stage.logStd.ptr, K * D).set(uniform(K * D, 7, -2.5, -0.5));
  const draw: StageDraw = { rand, pathPurpose: Stream.trainNoise, weightPurpose: Stream.headNoise, index: 3, slot: 0, first: 0, samples: 1, total: 1 };
  return { rt, rand, space, stage, draw };
}

describe("ResidualStage (ResNet / MF-ResNet blocks)", () => {
  for (const mode of ["point", "meanfield"] as const) {
    it(`${mode}: gradients w.r.t. every block's weights and h_0 equal f64 central differences`, async () => {
      const { rt, rand, stage, draw } = await setup(mode);
      const h0 = uniform(ROWS * N, 11, -1, 1), c = Array.from(uniform(ROWS * N, 12, -1, 1));
      const mu = Array.from(new Float32Array(rt.memory.buffer, stage.mu.ptr, K * D));
      const ls = stage.logStd ? Array.from(new Float32Array(rt.memory.buffer, stage.logStd.ptr, K * D)) : null;
      // the standard normals the stage draws (sample 0 of draw 3: sub-stream 128)
      const eps = rt.arena.f32(K * D);
      rand.normals(streamId(Stream.headNoise, 3, 128), eps.ptr, K * D);
      const e = Array.from(eps.view);
      const weightsOf = (m: number[], l: number[] | null) => Array.from({ length: K }, (_, k) =>
        m.slice(k * D, (k + 1) * D).map((v, i) => (l ? v + Math.exp(l[k * D + i]!) * e[k * D + i]! : v)));
      const lossRef = (m: number[], l: number[] | null, h: number[]) => referenceLoss(weightsOf(m, l), h, c) + (l ? LAMBDA * klReference(m, l) : 0);

      const hIn = rt.arena.f32From(h0);
      const run = stage.forward(hIn.ptr, ROWS, draw, true);
      const out = Array.from(new Float32Array(rt.memory.buffer, run.hOut, ROWS * N));
      const L = out.reduce((s, x, i) => s + c[i]! * x, 0) + LAMBDA * stage.staticKl();
      expect(Math.abs(L - lossRef(mu, ls, Array.from(h0)))).toBeLessThan(1e-5);
      new Float32Array(rt.memory.buffer, stage.mu.grad, K * D).fill(0);
      if (stage.logStd) new Float32Array(rt.memory.buffer, stage.logStd.grad, K * D).fill(0);
      const adjOut = rt.arena.f32From(c), adjIn = rt.arena.f32(ROWS * N);
      stage.backward(run, adjOut.ptr, 0, adjIn.ptr);
      stage.staticKlBackward(LAMBDA);
      const gMu = Array.from(new Float32Array(rt.memory.buffer, stage.mu.grad, K * D));
      const gLs = stage.logStd ? Array.from(new Float32Array(rt.memory.buffer, stage.logStd.grad, K * D)) : null;
      const eps64 = 1e-6;
      const check = (analytic: number, plus: number, minus: number, what: string) => {
        const fd = (plus - minus) / (2 * eps64);
        expect(Math.abs(analytic - fd), `${what}: analytic ${analytic} vs fd ${fd}`).toBeLessThan(1e-3 * Math.max(1e-2, Math.abs(fd)));
      };
      for (let i = 0; i < K * D; i++) {
        const p = [...mu], m = [...mu];
        p[i] += eps64; m[i] -= eps64;
        check(gMu[i]!, lossRef(p, ls, Array.from(h0)), lossRef(m, ls, Array.from(h0)), `mu[${i}]`);
        if (ls && gLs) {
          const lp = [...ls], lm = [...ls];
          lp[i] += eps64; lm[i] -= eps64;
          check(gLs[i]!, lossRef(mu, lp, Array.from(h0)), lossRef(mu, lm, Array.from(h0)), `logstd[${i}]`);
        }
      }
      for (let i = 0; i < ROWS * N; i++) {
        const p = Array.from(h0), m = Array.from(h0);
        p[i] += eps64; m[i] -= eps64;
        check(adjIn.view[i]!, lossRef(mu, ls, p), lossRef(mu, ls, m), `h0[${i}]`);
      }
    });
  }

  it("the mean-field KL and its gradients equal the closed form; point weights have none", async () => {
    const { rt, stage } = await setup("meanfield");
    const mu = Array.from(new Float32Array(rt.memory.buffer, stage.mu.ptr, K * D));
    const ls = Array.from(new Float32Array(rt.memory.buffer, stage.logStd!.ptr, K * D));
    const ref = klReference(mu, ls);
    expect(Math.abs(stage.staticKl() - ref)).toBeLessThan(1e-5 * Math.abs(ref));
    new Float32Array(rt.memory.buffer, stage.mu.grad, K * D).fill(0);
    new Float32Array(rt.memory.buffer, stage.logStd!.grad, K * D).fill(0);
    stage.staticKlBackward(1);
    const gMu = new Float32Array(rt.memory.buffer, stage.mu.grad, K * D), gLs = new Float32Array(rt.memory.buffer, stage.logStd!.grad, K * D);
    for (let i = 0; i < K * D; i++) {
      const dm = mu[i]! / (PRIOR * PRIOR), dl = Math.exp(2 * ls[i]!) / (PRIOR * PRIOR) - 1;
      expect(Math.abs(gMu[i]! - dm)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dm)));
      expect(Math.abs(gLs[i]! - dl)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dl)));
    }
    const point = await setup("point");
    expect(point.stage.staticKl()).toBe(0);
  });
});

const tiny = (over: Partial<ImageModelConfig> = {}): ImageModelConfig => validate(imageModelSchema, {
  channels: 1, height: 4, width: 4, classes: 3, augment: 1, groups: [1, 1], hidden: 3, nnBottleneck: 2, nnHidden: 3,
  sigma: 0, steps: 3, w0: "point", head: "point", headPriorStd: 0.5, priorStdW0: 0.5, ...over,
});

async function imageSetup(cfg: ImageModelConfig, B = 3) {
  const rt = await freshRuntime();
  const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, 7), cfg);
  const x = rt.arena.f32From(uniform(B * model.inputSize, 11, 0, 1));
  const labels = rt.arena.alloc(B * 4);
  new Int32Array(rt.memory.buffer, labels, B).set([0, 2, 1].slice(0, B));
  return { rt, model, x, labels, B };
}

describe("ResNet presets of the image kind", () => {
  it("a ResNet whose blocks all carry an ODEnet's w_0 predicts what the ODEnet's Euler solve predicts", async () => {
    const ode = await imageSetup(tiny());
    const res = await imageSetup(tiny({ arch: "resnet" }));
    const po = ode.model.space.allocated.params.view, pr = res.model.space.allocated.params.view;
    for (const e of res.model.space.list) {
      const src = ode.model.space.list.find((o) => o.name === e.name.replace(/\.w$/, ".w0"))!;
      for (let k = 0; k < e.size / src.size; k++) pr.set(po.subarray(src.offset, src.offset + src.size), e.offset + k * src.size);
    }
    const a = ode.model.predictSamples(ode.x.ptr, ode.B, { draw: 0, first: 0, samples: 1, total: 1 });
    const b = res.model.predictSamples(res.x.ptr, res.B, { draw: 0, first: 0, samples: 1, total: 1 });
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-6));
    // and untied weights change the prediction
    const e0 = res.model.space.list.find((e) => e.name.endsWith(".w"))!;
    pr.set(uniform(e0.size / 3, 5, -0.3, 0.3), e0.offset + 2 * (e0.size / 3));
    const c = res.model.predictSamples(res.x.ptr, res.B, { draw: 0, first: 0, samples: 1, total: 1 });
    expect(Math.max(...Array.from(c, (v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-3);
  });

  it("MF-ResNet: the training loss's gradient matches central differences tensor by tensor", async () => {
    const { model, x, labels, B } = await imageSetup(tiny({ arch: "resnet", w0: "meanfield", head: "meanfield" }));
    const { params, grads } = model.space.allocated;
    for (const e of model.space.list) if (e.name.includes("logstd")) params.view.fill(-1.5, e.offset, e.offset + e.size);
    const loss = () => { grads.view.fill(0); return model.trainStep(x.ptr, labels, B, { step: 5, samples: 2, rowWeight: 1, klWeight: 0.5 / 10 }).loss; };
    const st = model.trainStep(x.ptr, labels, B, { step: 5, samples: 2, rowWeight: 1, klWeight: 0.5 / 10 });
    expect(st.kl).toBeGreaterThan(0);
    expect(model.space.list.map((e) => e.name)).toEqual(expect.arrayContaining(["g0.b0.w", "g0.b0.w_logstd", "g1.b0.w", "g1.b0.w_logstd"]));
    expectTensorGradients(model.space, loss);
  });

  it("the presets resolve to the baselines; a ResNet with weight diffusion is a ConfigError", async () => {
    expect(resolvePreset("mnist-resnet").model).toMatchObject({ arch: "resnet", sigma: 0, w0: "point", head: "point", steps: 10 });
    expect(resolvePreset("mnist-mfresnet").model).toMatchObject({ arch: "resnet", sigma: 0, w0: "meanfield", head: "meanfield" });
    expect(resolvePreset("cifar10-resnet").model).toMatchObject({ arch: "resnet", groups: [2, 2, 2] });
    expect(resolvePreset("cifar10-mfresnet").model).toMatchObject({ arch: "resnet", w0: "meanfield" });
    const rt = await freshRuntime();
    expect(() => new ImageSdeBnn(rt, new PhiloxRandomness(rt, 0), tiny({ arch: "resnet", sigma: 0.2 })))
      .toThrow(/model.sigma: arch "resnet" has no weight diffusion.*expected 0, got 0.2/);
  });
});
