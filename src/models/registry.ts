// The registry of model kinds: the one place that knows which kinds exist. Config validation,
// model construction, checkpoint loading, the trainer and the CLI all dispatch through it.
import { ConfigError } from "../runtime/errors.js";
import { resolveConfig } from "../config/overrides.js";
import type { ModelKind } from "./kind.js";
import { imageKind } from "./image_kind.js";
import { tabularKind } from "./tabular_kind.js";
import { fromToy1dConfig } from "./toy1d_legacy.js";
import type { ImageRunConfig } from "./image_config.js";
import type { TabularRunConfig } from "./tabular_config.js";

/** A validated run config of any kind. */
export type RunConfig = ImageRunConfig | TabularRunConfig;
export type KindName = RunConfig["kind"];

export const KINDS: Readonly<Record<KindName, ModelKind<any>>> = { image: imageKind, tabular: tabularKind };

/** The kind of a config tree (ConfigError naming the field when it is missing or unknown). */
export function kindOf(tree: unknown): ModelKind<RunConfig> {
  const kind = (tree as { kind?: unknown } | null)?.kind;
  if (typeof kind === "string" && Object.hasOwn(KINDS, kind)) return KINDS[kind as KindName];
  throw new ConfigError(`config field 'kind': expected one of ${Object.keys(KINDS).map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(kind) ?? "nothing"}`);
}

/**
 * Validates a complete config tree (e.g. from a file, a checkpoint or a manifest) by its `kind`, with
 * `key=value` overrides. A config of the former kind "toy1d" is read as the tabular config of the
 * same model (./toy1d_legacy.ts).
 */
export function resolveRunConfig(tree: unknown, sets: readonly string[] = []): RunConfig {
  if ((tree as { kind?: unknown } | null)?.kind === "toy1d") {
    try {
      return resolveRunConfig(fromToy1dConfig(tree as Record<string, unknown>), sets);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ConfigError(`${e.message} (a kind "toy1d" config is read as kind "tabular" with data.dataset "toy1d": model.hidden is model.width, data.KEY is data.toy1d.KEY)`);
    }
  }
  const kind = kindOf(tree), resolved = resolveConfig(kind.schema, tree, sets) as RunConfig;
  const cfg = kind.complete?.(resolved) ?? resolved;
  kind.checkConfig?.(cfg);
  return cfg;
}
