// The data options of eval and reproduce: `--set data.KEY=VALUE` applied to a trained model's
// config. eval may point at other test data but not change what the model was fitted to
// (kind.modelDataFields); reproduce may only move the data files (string-valued location fields),
// since anything else would change the recorded run. Data paths (data.dir, data.testDir, the IDX
// files, a table's data.file and data.test) are resolved against the working directory of the
// command that names them and stored absolute, so a run's config means the same files from any
// working directory (docs/cli.md, "Data paths").
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type FlagValue } from "./args.js";
import { parseSetArg } from "../config/overrides.js";
import { kindOf, resolveRunConfig, type RunConfig } from "../models/registry.js";
import type { ObjectSchema } from "../config/schema.js";
import { FileError } from "../runtime/errors.js";
import { fileErrorFromOs, isOsError } from "../node/files.js";
import { trainingOnlyDataFields } from "../node/data.js";

const dataFields = (cfg: RunConfig) => (kindOf(cfg).schema.fields.data as ObjectSchema).fields;

/** The data fields naming files or folders: string-valued and not fitted to the training data (image: dir, testDir, trainImages, ...; tabular: file, test). */
export function dataPathFields(cfg: RunConfig): string[] {
  const fields = dataFields(cfg), fixed = kindOf(cfg).modelDataFields ?? [];
  return Object.keys(fields).filter((k) => fields[k]!.kind === "string" && !fixed.includes(k));
}

/** The config with every relative data path made absolute against `cwd` (default: the working directory). */
export function absoluteDataPaths(cfg: RunConfig, cwd = process.cwd()): RunConfig {
  const d = cfg.data as Record<string, unknown>, data = { ...d };
  for (const k of dataPathFields(cfg)) if (typeof d[k] === "string" && d[k] !== "") data[k] = resolve(cwd, d[k] as string);
  return { ...cfg, data } as RunConfig;
}

/**
 * FileError (exit 6) for a data path of the config that does not exist, naming the field, the path
 * and what to do: `command` "train" (check the path), "eval" or "reproduce" (the data moved since
 * training: --set data.KEY=NEW_PATH). eval checks only the paths it reads: not the training files when the
 * config names its own test data (data.testDir, data.testImages, a table's data.test).
 */
export function checkDataPaths(cfg: RunConfig, command: "train" | "eval" | "reproduce"): void {
  const d = cfg.data as Record<string, unknown>;
  const unread = command === "eval" ? trainingOnlyDataFields(cfg) : [];
  for (const k of dataPathFields(cfg)) {
    const p = d[k];
    if (unread.includes(k)) continue;
    if (typeof p !== "string" || p === "") continue;
    try {
      statSync(p);
    } catch (e) {
      if (!isOsError(e)) throw e;
      if (e.code !== "ENOENT" && e.code !== "ENOTDIR") throw fileErrorFromOs(e, `data.${k}`, p);
      const hint = command === "train" ? "check the path (a relative path is taken from the working directory)"
        : `the run recorded this path when it was trained; if the data moved, name the new place: sdebnn ${command} ... --set data.${k}=PATH`;
      throw new FileError(`data.${k} '${p}' does not exist: ${hint}`, p, "ENOENT");
    }
  }
}

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
  return absoluteDataPaths(resolveRunConfig(cfg, sets));
}

/** The recorded config with reproduce's `--set data.*` changes: only where the data files are. */
export function reproduceDataConfig(cfg: RunConfig, sets: readonly string[]): RunConfig {
  if (sets.length === 0) return cfg;
  const paths = dataPathFields(cfg);
  for (const text of sets) {
    const key = keyOf(text, "reproduce");
    if (!paths.includes(key)) {
      throw new UsageError(`reproduce --set ${text}: data.${key} would change the recorded run; only the data files' locations can change` +
        (paths.length ? ` (${paths.map((k) => `data.${k}`).join(", ")})` : ` (a ${cfg.kind} run names no data files)`), "reproduce");
    }
  }
  return absoluteDataPaths(resolveRunConfig(cfg, sets));
}

export const setsOf = (flags: Record<string, FlagValue | undefined>): string[] => (flags.set as string[] | undefined) ?? [];
