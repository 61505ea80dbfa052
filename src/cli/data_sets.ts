// The data options of eval and reproduce: `--set data.KEY=VALUE` applied to a trained model's
// config. eval may point at other test data but not change what the model was fitted to
// (kind.modelDataFields); reproduce may only move the data files (string-valued location fields),
// since anything else would change the recorded run.
import { UsageError, type FlagValue } from "./args.js";
import { parseSetArg } from "../config/overrides.js";
import { kindOf, resolveRunConfig, type RunConfig } from "../models/registry.js";
import type { ObjectSchema } from "../config/schema.js";

const dataFields = (cfg: RunConfig) => (kindOf(cfg).schema.fields.data as ObjectSchema).fields;

function keyOf(text: string, command: string): string {
  const { path } = parseSetArg(text);
  if (path[0] !== "data" || path.length < 2) {
    throw new UsageError(`${command} --set ${text}: only data options (data.KEY=VALUE) can be changed here; the rest of the config is the trained model's`, command);
  }
  return path[1]!;
}

/** The config of a trained model with eval's `--set data.*` changes (UsageError for anything else). */
export function evalDataConfig(cfg: RunConfig, sets: readonly string[]): RunConfig {
  if (sets.length === 0) return cfg;
  const fixed = kindOf(cfg).modelDataFields ?? [];
  for (const text of sets) {
    const key = keyOf(text, "eval");
    if (fixed.includes(key)) throw new UsageError(`eval --set ${text}: data.${key} belongs to the trained model (fitted to its training data); it cannot be changed`, "eval");
  }
  return resolveRunConfig(cfg, sets);
}

/** The recorded config with reproduce's `--set data.*` changes: only where the data files are. */
export function reproduceDataConfig(cfg: RunConfig, sets: readonly string[]): RunConfig {
  if (sets.length === 0) return cfg;
  const fields = dataFields(cfg), fixed = kindOf(cfg).modelDataFields ?? [];
  for (const text of sets) {
    const key = keyOf(text, "reproduce");
    if (fields[key]?.kind !== "string" || fixed.includes(key)) {
      const where = Object.keys(fields).filter((k) => fields[k]!.kind === "string" && !fixed.includes(k)).map((k) => `data.${k}`);
      throw new UsageError(`reproduce --set ${text}: data.${key} would change the recorded run; only the data files' locations can change` +
        (where.length ? ` (${where.join(", ")})` : ` (a ${cfg.kind} run names no data files)`), "reproduce");
    }
  }
  return resolveRunConfig(cfg, sets);
}

export const setsOf = (flags: Record<string, FlagValue | undefined>): string[] => (flags.set as string[] | undefined) ?? [];
