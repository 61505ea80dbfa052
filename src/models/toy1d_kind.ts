// The toy 1D regression of the paper's Fig. 2 as a model kind (./kind.ts): its data are embedded
// (40 points of y = cos(x) + noise with a gap), so a run needs no file.
import { ArgumentError } from "../runtime/errors.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { Stream, streamId } from "../random/randomness.js";
import { valueExamples } from "../data/examples.js";
import { flatten, type ModelKind } from "./kind.js";
import { makeToy1dData, sampleTargets, Toy1dModel } from "./toy1d.js";
import { toy1dRunSchema, type Toy1dRunConfig } from "./toy1d_config.js";
import { toy1dBand, toy1dBandMetrics, toy1dFigure } from "./toy1d_eval.js";

/** Held-out inputs: an even grid of `perRange` points inside each data range (midpoints). */
export function heldOutInputs(cfg: Toy1dRunConfig["data"]): Float32Array {
  const xs: number[] = [];
  for (const [a, b] of cfg.ranges) for (let i = 0; i < cfg.heldOut; i++) xs.push(a! + ((b! - a!) * (i + 0.5)) / cfg.heldOut);
  return Float32Array.from(xs);
}

export const toy1dKind: ModelKind<Toy1dRunConfig> = {
  name: "toy1d",
  modelDataFields: ["center", "scale"],
  task: "regression",
  schema: toy1dRunSchema,
  description: "1D regression with a gap (paper Fig. 2): one SDE-BNN block of ConcatSquash layers, data embedded",
  maxSamples: () => 256,
  build: (rt, cfg) => new Toy1dModel(rt, cfg),
  embeddedData(rt, cfg) {
    const rand = new PhiloxRandomness(rt, cfg.seed);
    const train = makeToy1dData(rt, rand, cfg.data);
    const test = sampleTargets(rt, rand, heldOutInputs(cfg.data), cfg.data.noiseStd, streamId(Stream.data, 1));
    return {
      train: valueExamples({ x: train.x, y: train.y, width: 1 }, "toy1d training points"),
      test: valueExamples({ x: test.x, y: test.y, width: 1 }, "toy1d held-out points"),
    };
  },
  encodeInputs(_cfg, inputs) {
    const flat = flatten(inputs);
    if (flat.length === 0) throw new ArgumentError("inputs: expected at least one x value");
    const bad = Array.prototype.findIndex.call(flat, (v: number) => !Number.isFinite(v));
    if (bad >= 0) throw new ArgumentError(`inputs: value ${bad} is ${flat[bad]}, expected a finite number`);
    return flat instanceof Float32Array ? flat.slice() : Float32Array.from(flat);
  },
  figures(rt, cfg, model, data) {
    // over [-2, 10] for the default ranges: the gap and extrapolation on both sides
    const r = cfg.data.ranges, range = [r[0]![0]! - 2, r[r.length - 1]![1]! + 2] as const, o = { range, points: 241 };
    const bands = { prior: toy1dBand(rt, model, cfg, { ...o, prior: true }), posterior: toy1dBand(rt, model, cfg, o) };
    const rows = (data.train as { rows?: { x: Float32Array; y: Float32Array } }).rows;
    const label = cfg.model.sigma > 0 ? `SDE-BNN, sigma ${cfg.model.sigma}` : "ODE limit";
    return [{ file: "posterior.svg", svg: toy1dFigure(bands, rows ?? { x: new Float32Array(0), y: new Float32Array(0) }, label) }];
  },
  report: (rt, cfg, model) => ({ ...toy1dBandMetrics(rt, toy1dBand(rt, model, cfg), cfg) }),
  checkData(_cfg, set) {
    if (set.task !== "regression" || set.inputSize !== 1) {
      throw new ArgumentError(`${set.name}: toy1d needs one input value and one real target per example, got ${set.inputSize} input values and ${set.task} targets`);
    }
  },
};
