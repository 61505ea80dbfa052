import type { Runtime } from "../runtime/load.js";
import { CheckpointError } from "../runtime/errors.js";
import { expectTensor, type Checkpoint } from "../checkpoint/safetensors.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { resolveRunConfig } from "../presets/index.js";
import type { ImageRunConfig } from "./image_config.js";
import { ImageSdeBnn } from "./image.js";

/**
 * The image model of a training checkpoint, ready to predict: the config comes from the
 * checkpoint's metadata (validated), the weights are the EMA weights when the file has them
 * (what evaluation uses) unless `weights` is "trained".
 */
export function loadImageModel(rt: Runtime, ck: Checkpoint, weights: "ema" | "trained" = "ema"): { model: ImageSdeBnn; cfg: ImageRunConfig } {
  const cfg = resolveRunConfig(ck.config);
  if (cfg.kind !== "image") throw new CheckpointError(`the checkpoint holds a '${cfg.kind}' model, expected an image model`);
  const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, cfg.seed), cfg.model);
  const first = model.space.list[0]!;
  const prefix = weights === "ema" && ck.tensors.has(`ema.${first.name}`) ? "ema." : "";
  const view = model.space.allocated.params.view;
  for (const e of model.space.list) view.set(expectTensor(ck, prefix + e.name, "F32", e.shape).data as Float32Array, e.offset);
  return { model, cfg };
}
