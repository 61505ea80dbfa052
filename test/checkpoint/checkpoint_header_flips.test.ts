// Checkpoint header integrity (issue 21, item 2): a real training checkpoint (tiny preset, 5 updates,
// with epoch sums metadata and EMA tensors) is corrupted one header bit at a time - every bit of the
// 8-byte length and of the JSON header - and by seeded random 1-3 bit flips; every corrupted file must
// be refused by decodeCheckpoint with a CheckpointError (none accepted, no SyntaxError/RangeError).
import { describe, expect, it } from "vitest";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { Trainer } from "../../src/train/trainer.js";
import { imageExamples } from "../../src/data/examples.js";
import { resolvePreset } from "../../src/presets/index.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { CheckpointError } from "../../src/runtime/errors.js";
import { freshRuntime } from "../helpers/wasm.js";
import { rng } from "../kernels/helpers.js";

async function realCheckpoint(): Promise<Uint8Array> {
  const cfg = resolvePreset("tiny", undefined, ["train.maxSteps=5"]) as ImageRunConfig;
  const rt = await freshRuntime();
  const data = syntheticImageSet(128, 4, 8, 3);
  const trainer = new Trainer(rt, cfg, imageExamples(data));
  while (!trainer.done) trainer.trainStep();
  return encodeCheckpoint(trainer.stateTensors(), {
    config: cfg, seed: cfg.seed, step: trainer.step, extra: { epoch_sums: JSON.stringify({ loss: 6.5, acc: 1.25, count: 5, skipped: 0 }) },
  });
}

/** "refused" (a CheckpointError), or what else happened. */
async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    await decodeCheckpoint(bytes, "flipped.safetensors");
    return "accepted";
  } catch (e) {
    return e instanceof CheckpointError ? "refused" : `untyped ${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

describe("checkpoint header bit flips", () => {
  it("every single-bit flip of the length and header, and 300 seeded 1-3 bit flips, are refused with CheckpointError", async () => {
    const good = await realCheckpoint();
    expect((await decodeCheckpoint(good)).step).toBe(5);
    const headerEnd = 8 + Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
    const text = new TextDecoder().decode(good.subarray(8, headerEnd));
    for (const k of ['"step":"5"', '"epoch_sums"', '"sigma\\":0.2', '"ema.']) expect(text).toContain(k);
    const bad: string[] = [];
    let cases = 0;
    for (let bit = 0; bit < headerEnd * 8; bit++) {
      const b = good.slice();
      b[bit >> 3]! ^= 1 << (bit & 7);
      const o = await outcome(b);
      cases++;
      if (o !== "refused") bad.push(`bit ${bit} (byte ${bit >> 3} '${text[(bit >> 3) - 8] ?? ""}'): ${o}`);
    }
    const rand = rng(21);
    for (let k = 0; k < 300; k++) {
      const b = good.slice();
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips; f++) {
        const bit = Math.floor(rand() * headerEnd * 8);
        b[bit >> 3]! ^= 1 << (bit & 7);
      }
      if (Buffer.compare(b, good) === 0) continue; // two flips of one bit cancel
      const o = await outcome(b);
      cases++;
      if (o !== "refused") bad.push(`random case ${k}: ${o}`);
    }
    console.log(`header flips: ${cases} corrupted checkpoints (header ${headerEnd} bytes), ${bad.length} not refused`);
    expect(cases).toBeGreaterThan(headerEnd * 8 + 250);
    expect(bad).toEqual([]);
  }, 120_000);
});
