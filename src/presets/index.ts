// The named configurations users start from: plain JSON objects, validated by the schema of their
// kind after a config file and `--set key=value` overrides are applied on top.
import { ConfigError } from "../runtime/errors.js";
import { closest } from "../config/suggest.js";
import { cloneJson } from "../config/schema.js";
import { resolveRunConfig, type RunConfig } from "../models/registry.js";
import { TOY1D_ODENET_CHANGES, TOY1D_PAPER_CHANGES, TOY1D_PRESET } from "../models/toy1d_preset.js";

export interface Preset { description: string; config: Record<string, unknown> }

/**
 * toy1d: the Fig. 2 model tuned for a calibrated band (docs/implementation.md,
 * bench/results/toy1d.md), a config of the tabular kind on its embedded toy1d points (../models/toy1d_preset.ts).
 * toy1d-paper: SPEC section 3 as the paper states it (every weight diffuses, width 64, sigma 0.2,
 * 19 steps, Laplace likelihood, KL not / N).
 */
const toy1d = cloneJson(TOY1D_PRESET) as Record<string, unknown>;
const toy1dPaper = merge(cloneJson(toy1d) as Record<string, unknown>, TOY1D_PAPER_CHANGES);
const odenetModel = { sigma: 0, w0: "point", head: "point" };
/** The discrete baselines of the paper's Table 1: `steps` residual blocks per block position, the same f_h. */
const resnetModel = { arch: "resnet", sigma: 0, w0: "point", head: "point" };
const mfresnetModel = { arch: "resnet", sigma: 0, w0: "meanfield", head: "meanfield" };

const mnist = {
  kind: "image", seed: 0,
  model: { channels: 1, height: 28, width: 28, classes: 10, augment: 2, groups: [1], hidden: 16, nnBottleneck: 2, nnHidden: 16,
    sigma: 0.2, theta: 1, diffusionScale: "init", steps: 10, solver: "euler", kl: "quadratic", gradient: "backprop", w0: "point", head: "meanfield" },
  train: { epochs: 3, batch: 64, lr: 1e-3, schedule: "constant", emaDecay: 0.999, samples: 1, klCoef: 1e-3, checkpointEvery: 500 },
  data: { dataset: "mnist", valFraction: 0.1 },
  eval: { samples: 8, batch: 256 },
};

const cifar10 = {
  kind: "image", seed: 0,
  model: { channels: 3, height: 32, width: 32, classes: 10, augment: 2, groups: [2, 2, 2], hidden: 64, nnBottleneck: 2, nnHidden: 64,
    sigma: 0.2, theta: 1, steps: 20, solver: "euler", kl: "quadratic", gradient: "backprop", w0: "point", head: "meanfield" },
  train: { epochs: 100, batch: 128, lr: 1e-3, schedule: "constant", emaDecay: 0.999, samples: 1, klCoef: 1e-3, checkpointEvery: 1000 },
  data: { dataset: "cifar10", valFraction: 0.1 },
  eval: { samples: 8, batch: 128 },
};

/** A seconds-sized image model on the synthetic bar images (tests, demos). */
const tiny = {
  kind: "image", seed: 0,
  model: { channels: 1, height: 8, width: 8, classes: 4, augment: 1, groups: [1], hidden: 4, nnBottleneck: 2, nnHidden: 4,
    sigma: 0.2, steps: 4, head: "meanfield" },
  train: { epochs: 2, batch: 16, lr: 3e-3, emaDecay: 0.99, samples: 1, klCoef: 1e-3, checkpointEvery: 10 },
  data: { dataset: "synthetic", valFraction: 0.2, trainLimit: 256, testLimit: 64 },
  eval: { samples: 4, batch: 64 },
};

function odenet(c: Record<string, unknown>): Record<string, unknown> {
  if ((c.data as { dataset?: string }).dataset !== "toy1d") return withModel(c, odenetModel);
  return merge(structuredClone(c), TOY1D_ODENET_CHANGES); // the toy1d model has no head to make a point head of
}

/**
 * An image preset with its model replaced by a baseline's fields. The baselines have no weight
 * diffusion, so the SDE-BNN's model.diffusionScale goes (it would be a ConfigError: image_kind.ts).
 */
function withModel(c: Record<string, unknown>, model: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(c);
  const m = Object.assign(out.model as Record<string, unknown>, model);
  delete m.diffusionScale;
  return out;
}

/** The names of the built-in configurations. */
export type PresetName = "toy1d" | "toy1d-paper" | "toy1d-odenet" | "mnist" | "mnist-odenet" | "mnist-resnet" | "mnist-mfresnet"
  | "cifar10" | "cifar10-odenet" | "cifar10-resnet" | "cifar10-mfresnet" | "tiny";

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  toy1d: { description: "1D regression with a gap (paper Fig. 2): 40 points, 1 block of width 32 whose last layer's weights diffuse (PSDE-BNN), sigma 1", config: toy1d },
  "toy1d-paper": { description: "toy1d as SPEC section 3 states it: every weight diffuses, width 64, sigma 0.2, 19 Euler steps, Laplace likelihood", config: toy1dPaper },
  "toy1d-odenet": { description: "toy1d with sigma 0 and a point w_0 (a neural ODE: constant weights, no KL)", config: odenet(toy1d) },
  mnist: { description: "MNIST, CPU-sized image SDE-BNN: 1 block, width 16, NN 2-16-2, sigma 0.2 times each weight's init std (diffusionScale init), 10 Euler steps, batch 64", config: mnist },
  "mnist-odenet": { description: "mnist with sigma 0, point w_0 and a point head (the ODEnet baseline)", config: odenet(mnist) },
  "mnist-resnet": { description: "mnist's f_h as 10 discrete residual blocks h <- h + f_h(h)/10 with their own point weights, point head (the ResNet baseline)", config: withModel(mnist, resnetModel) },
  "mnist-mfresnet": { description: "mnist-resnet with mean-field Gaussian weights in every block and head, closed-form KL (the MF-ResNet baseline)", config: withModel(mnist, mfresnetModel) },
  cifar10: { description: "CIFAR-10 reference architecture: 5 channels, groups 2-2-2 with squeeze, width 64, NN 2-64-2, 20 steps", config: cifar10 },
  "cifar10-odenet": { description: "cifar10 with sigma 0, point w_0 and a point head", config: odenet(cifar10) },
  "cifar10-resnet": { description: "cifar10's f_h as 20 discrete residual blocks per position with their own point weights, point head", config: withModel(cifar10, resnetModel) },
  "cifar10-mfresnet": { description: "cifar10-resnet with mean-field Gaussian weights in every block and head", config: withModel(cifar10, mfresnetModel) },
  tiny: { description: "an 8x8 synthetic image task that trains in seconds (tests, demos)", config: tiny },
};

/** The effective config of a preset, with an optional config tree and `key=value` overrides on top. */
export function resolvePreset(name: PresetName | (string & {}), file?: unknown, sets: readonly string[] = []): RunConfig {
  if (!isPresetName(name)) {
    const guess = closest(name, Object.keys(PRESETS));
    throw new ConfigError(`unknown preset '${name}': expected one of ${Object.keys(PRESETS).join(", ")}${guess ? `; did you mean '${guess}'?` : ""}`);
  }
  const base = merge(cloneJson(PRESETS[name].config) as Record<string, unknown>, file === undefined ? {} : cloneJson(file));
  return resolveRunConfig(base, sets);
}

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

export { resolveRunConfig, type RunConfig };

/** Deep merge of plain objects (arrays and scalars of `over` replace those of `base`). */
function merge(base: Record<string, unknown>, over: unknown): Record<string, unknown> {
  if (over === null || typeof over !== "object" || Array.isArray(over)) {
    throw new ConfigError(`config: expected a JSON object at the top level, got ${JSON.stringify(over)}`);
  }
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    base[k] = v !== null && typeof v === "object" && !Array.isArray(v) && b !== null && typeof b === "object" && !Array.isArray(b)
      ? merge(b as Record<string, unknown>, v) : v;
  }
  return base;
}

