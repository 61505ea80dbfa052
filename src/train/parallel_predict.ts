// Predictions with S samples split over threads: sample ranges are contiguous, the calling thread
// takes the first, worker executors (ShardPool / WebShardPool) the others; every sample has its
// own noise streams, so the result is the single-thread prediction bit for bit.
import type { ImagePrediction, ImageSdeBnn } from "../models/image.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { predictRange, type PredictTask } from "./shard_service.js";

export interface PredictExecutor { predict(task: PredictTask): Promise<Float32Array> }

/** x: B inputs (B x model.inputSize floats); `samples` split over this thread and `executors`. */
export async function predictParallel(rt: Runtime, model: ImageSdeBnn, executors: readonly PredictExecutor[], x: Float32Array,
                                      B: number, samples: number, draw: number): Promise<ImagePrediction> {
  if (x.length !== B * model.inputSize) throw new ArgumentError(`x holds ${x.length} floats, expected rows x inputSize = ${B * model.inputSize}`);
  const n = Math.min(samples, 1 + executors.length), K = model.cfg.classes;
  const params = model.space.allocated.params.view;
  const ranges = Array.from({ length: n }, (_, i) => [Math.floor((i * samples) / n), Math.floor(((i + 1) * samples) / n)] as const);
  // this thread predicts with x and the model as they are; workers get copies (transferred)
  const task = (i: number): PredictTask => ({ x: i === 0 ? x : x.slice(), rows: B, first: ranges[i]![0], samples: ranges[i]![1] - ranges[i]![0], total: samples, draw,
    params: i === 0 ? null : params.slice() });
  const remote = ranges.slice(1).map((_, i) => executors[i]!.predict(task(i + 1)));
  const local = predictRange(rt, model, task(0));
  const parts = [local, ...(await Promise.all(remote))];
  const sampleProbs = new Float32Array(samples * B * K);
  parts.forEach((p, i) => sampleProbs.set(p, ranges[i]![0] * B * K));
  return { samples, rows: B, classes: K, sampleProbs };
}
