// Configs of the former model kind "toy1d" (before the toy1d model became a preset of the tabular
// kind), e.g. in checkpoints written by `sdebnn start` / `train --preset toy1d` then: read as the
// tabular config of the same model. The parameters keep their names and layout (nn, block.fixed,
// block.w0, block.w0_logstd), so such a checkpoint loads, predicts and resumes with the same bits.
import { ConfigError } from "../runtime/errors.js";
import { cloneJson, isPlainObject } from "../config/schema.js";
import { TOY1D_PRESET } from "./toy1d_preset.js";

type Tree = Record<string, unknown>;

/** The former toy1d fields, by section, and where they live in the tabular config. */
const MODEL_FIELDS: Readonly<Record<string, string>> = {
  augment: "augment", hidden: "width", nnHidden: "nnHidden", nnInitScale: "nnInitScale", sigma: "sigma", theta: "theta",
  stochastic: "stochastic", steps: "steps", solver: "solver", adaptive: "adaptive", kl: "kl", gradient: "gradient",
  keepActivationsMB: "keepActivationsMB", w0: "w0", w0PriorStd: "w0PriorStd", w0LogStdInit: "w0LogStdInit", likelihood: "likelihood",
};
const DATA_FIELDS = ["perCluster", "ranges", "noiseStd", "center", "scale", "heldOut"];

function section(tree: Tree, key: string): Tree {
  const v = tree[key];
  if (v === undefined) return {};
  if (!isPlainObject(v)) throw new ConfigError(`config field '${key}' of a kind "toy1d" config: expected an object, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * A kind "toy1d" config tree -> the tabular tree of the same model: the toy1d preset (whose values
 * are the former kind's defaults) with the tree's fields on top. model.hidden is model.width,
 * data.{perCluster, ranges, noiseStd, center, scale, heldOut} are data.toy1d.*, and the likelihood
 * scale is model.gaussianStd (Gaussian) or model.likelihoodScale (Laplace). ConfigError for a
 * field the former kind did not have.
 */
export function fromToy1dConfig(tree: Tree): Tree {
  const out = cloneJson(TOY1D_PRESET) as Tree & { data: Tree & { toy1d: Tree }; model: Tree; train: Tree; eval: Tree };
  for (const k of Object.keys(tree)) {
    if (!["kind", "seed", "data", "model", "train", "eval"].includes(k)) throw new ConfigError(`config field '${k}': unknown field of a kind "toy1d" config`);
  }
  if (tree.seed !== undefined) out.seed = tree.seed;
  const model = section(tree, "model"), data = section(tree, "data");
  for (const [k, v] of Object.entries(model)) {
    if (k === "likelihoodScale") continue;
    const to = MODEL_FIELDS[k];
    if (!to) throw new ConfigError(`config field 'model.${k}': unknown field of a kind "toy1d" config`);
    out.model[to] = v;
  }
  const scale = model.likelihoodScale ?? 0.1; // the former default
  if ((model.likelihood ?? "gaussian") === "gaussian") out.model.gaussianStd = scale;
  else out.model.likelihoodScale = scale;
  for (const [k, v] of Object.entries(data)) {
    if (k === "valFraction") out.data.valFraction = v;
    else if (DATA_FIELDS.includes(k)) out.data.toy1d[k] = v;
    else throw new ConfigError(`config field 'data.${k}': unknown field of a kind "toy1d" config`);
  }
  Object.assign(out.train, section(tree, "train"));
  Object.assign(out.eval, section(tree, "eval"));
  return out;
}
