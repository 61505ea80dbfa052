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
import { TabularModel } from "../../src/models/tabular.js";
import type { TabularRunConfig } from "../../src/models/tabular_config.js";
import type { KindModel } from "../../src/models/kind.js";
import type { ParamSpace } from "../../src/nn/params.js";
import type { BrownianSpan } from "../../src/sde/brownian/path.js";
import { loadTabularData, prepareTabular } from "../../src/node/tabular_data.js";

const f32 = (shape: number[], data: Float32Array): Tensor => ({ dtype: "F32", shape, data });
const f64 = (v: number): Tensor => ({ dtype: "F64", shape: [1], data: Float64Array.of(v) });

/** What the draws of a model depend on: its blocks' weight sizes and grids, q(w_0)'s and the head's modes. */
export interface DrawLayout {
  blocks: { weightSize: number; grid: BrownianSpan }[];
  steps: number;
  w0Meanfield: boolean;
  /** Normals per head draw (F K + K), 0 for a point head. */
  headSize: number;
}

export const imageDraws = (model: ImageSdeBnn): DrawLayout => ({
  blocks: model.blocks, steps: model.cfg.steps, w0Meanfield: model.cfg.w0 === "meanfield",
  headSize: model.cfg.head === "meanfield" ? model.head.inputs * model.cfg.classes + model.cfg.classes : 0,
});

export const tabularDraws = (model: TabularModel): DrawLayout => ({
  blocks: [model.block], steps: model.cfg.model.steps, w0Meanfield: model.cfg.model.w0 === "meanfield",
  headSize: model.cfg.model.head === "meanfield" ? model.dim * model.headOutputs + model.headOutputs : 0,
});

/**
 * The draws of one forward pass of `samples` Monte-Carlo samples, named as python's ReplayNoise
 * reads them: `{prefix}bm.{block}.{sample}` [steps, D], `{prefix}w0.{block}.{sample}` [D],
 * `{prefix}head.{sample}` [F K + K]. Streams as ImageSdeBnn.body / TabularModel.trainStep, w0Noise
 * and BayesHead.forward (block i, sample s: Brownian sub-stream i S + s, w_0 128 + i S + s, head s).
 */
export function drawTensors(rt: Runtime, layout: DrawLayout, seed: number, training: boolean, index: number, samples: number,
                            prefix: string): [string, Tensor][] {
  const rand = new PhiloxRandomness(rt, seed), S = samples, out: [string, Tensor][] = [];
  const normals = (stream: number, n: number) => rt.arena.scoped(() => {
    const b = rt.arena.f32(n, false);
    rand.normals(stream, b.ptr, n);
    return b.toArray();
  });
  const bmPurpose = training ? Stream.trainNoise : Stream.evalNoise, headPurpose = training ? Stream.headNoise : Stream.evalHeadNoise;
  layout.blocks.forEach((block, i) => {
    const D = block.weightSize;
    for (let s = 0; s < S; s++) {
      const path = rand.brownian(streamId(bmPurpose, index, i * S + s), D, block.grid);
      if (!(path instanceof GridBrownian)) throw new Error("the companion's weight paths are fixed-grid Brownian motions");
      out.push([`${prefix}bm.${i}.${s}`, f32([layout.steps, D], path.readIncrements())]);
      if (layout.w0Meanfield) out.push([`${prefix}w0.${i}.${s}`, f32([D], normals(streamId(headPurpose, index, 128 + i * S + s), D))]);
    }
  });
  if (layout.headSize > 0) {
    for (let s = 0; s < S; s++) out.push([`${prefix}head.${s}`, f32([layout.headSize], normals(streamId(headPurpose, index, s), layout.headSize))]);
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

/** Moves a model's parameters off the initial point (so that the hypernetwork's zero last layer, hence the path KL and every hypernetwork gradient, is non-zero). */
function perturb(rand: PhiloxRandomness, space: ParamSpace): void {
  const fill = rand.init(streamId(Stream.init, 2000));
  const view = space.allocated.params.view;
  for (const e of space.list) {
    const d = new Float32Array(e.size);
    fill.normal(d, e.name.endsWith("logstd") ? 0.5 : e.name === "nn" || e.name.endsWith(".nn") ? 0.3 : 0.05);
    for (let i = 0; i < e.size; i++) view[e.offset + i] = Math.fround(view[e.offset + i]! + d[i]!);
  }
}

interface StepCase {
  spec: CaseSpec;
  cfg: { seed: number };
  model: KindModel;
  layout: DrawLayout;
  /** The batch: encoded inputs with their tensor shape, targets (i32 classes or f32 values). */
  x: Float32Array;
  xShape: number[];
  y: Int32Array | Float32Array;
  extra?: [string, Tensor][];
}

/** The case file of a model: parameters, batch, draws, one training step's loss and gradients and one prediction. */
function stepCase(rt: Runtime, c: StepCase): Uint8Array {
  const { spec, model } = c, space = model.space, S = spec.samples, rows = c.y.length;
  const view = space.allocated.params.view, grads = space.allocated.grads;
  const slice = (v: Float32Array, prefix: string): [string, Tensor][] => space.list.map((e) => [`${prefix}${e.name}`, f32([...e.shape], v.slice(e.offset, e.offset + e.size))]);
  const params = slice(view, "param.");
  const stats = rt.arena.scoped(() => {
    grads.view.fill(0);
    const X = rt.arena.f32From(c.x), Y = rt.arena.alloc(rows * 4);
    (c.y instanceof Int32Array ? new Int32Array(rt.memory.buffer, Y, rows) : new Float32Array(rt.memory.buffer, Y, rows)).set(c.y as never);
    return model.trainStep(X.ptr, Y, rows, { step: spec.step, samples: S, rowWeight: 1, klWeight: spec.klCoef / spec.datasetSize });
  });
  const gradTensors = slice(grads.view, "grad.");
  const draw = 3;
  const sampleOut = rt.arena.scoped(() => model.predictSamples(rt.arena.f32From(c.x).ptr, rows, { draw, first: 0, samples: S, total: S }));
  // classes [S, rows, K]; regression values [S, rows], with a heteroscedastic head's noise variances [S, 2, rows]
  const outShape = c.y instanceof Int32Array ? [S, rows, model.outputSize] : model.noiseOutputs ? [S, 2, rows] : [S, rows];
  const tensors: [string, Tensor][] = [
    ...params, ...gradTensors,
    ["x", f32(c.xShape, c.x)],
    ["labels", c.y instanceof Int32Array ? { dtype: "I32", shape: [rows], data: c.y } : f32([rows], c.y)],
    ...drawTensors(rt, c.layout, c.cfg.seed, true, spec.step, S, "train."),
    ...drawTensors(rt, c.layout, c.cfg.seed, false, draw, S, "eval."),
    ["out.loss", f64(stats.loss)], ["out.nll", f64(stats.nll)], ["out.kl", f64(stats.kl)],
    ["out.sample_probs", f32(outShape, sampleOut)],
    ...(c.extra ?? []),
  ];
  return encodeSafetensors(tensors, {
    config: JSON.stringify(c.cfg), samples: String(S), klCoef: String(spec.klCoef), datasetSize: String(spec.datasetSize),
  });
}

/** One image equivalence case: the model of `spec.tree`, parameters perturbed, a synthetic batch. */
export function buildCase(rt: Runtime, spec: CaseSpec): Uint8Array {
  const cfg = resolveRunConfig(spec.tree) as ImageRunConfig;
  const rand = new PhiloxRandomness(rt, cfg.seed);
  const model = new ImageSdeBnn(rt, rand, cfg.model);
  perturb(rand, model.space);
  const set = syntheticImageSet(spec.rows, cfg.model.classes, cfg.model.height, 7);
  const x = new Float32Array(spec.rows * model.inputSize), y = new Int32Array(spec.rows);
  imageBatch(set, Uint32Array.from({ length: spec.rows }, (_, i) => i), 0, spec.rows, { out: { x, y } });
  return stepCase(rt, { spec, cfg, model, layout: imageDraws(model), x, xShape: [spec.rows, cfg.model.channels, cfg.model.height, cfg.model.width], y });
}

/**
 * One tabular equivalence case: the config `spec.tree` (data.file a CSV) with its schema fitted by
 * sdebnn (prepareTabular), parameters perturbed, the first `rows` training rows encoded by sdebnn.
 */
export function buildTabularCase(rt: Runtime, spec: CaseSpec): Uint8Array {
  const cfg = prepareTabular(resolveRunConfig(spec.tree) as TabularRunConfig);
  const model = new TabularModel(rt, cfg);
  perturb(new PhiloxRandomness(rt, cfg.seed), model.space);
  const { train } = loadTabularData(cfg);
  const ix = Uint32Array.from({ length: spec.rows }, (_, i) => i);
  const x = new Float32Array(spec.rows * model.inputSize);
  const y = cfg.data.schema.target.classes.length > 0 ? new Int32Array(spec.rows) : new Float32Array(spec.rows);
  train.gather(ix, 0, spec.rows, x, y);
  return stepCase(rt, { spec, cfg, model, layout: tabularDraws(model), x, xShape: [spec.rows, model.inputSize], y });
}
