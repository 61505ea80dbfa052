// NODE-ONLY: keeps manifest.json of a training run up to date (rewritten with every checkpoint).
// The trace and epoch records also travel inside every checkpoint (metadata "manifest_trace",
// "manifest_epochs"), and a resumed run takes them from the checkpoint, not from manifest.json: a
// kill between the checkpoint's rename and the manifest's leaves a manifest one checkpoint behind,
// which the resumed run rewrites from the checkpoint before its first update.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExampleSet } from "../models/kind.js";
import type { RunConfig } from "../models/registry.js";
import type { Trainer } from "../train/trainer.js";
import { writeFileAtomic } from "../node/atomic.js";
import { CheckpointError } from "../runtime/errors.js";
import { MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION, parseManifest, type DataFingerprint, type RunManifest } from "./manifest.js";

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
};
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The package root (the directory of sdebnn's package.json) above this module, in dist/ or src/. */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const p = join(dir, "package.json");
    if (existsSync(p) && (JSON.parse(readFileSync(p, "utf8")) as { name?: string }).name === "sdebnn") return dir;
  }
  return null;
}

/** Version of the installed package and SHA-256 of its dist/sdebnn.wasm (what init() loads). */
export function packageIdentity(): { packageVersion: string; wasmSha256: string | null } {
  const root = packageRoot();
  if (!root) return { packageVersion: "unknown", wasmSha256: null };
  const wasm = join(root, "dist", "sdebnn.wasm");
  return {
    packageVersion: (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version,
    wasmSha256: existsSync(wasm) ? sha256(readFileSync(wasm)) : null,
  };
}

export function dataFingerprint(set: ExampleSet): DataFingerprint {
  const [inputs, targets] = set.fingerprintParts();
  return { count: set.count, inputSize: set.inputSize, inputsSha256: sha256(inputs), targetsSha256: sha256(targets) };
}

/** Records every K-th optimiser state (K: about 1000 records over a run) and the epoch losses. */
export class ManifestRecorder {
  readonly path: string;
  private readonly trace: [number, string][] = [];
  private readonly epochs: RunManifest["epochs"] = [];
  private readonly traceEvery: number;
  private readonly data: DataFingerprint;

  /** `checkpoint`: the metadata of the checkpoint a resumed run starts from. */
  constructor(dir: string, private readonly cfg: RunConfig, train: ExampleSet, private readonly trainer: Trainer, resumed = false,
              checkpoint?: Record<string, string>) {
    this.path = join(dir, MANIFEST_FILE);
    this.traceEvery = Math.max(1, Math.ceil(trainer.totalSteps / 1000));
    this.data = dataFingerprint(train);
    if (resumed && checkpoint?.manifest_trace !== undefined && checkpoint.manifest_epochs !== undefined) {
      const parse = (k: "manifest_trace" | "manifest_epochs") => {
        try { return JSON.parse(checkpoint[k]!) as unknown; } catch { throw new CheckpointError(`checkpoint metadata field '${k}' is not valid JSON`); }
      };
      const trace = parse("manifest_trace"), epochs = parse("manifest_epochs");
      if (!Array.isArray(trace) || !Array.isArray(epochs)) throw new CheckpointError("checkpoint metadata fields 'manifest_trace' and 'manifest_epochs' must be JSON arrays");
      this.trace.push(...(trace as [number, string][]).filter(([s]) => s <= trainer.step));
      this.epochs.push(...(epochs as RunManifest["epochs"]).filter(([, s]) => s <= trainer.step));
    } else if (resumed && existsSync(this.path)) {
      const old = parseManifest(readFileSync(this.path, "utf8"), this.path);
      this.trace.push(...old.trace.filter(([s]) => s <= trainer.step));
      this.epochs.push(...old.epochs.filter(([, s]) => s <= trainer.step));
    }
  }

  /** After every update. */
  step(): void {
    const t = this.trainer;
    if (t.step % this.traceEvery !== 0 && !t.done) return;
    this.trace.push([t.step, sha256(bytesOf(t.opt.params.view), bytesOf(t.opt.m.view), bytesOf(t.opt.v.view)).slice(0, 16)]);
  }

  epoch(e: { epoch: number; step: number; trainLoss: number; valNll: number }): void {
    const exact = (v: number) => (Number.isFinite(v) ? v : null);
    this.epochs.push([e.epoch, e.step, exact(e.trainLoss), exact(e.valNll)]);
  }

  /** Metadata for the checkpoint of the current step: the manifest's records up to it. */
  checkpointMetadata(): Record<string, string> {
    const s = this.trainer.step;
    return { manifest_trace: JSON.stringify(this.trace.filter(([k]) => k <= s)), manifest_epochs: JSON.stringify(this.epochs.filter(([, k]) => k <= s)) };
  }

  /** With every checkpoint write: the manifest describes that checkpoint. */
  async write(checkpoint: Uint8Array): Promise<void> {
    const m: RunManifest = {
      format: MANIFEST_FORMAT, formatVersion: MANIFEST_VERSION, ...packageIdentity(), runtime: `node ${process.version}`,
      config: this.cfg, seed: this.cfg.seed, data: this.data,
      updates: this.trainer.step, totalUpdates: this.trainer.totalSteps, complete: this.trainer.done,
      checkpointSha256: sha256(checkpoint), traceEvery: this.traceEvery,
      trace: this.trace.filter(([s]) => s <= this.trainer.step), epochs: this.epochs.filter(([, s]) => s <= this.trainer.step),
    };
    await writeFileAtomic(this.path, JSON.stringify(m) + "\n");
  }
}
