// `sdebnn reproduce MANIFEST [--out DIR]`: re-runs a recorded training run and reports whether it
// is bit-identical, or the first update after which the optimiser state differs.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { init } from "../node.js";
import { UsageError, type FlagValue } from "./args.js";
import { ConfigError, DataError } from "../runtime/errors.js";
import { resolveRunConfig } from "../models/registry.js";
import { CHECKPOINT_FILE, trainRun } from "../node/run.js";
import { loadData } from "../node/data.js";
import { compareManifests, parseManifest, MANIFEST_FILE, type Comparison, type RunManifest } from "../repro/manifest.js";
import { dataFingerprint, packageIdentity } from "../repro/recorder.js";
import { readTextChecked } from "../node/files.js";
import { checkDataPaths, reproduceDataConfig, setsOf } from "./data_sets.js";

type Flags = Record<string, FlagValue | undefined>;

export interface ReproduceReport extends Comparison {
  manifest: string;
  out: string;
  updates: number;
  checkpointSha256: string;
  /** Where this environment differs from the recorded one (package version, wasm binary). */
  environment: string[];
}

export interface ReproduceOptions {
  /** Output directory of the re-run (default: a new temporary directory). */
  out?: string;
  onStep?: (step: number, total: number) => void;
  /** Also score the test set and write results.json. */
  score?: boolean;
  /** `data.KEY=VALUE` changes of where the data files are (the re-run records the original config). */
  dataSets?: readonly string[];
}

export async function reproduce(manifestPath: string, o: ReproduceOptions = {}): Promise<ReproduceReport> {
  const { out, onStep, score = false } = o;
  if (out !== undefined && existsSync(join(out, CHECKPOINT_FILE))) {
    throw new UsageError(`--out ${out} already holds a run (${CHECKPOINT_FILE}): reproduce into an empty or new directory`);
  }
  const ref: RunManifest = parseManifest(readTextChecked(manifestPath, { what: "manifest" }), manifestPath);
  let cfg;
  try {
    cfg = resolveRunConfig(ref.config);
  } catch (e) {
    throw new ConfigError(`${manifestPath}: field 'config': ${(e as Error).message}`);
  }
  const env = packageIdentity();
  const environment: string[] = [];
  if (env.packageVersion !== ref.packageVersion) environment.push(`package version ${env.packageVersion}, recorded ${ref.packageVersion}`);
  if (env.wasmSha256 !== ref.wasmSha256) environment.push(`wasm SHA-256 ${env.wasmSha256}, recorded ${ref.wasmSha256}`);
  const rt = await init();
  const moved = reproduceDataConfig(cfg, o.dataSets ?? []); // the files may have moved; the run is the recorded one
  checkDataPaths(moved, "reproduce");
  const runData = loadData(rt, moved);
  const data = dataFingerprint(runData.train);
  for (const k of ["count", "inputsSha256", "targetsSha256"] as const) {
    if (data[k] !== ref.data[k]) {
      throw new DataError(`${manifestPath}: field 'data.${k}': the training data differ from the recorded run: expected ${ref.data[k]}, got ${data[k]} ` +
        `(${runData.train.name})`);
    }
  }
  const dir = resolve(out ?? mkdtempSync(join(tmpdir(), "sdebnn-reproduce-")));
  await trainRun(rt, cfg, { out: dir, data: runData, score, stopAfter: ref.complete ? undefined : ref.updates, onStep: (_r, t) => onStep?.(t.step, ref.updates) });
  const got = parseManifest(readFileSync(join(dir, MANIFEST_FILE), "utf8"), join(dir, MANIFEST_FILE));
  return { ...compareManifests(ref, got), manifest: manifestPath, out: dir, updates: got.updates, checkpointSha256: got.checkpointSha256, environment };
}

export async function reproduceCommand(flags: Flags, positionals: string[], json: boolean): Promise<number> {
  const path = positionals[0]!;
  const r = await reproduce(path, {
    out: flags.out === undefined ? undefined : String(flags.out),
    onStep: json ? undefined : (s, n) => { if (s % Math.max(1, Math.round(n / 20)) === 0) process.stderr.write(`  update ${s}/${n}\n`); },
    score: flags.score === true, dataSets: setsOf(flags),
  });
  if (json) console.log(JSON.stringify(r));
  else {
    for (const e of r.environment) console.error(`note: ${e}`);
    if (r.identical) console.log(`bit-identical: ${r.updates} updates, checkpoint sha256 ${r.checkpointSha256} (re-run in ${r.out})`);
    else {
      console.log(`differs: ${r.firstDifferingStep === null ? "no traced step differs" : `first differing step ${r.firstDifferingStep}`} (re-run in ${r.out})`);
      for (const d of r.differences) console.log(`  ${d}`);
    }
  }
  return r.identical ? 0 : 1;
}
