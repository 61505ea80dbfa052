// The inference path of an image checkpoint: validate the config, build the model, copy the
// (EMA) weights, predict with S Monte-Carlo samples. Nothing here trains or reads datasets.
import type { Runtime } from "../runtime/load.js";
import { ArgumentError, CheckpointError } from "../runtime/errors.js";
import { decodeCheckpoint, expectTensor, type Checkpoint } from "../checkpoint/safetensors.js";
import { assertFiniteTensors } from "../checkpoint/finite.js";
import { resolveConfig } from "../config/overrides.js";
import { imageRunSchema, type ImageRunConfig } from "../models/image_config.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { ImageSdeBnn } from "../models/image.js";

/** Class probabilities averaged over samples [count x classes], predictive entropy and mutual information (nats). */
export interface Prediction {
  count: number;
  classes: number;
  samples: number;
  probs: Float32Array;
  entropy: Float32Array;
  mutualInformation: Float32Array;
}

/** Byte b -> b / 255 as f32: the table the trainer uses, so bytes give the bits of training inputs. */
const UNIT: Float32Array = Float32Array.from({ length: 256 }, (_, i) => i / 255);

export class ImageClassifier {
  constructor(private readonly rt: Runtime, readonly model: ImageSdeBnn, readonly cfg: ImageRunConfig, readonly step: number) {}

  /** Values per image: channels x height x width. */
  get inputSize(): number { return this.model.inputSize; }
  get classes(): number { return this.cfg.model.classes; }

  /**
   * Predicts `images`: bytes 0..255 (as the training data) or f32 values in [0, 1], count x C x H x W.
   * Inputs go in chunks of eval.batch; chunk c uses evaluation noise `draw * 65536 + c`, as
   * predictImageSet does, so both give the same bits.
   */
  predict(images: Uint8Array | Float32Array, samples = this.cfg.eval.samples, draw = 0): Prediction {
    const { rt, model } = this;
    const per = this.inputSize, K = this.classes, batch = this.cfg.eval.batch;
    if (images.length === 0 || images.length % per !== 0) {
      throw new ArgumentError(`images: expected a positive multiple of ${per} values (${this.cfg.model.channels}x${this.cfg.model.height}x${this.cfg.model.width} per image), got ${images.length}`);
    }
    if (images instanceof Float32Array) {
      const bad = images.findIndex((v) => !(v >= 0 && v <= 1));
      if (bad >= 0) throw new ArgumentError(`images: value ${bad} is ${images[bad]}, expected a number in [0, 1]`);
    }
    const n = images.length / per;
    const probs = new Float32Array(n * K), entropy = new Float32Array(n), mi = new Float32Array(n);
    for (let start = 0, chunk = 0; start < n; start += batch, chunk++) {
      const count = Math.min(batch, n - start);
      rt.arena.scoped(() => {
        const X = rt.arena.f32(count * per, false);
        const src = images.subarray(start * per, (start + count) * per);
        if (src instanceof Uint8Array) for (let k = 0; k < src.length; k++) X.view[k] = UNIT[src[k]!]!;
        else X.view.set(src);
        const p = model.predict(X.ptr, count, samples, draw * 65536 + chunk);
        const P = rt.arena.f32From(p.sampleProbs), M = rt.arena.f32(count * K), H = rt.arena.f32(count), I = rt.arena.f32(count);
        rt.wasm.predictive_summary(P.ptr, samples, count, K, M.ptr, H.ptr, I.ptr);
        probs.set(M.view, start * K);
        entropy.set(H.view, start);
        mi.set(I.view, start);
      });
    }
    return { count: n, classes: K, samples, probs, entropy, mutualInformation: mi };
  }
}

/**
 * An image classifier from checkpoint bytes (a training checkpoint or a slim one with the
 * weights only). Uses the EMA weights when the file has them, unless `weights` is "trained".
 */
export async function loadClassifier(rt: Runtime, checkpoint: Uint8Array | Checkpoint, options: { weights?: "ema" | "trained"; name?: string } = {}): Promise<ImageClassifier> {
  const ck = checkpoint instanceof Uint8Array ? await decodeCheckpoint(checkpoint, options.name ?? "<checkpoint>") : checkpoint;
  const kind = (ck.config as { kind?: unknown } | null)?.kind;
  if (kind !== "image") throw new CheckpointError(`the checkpoint holds a ${JSON.stringify(kind)} model, expected an image model (config kind "image")`);
  const cfg = resolveConfig(imageRunSchema, ck.config);
  const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, cfg.seed), cfg.model);
  const first = model.space.list[0]!;
  const prefix = (options.weights ?? "ema") === "ema" && ck.tensors.has(`ema.${first.name}`) ? "ema." : "";
  const view = model.space.allocated.params.view;
  for (const e of model.space.list) {
    const t = expectTensor(ck, prefix + e.name, "F32", e.shape);
    assertFiniteTensors(new Map([[prefix + e.name, t]]), options.name ?? "<checkpoint>");
    view.set(t.data as Float32Array, e.offset);
  }
  return new ImageClassifier(rt, model, cfg, ck.step);
}
