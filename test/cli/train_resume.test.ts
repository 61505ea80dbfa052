// Training runs in an output directory: a run stopped after 13 updates (its last checkpoint at
// update 10) and resumed in a fresh runtime ends with the same checkpoint bytes and the same
// per-epoch metrics as an uninterrupted run, also from a checkpoint whose config predates a defaulted
// field; a second run into the same directory is refused.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainRun } from "../../src/node/run.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { CheckpointError } from "../../src/runtime/errors.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { freshRuntime, ROOT } from "../helpers/wasm.js";
import { pathToFileURL } from "node:url";

const cfg = resolvePreset("tiny") as ImageRunConfig;
const withoutTime = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((l) => { const r = JSON.parse(l); delete r.seconds; return r; });

describe("training runs", () => {
  it("resume after an interruption gives the bits of an uninterrupted run", async () => {
    const a = mkdtempSync(join(tmpdir(), "sdebnn-a-")), b = mkdtempSync(join(tmpdir(), "sdebnn-b-"));
    const full = await trainRun(await freshRuntime(), cfg, { out: a });
    expect(full.trainer.step).toBe(24);
    const cut = await trainRun(await freshRuntime(), cfg, { out: b, stopAfter: 13 });
    expect(cut.stoppedEarly).toBe(true);
    await expect(trainRun(await freshRuntime(), cfg, { out: b })).rejects.toThrow(CheckpointError);
    const resumed = await trainRun(await freshRuntime(), cfg, { out: b, resume: true });
    expect(resumed.trainer.step).toBe(24);
    expect(Buffer.compare(readFileSync(join(a, "checkpoint.safetensors")), readFileSync(join(b, "checkpoint.safetensors")))).toBe(0);
    expect(withoutTime(join(b, "metrics.jsonl"))).toEqual(withoutTime(join(a, "metrics.jsonl")));
    expect(resumed.test).toEqual(full.test);
    // the loss went down over the run
    const epochs = withoutTime(join(a, "metrics.jsonl"));
    expect(epochs[1].trainLoss).toBeLessThan(epochs[0].trainLoss);
  });

  it("two worker threads give the bits of one (fixed shards, fixed summation order)", async () => {
    const a = mkdtempSync(join(tmpdir(), "sdebnn-w1-")), b = mkdtempSync(join(tmpdir(), "sdebnn-w2-"));
    const three = resolvePreset("tiny", undefined, ["train.shards=3", "train.epochs=1"]) as ImageRunConfig;
    await trainRun(await freshRuntime(), three, { out: a });
    await trainRun(await freshRuntime(), three, { out: b, workers: 2, workerScript: pathToFileURL(join(ROOT, "dist/shard_worker.js")) });
    expect(Buffer.compare(readFileSync(join(a, "checkpoint.safetensors")), readFileSync(join(b, "checkpoint.safetensors")))).toBe(0);
    // and the shards really split the work: one shard differs from three in the last bits or more
    const c = mkdtempSync(join(tmpdir(), "sdebnn-s1-"));
    await trainRun(await freshRuntime(), resolvePreset("tiny", undefined, ["train.shards=1", "train.epochs=1"]) as ImageRunConfig, { out: c });
    expect(Buffer.compare(readFileSync(join(a, "checkpoint.safetensors")), readFileSync(join(c, "checkpoint.safetensors")))).not.toBe(0);
  });

  it("resume accepts a checkpoint written before a defaulted config field existed (the field at its default)", async () => {
    const a = mkdtempSync(join(tmpdir(), "sdebnn-old-a-")), b = mkdtempSync(join(tmpdir(), "sdebnn-old-b-"));
    await trainRun(await freshRuntime(), cfg, { out: a });
    await trainRun(await freshRuntime(), cfg, { out: b, stopAfter: 13 });
    // rewrite b's checkpoint (update 10) as an older build wrote it: its config without train.divergeFactor
    const path = join(b, "checkpoint.safetensors"), ck = await decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
    const { train: { divergeFactor, ...train }, ...rest } = ck.config as ImageRunConfig;
    expect(divergeFactor).toBe(cfg.train.divergeFactor);
    const extra = Object.fromEntries(Object.entries(ck.metadata).filter(([k]) => !["format", "format_version", "config", "seed", "step", "sha256"].includes(k)));
    writeFileSync(path, await encodeCheckpoint(ck.tensors, { config: { ...rest, train }, seed: ck.seed, step: ck.step, extra }));
    const resumed = await trainRun(await freshRuntime(), cfg, { out: b, resume: true });
    expect(resumed.trainer.step).toBe(24);
    expect(Buffer.compare(readFileSync(join(a, "checkpoint.safetensors")), readFileSync(path))).toBe(0);
    // a field that differs from its default is still a difference
    const c = mkdtempSync(join(tmpdir(), "sdebnn-old-c-"));
    await trainRun(await freshRuntime(), cfg, { out: c, stopAfter: 10 });
    const other = resolvePreset("tiny", undefined, ["train.divergeFactor=50"]) as ImageRunConfig;
    await expect(trainRun(await freshRuntime(), other, { out: c, resume: true })).rejects.toThrow(/at 'train\.divergeFactor': 10000 in the checkpoint, 50 now/);
  });

  it("resume refuses a different config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-c-"));
    await trainRun(await freshRuntime(), cfg, { out: dir, stopAfter: 10 });
    const other = resolvePreset("tiny", undefined, ["train.lr=0.01"]) as ImageRunConfig;
    await expect(trainRun(await freshRuntime(), other, { out: dir, resume: true })).rejects.toThrow(/config differs from the one in .*checkpoint\.safetensors at 'train\.lr': [\d.e-]+ in the checkpoint, 0\.01 now/);
  });
});
