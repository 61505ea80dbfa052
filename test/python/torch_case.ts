// Fixed cases for the PyTorch companion (python/sdebnn_torch), computed by sdebnn and written as
// safetensors files at test time (never committed): a model's parameters, a batch, sdebnn's own
// draws of the step (Brownian increments of every block and sample, w_0 and head normals), and
// what sdebnn computes from them (loss, NLL, KL, every gradient, per-sample probabilities).
// Driven by the same draws, the PyTorch model must compute the same numbers.
import type { Runtime } from "../../src/runtime/load.js";
import { encodeSafetensors, type Tensor } from "../../src/checkpoint/safetensors.js";
import { PhiloxRandomness } from "../../src/random/philox_randomness.js";
import { GridBrownian } from "../../src/sde/brownian/grid.js";
import { Stream, streamId } from "../../src/random/randomness.js";
import { ImageSdeBnn } from "../../src/models/image.js";
import { resolveRunConfig } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import { imageBatch } from "../../src/data/dataset.js";

const f32 = (shape: number[], data: Float32Array): Tensor => ({ dtype: "F32", shape, data });
const f64 = (v: number): Tensor => ({ dtype: "F64", shape: [1], data: Float64Array.of(v) });

/**
 * The draws of one forward pass of `samples` Monte-Carlo samples, named as python's ReplayNoise
 * reads them: `{prefix}bm.{block}.{sample}` [steps, D], `{prefix}w0.{block}.{sample}` [D],
 * `{prefix}head.{sample}` [F K + K]. Streams as ImageSdeBnn.body / w0Noise / BayesHead.forward.
 */
export function drawTensors(rt: Runtime, model: ImageSdeBnn, seed: number, training: boolean, index: number, samples: number,
                            prefix: string): [string, Tensor][] {
  const rand = new PhiloxRandomness(rt, seed), cfg = model.cfg, S = samples, out: [string, Tensor][] = [];
  const normals = (stream: number, n: number) => rt.arena.scoped(() => {
    const b = rt.arena.f32(n, false);
    rand.normals(stream, b.ptr, n);
    return b.toArray();
  });
  const bmPurpose = training ? Stream.trainNoise : Stream.evalNoise, headPurpose = training ? Stream.headNoise : Stream.evalHeadNoise;
  model.blocks.forEach((block, i) => {
    const D = block.weightSize;
    for (let s = 0; s < S; s++) {
      const path = rand.brownian(streamId(bmPurpose, index, i * S + s), D, block.grid);
      if (!(path instanceof GridBrownian)) throw new Error("the image model's weight paths are fixed-grid Brownian motions");
      out.push([`${prefix}bm.${i}.${s}`, f32([cfg.steps, D], path.readIncrements())]);
      if (cfg.w0 === "meanfield") out.push([`${prefix}w0.${i}.${s}`, f32([D], normals(streamId(headPurpose, index, 128 + i * S + s), D))]);
    }
  });
  if (cfg.head === "meanfield") {
    const n = model.head.inputs * cfg.classes + cfg.classes;
    for (let s = 0; s < S; s++) out.push([`${prefix}head.${s}`, f32([n], normals(streamId(headPurpose, index, s), n))]);
  }
  return out;
}

export interface CaseSpec {
  name: string;
  /** A run config tree (resolved by sdebnn; defaults filled). */
  tree: Record<string, unknown>;
  samples: number;
  rows: number;
  step: number;
  klCoef: number;
  datasetSize: number;
}

/**
 * One equivalence case: the model of `spec.tree` with its parameters moved off the initial point
 * (so that the hypernetwork's zero last layer, hence the path KL and every hypernetwork gradient,
 * is non-zero), one training step's loss and gradients and one prediction.
 */
export function buildCase(rt: Runtime, spec: CaseSpec): Uint8Array {
  const cfg = resolveRunConfig(spec.tree) as ImageRunConfig;
  const rand = new PhiloxRandomness(rt, cfg.seed);
  const model = new ImageSdeBnn(rt, rand, cfg.model);
  const fill = rand.init(streamId(Stream.init, 2000));
  const view = model.space.allocated.params.view;
  for (const e of model.space.list) {
    const d = new Float32Array(e.size);
    fill.normal(d, e.name.endsWith("logstd") ? 0.5 : e.name.endsWith(".nn") ? 0.3 : 0.05);
    for (let i = 0; i < e.size; i++) view[e.offset + i] = Math.fround(view[e.offset + i]! + d[i]!);
  }
  const params: [string, Tensor][] = model.space.list.map((e) => [`param.${e.name}`, f32([...e.shape], view.slice(e.offset, e.offset + e.size))]);
  const set = syntheticImageSet(spec.rows, cfg.model.classes, cfg.model.height, 7);
  const x = new Float32Array(spec.rows * model.inputSize), y = new Int32Array(spec.rows);
  imageBatch(set, Uint32Array.from({ length: spec.rows }, (_, i) => i), 0, spec.rows, { out: { x, y } });
  const S = spec.samples;
  const { grads } = model.space.allocated;
  const stats = rt.arena.scoped(() => {
    grads.view.fill(0);
    const X = rt.arena.f32From(x), Y = rt.arena.alloc(spec.rows * 4);
    new Int32Array(rt.memory.buffer, Y, spec.rows).set(y);
    return model.trainStep(X.ptr, Y, spec.rows, { step: spec.step, samples: S, rowWeight: 1, klWeight: spec.klCoef / spec.datasetSize });
  });
  const gradTensors: [string, Tensor][] = model.space.list.map((e) => [`grad.${e.name}`, f32([...e.shape], grads.view.slice(e.offset, e.offset + e.size))]);
  const draw = 3;
  const pred = { sampleProbs: rt.arena.scoped(() => model.predictSamples(rt.arena.f32From(x).ptr, spec.rows, { draw, first: 0, samples: S, total: S })) };
  const tensors: [string, Tensor][] = [
    ...params, ...gradTensors,
    ["x", f32([spec.rows, cfg.model.channels, cfg.model.height, cfg.model.width], x)],
    ["labels", { dtype: "I32", shape: [spec.rows], data: y }],
    ...drawTensors(rt, model, cfg.seed, true, spec.step, S, "train."),
    ...drawTensors(rt, model, cfg.seed, false, draw, S, "eval."),
    ["out.loss", f64(stats.loss)], ["out.nll", f64(stats.nll)], ["out.kl", f64(stats.kl)],
    ["out.sample_probs", f32([S, spec.rows, cfg.model.classes], pred.sampleProbs)],
  ];
  return encodeSafetensors(tensors, {
    config: JSON.stringify(cfg), samples: String(S), klCoef: String(spec.klCoef), datasetSize: String(spec.datasetSize),
  });
}
