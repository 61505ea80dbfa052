// The manifest and the checkpoint stay consistent (issue 21, item 3): a real training process
// (dist/cli.js) is SIGKILLed exactly between the checkpoint's rename and the manifest's rewrite
// (SDEBNN_FAULT=checkpoint-renamed@K), at a mid-epoch checkpoint, at an epoch end and at the final
// update. The killed directory's manifest then lags the checkpoint; `reproduce` of it is still
// bit-identical (it describes an earlier real state); after --resume the manifest describes the
// checkpoint on disk, equals the uninterrupted run's records, and `reproduce` reports bit-identical.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";

const CLI = join(ROOT, "dist/cli.js");
// 12 updates per epoch, 48 in all, a checkpoint every 6 (so some fall on epoch ends)
const ARGS = ["train", "--preset", "tiny", "--set", "train.epochs=4", "--set", "train.checkpointEvery=6", "--json"];
const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
};
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

describe("SIGKILL between the checkpoint rename and the manifest rewrite", () => {
  it("at updates 18 (mid-epoch), 24 (epoch end), 48 (the last): resume, then reproduce is bit-identical", () => {
    const ref = mkdtempSync(join(tmpdir(), "sdebnn-mref-"));
    expect(run([...ARGS, "--out", ref]).code).toBe(0);
    const want = manifestOf(ref);
    let cases = 0;
    for (const k of [18, 24, 48]) {
      const out = mkdtempSync(join(tmpdir(), `sdebnn-mwin${k}-`));
      const killed = run([...ARGS, "--out", out], { SDEBNN_FAULT: `checkpoint-renamed@${k}` });
      expect(killed.signal, killed.err).toBe("SIGKILL");
      const lagging = manifestOf(out);
      expect(lagging.updates).toBe(k - 6); // the window: the checkpoint is at k, the manifest one checkpoint behind
      expect(lagging.checkpointSha256).not.toBe(sha(join(out, "checkpoint.safetensors")));
      const early = run(["reproduce", join(out, "manifest.json"), "--json"]);
      expect(early.code, early.err).toBe(0);
      expect(JSON.parse(early.out).identical).toBe(true);

      const resumed = run([...ARGS, "--out", out, "--resume"]);
      expect(resumed.code, resumed.err).toBe(0);
      const got = manifestOf(out);
      expect(got.checkpointSha256).toBe(sha(join(out, "checkpoint.safetensors")));
      expect(got.checkpointSha256).toBe(want.checkpointSha256);
      expect(got.trace).toEqual(want.trace);
      expect(got.epochs).toEqual(want.epochs);
      const again = run(["reproduce", join(out, "manifest.json"), "--json"]);
      expect(again.code, again.err).toBe(0);
      expect(JSON.parse(again.out)).toMatchObject({ identical: true, differences: [], updates: 48 });
      cases++;
    }
    expect(cases).toBe(3);
  }, 300_000);

  it("a kill in the window and a resume that is itself killed in the same window still leave a consistent manifest", () => {
    const out = mkdtempSync(join(tmpdir(), "sdebnn-mwin2-"));
    expect(run([...ARGS, "--out", out], { SDEBNN_FAULT: "checkpoint-renamed@12" }).signal).toBe("SIGKILL");
    // the resumed process rewrites the manifest from the checkpoint before training: killed at its next checkpoint's rename
    expect(run([...ARGS, "--out", out, "--resume"], { SDEBNN_FAULT: "checkpoint-renamed@18" }).signal).toBe("SIGKILL");
    const m = manifestOf(out);
    expect(m.updates).toBe(12);
    expect(m.trace.at(-1)[0]).toBe(12);
    expect(m.epochs.map((e: number[]) => e[1])).toEqual([12]);
  }, 120_000);
});
