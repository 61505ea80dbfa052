// The image classifier as a model kind (./kind.ts): SDE-BNN blocks over zero-padded image channels,
// a mean-field Bayesian head; ODEnet with sigma 0 and point weights.
import { ArgumentError, ConfigError } from "../runtime/errors.js";
import { refuseIgnoredDataOptions } from "../config/data_options.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { syntheticImageSet } from "../data/synthetic.js";
import { imageExamples } from "../data/examples.js";
import { UNIT_FROM_BYTE } from "../data/dataset.js";
import { flatten, type ModelKind } from "./kind.js";
import { ImageSdeBnn } from "./image.js";
import { imageDataOptionsUsed, imageRunSchema, type ImageRunConfig } from "./image_config.js";

/** Data options a data set needs (ConfigError naming the option and the data set). */
function checkImageData(cfg: ImageRunConfig): void {
  const d = cfg.data, by = `data.dataset ${JSON.stringify(d.dataset)}`;
  refuseIgnoredDataOptions(imageRunSchema.fields.data, d, { used: imageDataOptionsUsed(d), by });
  if (d.dataset === "folder" && d.dir === undefined) throw new ConfigError(`config field 'data.dir' is missing: ${by} needs the training folder (data.dir/<class>/*.png)`);
  if (d.dataset === "idx") {
    for (const k of ["trainImages", "trainLabels"] as const) {
      if (d[k] === undefined) throw new ConfigError(`config field 'data.${k}' is missing: ${by} needs the training images and labels (data.trainImages, data.trainLabels)`);
    }
    if ((d.testImages === undefined) !== (d.testLabels === undefined)) {
      throw new ConfigError(`config field 'data.${d.testImages === undefined ? "testImages" : "testLabels"}' is missing: ${by} takes test images and labels together (or neither: a seeded data.testFraction)`);
    }
  }
  const dup = d.classNames.findIndex((n, i) => d.classNames.indexOf(n) !== i);
  if (dup >= 0) throw new ConfigError(`config field 'data.classNames[${dup}]': duplicate class name ${JSON.stringify(d.classNames[dup])}`);
}

/**
 * Model options that have nothing to act on are a ConfigError, not silence (as data options a data
 * set does not read): model.diffusionScale "init" scales the weight diffusion, which sigma 0 (the
 * ODE limit) and arch "resnet" do not have.
 */
function checkImageModel(cfg: ImageRunConfig): void {
  const m = cfg.model;
  if (m.diffusionScale !== "init") return;
  const none = m.arch === "resnet" ? `model.arch "resnet"` : m.sigma === 0 ? "model.sigma 0 (the ODE limit: constant weights)" : "";
  if (none) {
    throw new ConfigError(`config field 'model.diffusionScale': set to "init", but ${none} has no weight diffusion to scale: ` +
      `remove it (or set it to "none")`);
  }
}

export const imageKind: ModelKind<ImageRunConfig> = {
  name: "image",
  task: "classification",
  schema: imageRunSchema,
  description: "image classifier: SDE-BNN blocks over the image channels, mean-field Bayesian Dense head",
  // every sample of every block has its own noise sub-stream (128 per step): 128 / blocks (ImageSdeBnn.maxSamples)
  maxSamples: (cfg) => Math.floor(128 / cfg.model.groups.reduce((a, b) => a + b, 0)),
  build: (rt, cfg) => new ImageSdeBnn(rt, new PhiloxRandomness(rt, cfg.seed), cfg.model),
  embeddedData(_rt, cfg) {
    if (cfg.data.dataset !== "synthetic") return null;
    const m = cfg.model, d = cfg.data;
    if (m.channels !== 1 || m.height !== m.width) {
      throw new ArgumentError(`data.dataset "synthetic" makes square 1-channel images: model.channels must be 1 and model.height = model.width, got ${m.channels}x${m.height}x${m.width}`);
    }
    return {
      train: imageExamples(syntheticImageSet(d.trainLimit || 1024, m.classes, m.height, cfg.seed), "synthetic training set"),
      test: imageExamples(syntheticImageSet(d.testLimit || 256, m.classes, m.height, cfg.seed + 1), "synthetic test set"),
    };
  },
  checkData(cfg, set) {
    const m = cfg.model;
    const images = (set as { images?: { channels: number; height: number; width: number; numClasses: number } }).images;
    if (set.task !== "classification") throw new ArgumentError(`${set.name}: an image model needs class labels, got ${set.task} targets`);
    if (images && (images.channels !== m.channels || images.height !== m.height || images.width !== m.width)) {
      throw new ArgumentError(`${set.name}: images are ${images.channels}x${images.height}x${images.width} but the model expects ` +
        `${m.channels}x${m.height}x${m.width} (model.channels/height/width)`);
    }
    if (set.inputSize !== m.channels * m.height * m.width) {
      throw new ArgumentError(`${set.name}: ${set.inputSize} values per example, the model expects ${m.channels}x${m.height}x${m.width}`);
    }
    if (images && images.numClasses > m.classes) throw new ArgumentError(`${set.name} has ${images.numClasses} classes, model.classes is ${m.classes}`);
  },
  encodeInputs(cfg, inputs) {
    const m = cfg.model, per = m.channels * m.height * m.width;
    const flat = flatten(inputs);
    if (flat.length === 0 || flat.length % per !== 0) {
      throw new ArgumentError(`images: expected a positive multiple of ${per} values (${m.channels}x${m.height}x${m.width} per image), got ${flat.length}`);
    }
    if (flat instanceof Uint8Array) return Float32Array.from(flat, (b) => UNIT_FROM_BYTE[b]!);
    const bad = Array.prototype.findIndex.call(flat, (v: number) => !(v >= 0 && v <= 1));
    if (bad >= 0) throw new ArgumentError(`images: value ${bad} is ${flat[bad]}, expected a number in [0, 1] (or pass bytes 0..255 as a Uint8Array)`);
    return flat instanceof Float32Array ? flat.slice() : Float32Array.from(flat);
  },
  checkConfig(cfg) {
    checkImageModel(cfg);
    checkImageData(cfg);
  },
  modelDataFields: ["classNames"],
  classNames: (cfg) => (cfg.data.classNames.length > 0 ? [...cfg.data.classNames] : Array.from({ length: cfg.model.classes }, (_, i) => String(i))),
};
