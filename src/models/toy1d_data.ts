// The embedded data set of the paper's Fig. 2 (SPEC section 3), read by the tabular kind as
// data.dataset "toy1d": a table of columns `x` and `y` with y = cos(x) + noise, training points on
// an even grid in each range (a gap between them) and fresh held-out points in the same ranges.
import { defaults, s, type Infer } from "../config/schema.js";
import type { Runtime } from "../runtime/load.js";
import type { TableSchema } from "../data/table_schema.js";
import { encodeRecords } from "../data/table_schema.js";
import { valueExamples } from "../data/examples.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { Stream, streamId, type Randomness } from "../random/randomness.js";
import type { ExampleSet } from "./kind.js";

const fields = {
  perCluster: s.integer({ min: 2, max: 100000, default: 20, doc: "training points per range (linspace)" }),
  ranges: s.array(s.array(s.number(), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8, default: [[0, 2], [6, 8]], doc: "x ranges of the training clusters" }),
  noiseStd: s.number({ min: 0, max: 100, default: 0.1, doc: "std of the observation noise of y = cos(x) + noise" }),
  center: s.number({ default: 4, doc: "x is standardised as (x - center) / scale (the fitted schema records it)" }),
  scale: s.number({ min: 1e-9, default: 1, doc: "1: x - 4 in [-4, 4] (the paper: 4, x in [-1, 1], whose nearly linear fit misses the dip of cos in the gap)" }),
  heldOut: s.integer({ min: 1, max: 100000, default: 100, doc: "held-out test points per range (fresh noise)" }),
};
/** data.toy1d: the generator's options (present with data.dataset "toy1d" only). */
export const toy1dDataSchema = s.object(fields, { optional: true, doc: "data.dataset \"toy1d\": the generated points (y = cos(x) + noise, a gap between the ranges)" });
export type Toy1dDataConfig = Infer<typeof toy1dDataSchema>;
/** The generator's default options (the paper's 40 points). */
export const toy1dDataDefaults = (): Toy1dDataConfig => defaults(s.object(fields));

/** Raw inputs and targets (f32). */
export interface Toy1dData { x: Float32Array; y: Float32Array }

/** y = cos(x) + noiseStd * eps for the inputs x, eps from `stream` (cos in wasm). */
export function sampleTargets(rt: Runtime, rand: Randomness, x: Float32Array, noiseStd: number, stream: number): Toy1dData {
  return rt.arena.scoped(() => {
    const n = x.length;
    const X = rt.arena.f32From(x), E = rt.arena.f32(n), Y = rt.arena.f32(n);
    rand.normals(stream, E.ptr, n);
    rt.wasm.toy1d_targets(X.ptr, E.ptr, Y.ptr, n, noiseStd);
    return { x: x.slice(), y: Y.toArray() };
  });
}

/** The true function cos(x) at x (in wasm: the generator with zero noise). */
export function trueFunction(rt: Runtime, x: Float32Array): Float32Array {
  return rt.arena.scoped(() => {
    const X = rt.arena.f32From(x), E = rt.arena.f32(x.length), Y = rt.arena.f32(x.length);
    rt.wasm.toy1d_targets(X.ptr, E.ptr, Y.ptr, x.length, 0);
    return Y.toArray();
  });
}

/** Training points: linspace(a, b, perCluster) per range, targets from data sub-stream 0. */
export function makeToy1dData(rt: Runtime, rand: Randomness, cfg: Toy1dDataConfig, stream = streamId(Stream.data, 0)): Toy1dData {
  const xs: number[] = [];
  for (const [a, b] of cfg.ranges) for (let i = 0; i < cfg.perCluster; i++) xs.push(a! + ((b! - a!) * i) / (cfg.perCluster - 1));
  return sampleTargets(rt, rand, Float32Array.from(xs), cfg.noiseStd, stream);
}

/** Held-out inputs: an even grid of `heldOut` points inside each data range (midpoints). */
export function heldOutInputs(cfg: Toy1dDataConfig): Float32Array {
  const xs: number[] = [];
  for (const [a, b] of cfg.ranges) for (let i = 0; i < cfg.heldOut; i++) xs.push(a! + ((b! - a!) * (i + 0.5)) / cfg.heldOut);
  return Float32Array.from(xs);
}

/** The table schema of the toy1d data: feature `x` standardised by the config's center and scale, target `y` as is. */
export function toy1dTableSchema(cfg: Toy1dDataConfig): TableSchema {
  return {
    features: [{ name: "x", type: "numeric", center: cfg.center, scale: cfg.scale, categories: [] }],
    target: { name: "y", center: 0, scale: 1, classes: [] },
  };
}

/** Training and held-out examples (x encoded by the schema), from the run's seed. */
export function toy1dExamples(rt: Runtime, seed: number, cfg: Toy1dDataConfig): { train: ExampleSet; test: ExampleSet } {
  const rand = new PhiloxRandomness(rt, seed), schema = toy1dTableSchema(cfg);
  const train = makeToy1dData(rt, rand, cfg);
  const test = sampleTargets(rt, rand, heldOutInputs(cfg), cfg.noiseStd, streamId(Stream.data, 1));
  const encode = (d: Toy1dData) => encodeRecords(Array.from(d.x, (x) => ({ x })), schema, "toy1d points");
  return {
    train: valueExamples({ x: encode(train), y: train.y, width: 1 }, "toy1d training points"),
    test: valueExamples({ x: encode(test), y: test.y, width: 1 }, "toy1d held-out points"),
  };
}
