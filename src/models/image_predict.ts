import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import { imageBatch, type ImageSet } from "../data/dataset.js";
import { classificationMetrics, predictiveSummary, type ClassificationMetrics } from "../eval/metrics.js";
import type { ImageSdeBnn } from "./image.js";

/** Predictions of a set: averaged probabilities [N x K], entropy and mutual information per input (nats). */
export interface SetPrediction { probs: Float32Array; entropy: Float32Array; mutualInformation: Float32Array; labels: Uint8Array }

export interface EvalResult extends ClassificationMetrics {
  /** Mean predictive entropy and mutual information (nats). */
  entropy: number;
  mutualInformation: number;
  count: number;
  samples: number;
}

/**
 * Bayesian model average over S Monte-Carlo samples (SPEC section 5: probabilities, not
 * log-probabilities, are averaged) for examples `indices` of `set`, in chunks of `batch`.
 * Chunk c of draw d uses evaluation noise index d * 65536 + c.
 */
export function predictImageSet(rt: Runtime, model: ImageSdeBnn, set: ImageSet, indices: ArrayLike<number>, samples: number,
                                batch: number, draw = 0): SetPrediction {
  const K = model.cfg.classes, n = indices.length;
  if (set.channels !== model.cfg.channels || set.height !== model.cfg.height || set.width !== model.cfg.width) {
    throw new ArgumentError(`images are ${set.channels}x${set.height}x${set.width}, the model expects ${model.cfg.channels}x${model.cfg.height}x${model.cfg.width}`);
  }
  const probs = new Float32Array(n * K), entropy = new Float32Array(n), mi = new Float32Array(n), labels = new Uint8Array(n);
  for (let start = 0, chunk = 0; start < n; start += batch, chunk++) {
    const count = Math.min(batch, n - start);
    rt.arena.scoped(() => {
      const X = rt.arena.f32(count * model.inputSize, false);
      const y = new Int32Array(count);
      imageBatch(set, indices, start, count, { out: { x: X.view, y } });
      const p = model.predict(X.ptr, count, samples, draw * 65536 + chunk);
      const sum = predictiveSummary(rt, p.sampleProbs, samples, count, K);
      probs.set(sum.mean, start * K);
      entropy.set(sum.entropy, start);
      mi.set(sum.mutualInformation, start);
      for (let i = 0; i < count; i++) labels[start + i] = y[i]!;
    });
  }
  return { probs, entropy, mutualInformation: mi, labels };
}

/** Accuracy, NLL, Brier, ECE, mean entropy and MI of the model average on `indices` of `set`. */
export function evaluateImageSet(rt: Runtime, model: ImageSdeBnn, set: ImageSet, indices: ArrayLike<number>, samples: number, batch: number): EvalResult {
  const p = predictImageSet(rt, model, set, indices, samples, batch);
  const m = classificationMetrics(rt, p.probs, p.labels, model.cfg.classes);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  return { ...m, entropy: mean(p.entropy), mutualInformation: mean(p.mutualInformation), count: indices.length, samples };
}
