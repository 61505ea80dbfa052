// Values the schema accepts but the model or machine cannot honour fail before step 0 (issue 21,
// item 6): the sample limits agree with the model's own (ImageSdeBnn refuses one sample more), and
// through dist/cli.js eval.samples / train.samples above it and --workers 0 / -1 / 1000 end with
// ConfigError exit 3 in seconds, before --out is created.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { preflightImageRun, samplesLimit } from "../../src/train/preflight.js";
import { resolvePreset } from "../../src/presets/index.js";
import type { ImageRunConfig } from "../../src/models/image_config.js";
import { ImageSdeBnn } from "../../src/models/image.js";
import { PhiloxRandomness } from "../../src/random/philox_randomness.js";
import { predictRows } from "../../src/models/predict.js";
import { imageKind } from "../../src/models/image_kind.js";
import { syntheticImageSet } from "../../src/data/synthetic.js";
import { ArgumentError, ConfigError } from "../../src/runtime/errors.js";
import { freshRuntime, ROOT } from "../helpers/wasm.js";

const CLI = join(ROOT, "dist/cli.js");
const cli = (...args: string[]) => {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, timeout: 60_000 });
  return { code: r.status, err: r.stderr, ms: Date.now() - t0 };
};
const tiny = (...sets: string[]) => resolvePreset("tiny", undefined, sets) as ImageRunConfig;

describe("preflight", () => {
  it("the sample limit is the model's: for 1, 2 and 3 blocks the limit passes both, one more is refused by both", async () => {
    const rt = await freshRuntime();
    const set = syntheticImageSet(1, 4, 8, 0);
    for (const groups of [[1], [2], [3]]) {
      const blocks = groups[0]!;
      const limit = samplesLimit(blocks);
      expect(limit).toBe(Math.floor(128 / blocks));
      const cfg = tiny(`model.groups=[${groups}]`, `eval.samples=${limit}`);
      expect(() => preflightImageRun(cfg)).not.toThrow();
      expect(() => preflightImageRun({ ...cfg, eval: { ...cfg.eval, samples: limit + 1 } })).toThrow(ConfigError);
      const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, 0), cfg.model);
      const x = Float32Array.from(set.pixels, (b) => b / 255);
      expect(predictRows(rt, model, "classification", x, { samples: limit, batch: 1 }).mean.length).toBe(4);
      expect(() => predictRows(rt, model, "classification", x, { samples: limit + 1, batch: 1 })).toThrow(ArgumentError);
      expect(imageKind.maxSamples(cfg)).toBe(limit);
    }
  }, 60_000);

  it("through the CLI: eval.samples / train.samples above the limit and --workers 0, -1, 1000, 3: exit 3 before --out exists", () => {
    const base = mkdtempSync(join(tmpdir(), "sdebnn-pre-"));
    const cases: [string[], RegExp][] = [
      // 129 is above every model's limit: the shared train/eval schema refuses it first
      [["--set", "eval.samples=129"], /config field 'eval\.samples': expected an integer in \[1, 128\], got 129/],
      [["--set", "eval.samples=256"], /'eval\.samples': expected an integer in \[1, 128\].*got 256/],
      [["--set", "model.groups=[2,2]", "--set", "eval.samples=64"], /'eval\.samples': expected an integer in \[1, 32\] for this model \(4 SDE-BNN block\(s\) in model\.groups \[2,2\]/],
      [["--set", "model.groups=[3]", "--set", "train.samples=43"], /'train\.samples': expected an integer in \[1, 42\]/],
      [["--workers", "0"], /--workers: expected an integer in \[1, \d\] \(train\.shards 2, \d+ CPU threads on this machine\), got 0/],
      [["--workers", "-1"], /--workers: expected an integer in \[1, \d\].*got -1/],
      [["--workers", "1000"], /--workers: expected an integer in \[1, \d\].*got 1000/],
      [["--workers", "3"], /--workers: expected an integer in \[1, \d\] \(train\.shards 2/],
      [["--set", "train.shards=1", "--workers", "2"], /--workers: expected an integer in \[1, 1\] \(train\.shards 1/],
    ];
    let n = 0;
    for (const [args, why] of cases) {
      const out = join(base, `o${n++}`);
      const r = cli("train", "--preset", "tiny", ...args, "--out", out);
      expect(r.code, r.err).toBe(3);
      expect(r.err).toMatch(/^sdebnn: ConfigError \[E_CONFIG\]: /);
      expect(r.err).toMatch(why);
      expect(existsSync(out)).toBe(false);
      expect(r.ms).toBeLessThan(20_000);
    }
    expect(availableParallelism()).toBeGreaterThanOrEqual(1);
    const b = cli("bench", "--preset", "tiny", "--workers", "1000");
    expect(b.code, b.err).toBe(3);
  }, 120_000);
});
