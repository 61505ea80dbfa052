// The reproduction manifest of a training run (manifest.json in its output directory): what ran
// (package version, wasm SHA-256, config, seed), on what (data fingerprint), and what came out
// (checkpoint SHA-256, a hash of the optimiser state every `traceEvery` updates, per-epoch losses).
// Runtime-neutral: parsing and comparing only.
import { ConfigError } from "../runtime/errors.js";
import { MAX_CONFIG_DEPTH, parseJsonStrict } from "../config/strict_json.js";

export const MANIFEST_FORMAT = "sdebnn-manifest";
export const MANIFEST_VERSION = 2;
export const MANIFEST_FILE = "manifest.json";

/** SHA-256 of the training examples actually used (after data.trainLimit): raw inputs and targets apart. */
export interface DataFingerprint { count: number; inputSize: number; inputsSha256: string; targetsSha256: string }

export interface RunManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: number;
  packageVersion: string;
  wasmSha256: string | null;
  runtime: string;
  config: unknown;
  seed: number;
  data: DataFingerprint;
  /** Updates done when the checkpoint below was written; totalUpdates when the run is complete. */
  updates: number;
  totalUpdates: number;
  complete: boolean;
  checkpointSha256: string;
  /** Every traceEvery updates (and the last): [step, first 16 hex digits of SHA-256(params, Adam m, Adam v)]. */
  traceEvery: number;
  trace: [number, string][];
  /** Per epoch: [epoch, step, mean training loss, validation NLL] as exact doubles (NaN as null). */
  epochs: [number, number, number | null, number | null][];
}

const HEX64 = /^[0-9a-f]{64}$/;

function field(file: string, path: string, want: string, got: unknown): ConfigError {
  return new ConfigError(`${file}: field '${path}': expected ${want}, got ${JSON.stringify(got) ?? "undefined"}`);
}

/** Parses and validates manifest.json (ConfigError naming the file and field). */
export function parseManifest(text: string, file = MANIFEST_FILE): RunManifest {
  // the config inside nests up to MAX_CONFIG_DEPTH, plus the manifest's own level
  const m = parseJsonStrict(text, { where: file, maxDepth: MAX_CONFIG_DEPTH + 1, error: (msg) => new ConfigError(msg) }) as Record<string, unknown>;
  if (m === null || typeof m !== "object" || Array.isArray(m)) throw field(file, "(top level)", "an object", m);
  if (m.format !== MANIFEST_FORMAT) throw field(file, "format", `"${MANIFEST_FORMAT}"`, m.format);
  if (m.formatVersion !== MANIFEST_VERSION) {
    throw field(file, "formatVersion", `${MANIFEST_VERSION}${m.formatVersion === 1 ? " (version 1 manifests were written by sdebnn before 0.2 and cannot be reproduced by this version)" : ""}`, m.formatVersion);
  }
  const count = (k: string) => {
    if (!Number.isSafeInteger(m[k]) || (m[k] as number) < 0) throw field(file, k, "a non-negative integer", m[k]);
  };
  ["seed", "updates", "totalUpdates", "traceEvery"].forEach(count);
  if (typeof m.packageVersion !== "string") throw field(file, "packageVersion", "a string", m.packageVersion);
  if (m.wasmSha256 !== null && !HEX64.test(String(m.wasmSha256))) throw field(file, "wasmSha256", "64 hex digits or null", m.wasmSha256);
  if (!HEX64.test(String(m.checkpointSha256))) throw field(file, "checkpointSha256", "64 hex digits", m.checkpointSha256);
  if (typeof m.complete !== "boolean") throw field(file, "complete", "true or false", m.complete);
  const d = m.data as Record<string, unknown> | undefined;
  if (!d || typeof d !== "object") throw field(file, "data", "an object", d);
  if (!Number.isSafeInteger(d.count)) throw field(file, "data.count", "an integer", d.count);
  for (const k of ["inputsSha256", "targetsSha256"]) if (!HEX64.test(String(d[k]))) throw field(file, `data.${k}`, "64 hex digits", d[k]);
  if (!Array.isArray(m.trace) || !m.trace.every((e) => Array.isArray(e) && Number.isSafeInteger(e[0]) && /^[0-9a-f]{16}$/.test(String(e[1])))) {
    throw field(file, "trace", "a list of [step, 16 hex digits]", Array.isArray(m.trace) ? m.trace.find((e) => !(Array.isArray(e) && /^[0-9a-f]{16}$/.test(String(e[1])))) : m.trace);
  }
  if (!Array.isArray(m.epochs)) throw field(file, "epochs", "a list", m.epochs);
  return m as unknown as RunManifest;
}

export interface Comparison {
  identical: boolean;
  /** The first recorded step whose state differs, and the last recorded step that still agreed. */
  firstDifferingStep: number | null;
  lastAgreeingStep: number | null;
  /** Human-readable differences, most important first. */
  differences: string[];
}

/** Compares a reproduction with the reference: traced states step by step, epochs, checkpoint, data. */
export function compareManifests(ref: RunManifest, got: RunManifest): Comparison {
  const differences: string[] = [];
  const mine = new Map(got.trace);
  let firstDifferingStep: number | null = null, lastAgreeingStep: number | null = null;
  for (const [step, hash] of ref.trace) {
    const other = mine.get(step);
    if (other === undefined) continue;
    if (other !== hash) { firstDifferingStep = step; break; }
    lastAgreeingStep = step;
  }
  if (firstDifferingStep !== null) {
    const from = (lastAgreeingStep ?? 0) + 1;
    differences.push(from === firstDifferingStep
      ? `the state first differs after update ${firstDifferingStep}`
      : `the state first differs after an update in ${from}..${firstDifferingStep} (recorded every ${ref.traceEvery})`);
  }
  if (ref.data.inputsSha256 !== got.data.inputsSha256 || ref.data.targetsSha256 !== got.data.targetsSha256) {
    differences.unshift(`the training data differ (inputs ${got.data.inputsSha256.slice(0, 12)}.. vs ${ref.data.inputsSha256.slice(0, 12)}..)`);
  }
  if (ref.updates !== got.updates) differences.push(`${got.updates} updates ran, the reference ran ${ref.updates}`);
  const epochKey = (e: RunManifest["epochs"][number]) => JSON.stringify(e);
  const badEpoch = ref.epochs.find((e, i) => got.epochs[i] === undefined || epochKey(e) !== epochKey(got.epochs[i]!));
  if (badEpoch) differences.push(`epoch ${badEpoch[0]}: training loss ${JSON.stringify(got.epochs.find((e) => e[0] === badEpoch[0])?.[2])}, reference ${JSON.stringify(badEpoch[2])}`);
  if (ref.checkpointSha256 !== got.checkpointSha256) differences.push(`checkpoint SHA-256 ${got.checkpointSha256}, reference ${ref.checkpointSha256}`);
  return { identical: differences.length === 0, firstDifferingStep, lastAgreeingStep, differences };
}
