// Graceful stop (issue 21, item 6): a real SIGTERM / SIGINT to a real training process
// (dist/cli.js) with no periodic checkpoint due: it writes a checkpoint at the next update boundary,
// a manifest describing it, releases the run lock and exits 143 / 130; --resume then ends with the
// bytes of an uninterrupted run. A second signal exits at once with the same code.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { ROOT } from "../helpers/wasm.js";

const CLI = join(ROOT, "dist/cli.js");
// 12 updates per epoch, 360 in all; checkpoints only every 1000 updates and at the end
const ARGS = ["train", "--preset", "tiny", "--set", "train.epochs=30", "--set", "train.checkpointEvery=1000", "--json"];
const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

/** Starts a run, sends `signals` 300 ms after its first epoch record is written (mid-epoch), and waits for the exit. */
function stopped(out: string, signals: NodeJS.Signals[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...ARGS, "--out", out], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout!.on("data", (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
    const poll = setInterval(() => {
      const m = join(out, "metrics.jsonl");
      if (existsSync(m) && readFileSync(m, "utf8").includes("\n")) {
        clearInterval(poll);
        setTimeout(() => { for (const s of signals) child.kill(s); }, 300);
      }
    }, 5);
    child.on("exit", (code) => { clearInterval(poll); resolve({ code, stdout, stderr }); });
  });
}

describe("SIGTERM / SIGINT during training", () => {
  const ref = mkdtempSync(join(tmpdir(), "sdebnn-sigref-"));
  let refCheckpoint: Buffer | null = null;
  const reference = () => {
    if (!refCheckpoint) {
      const r = spawnSync(process.execPath, [CLI, ...ARGS, "--out", ref], { encoding: "utf8", cwd: ROOT });
      expect(r.status, r.stderr).toBe(0);
      refCheckpoint = readFileSync(join(ref, "checkpoint.safetensors"));
    }
    return refCheckpoint;
  };

  for (const [sig, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    it(`${sig}: a checkpoint at the next update boundary, the manifest describing it, exit ${code}; --resume ends bit-identical`, async () => {
      const out = mkdtempSync(join(tmpdir(), "sdebnn-sig-"));
      const r = await stopped(out, [sig]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(`sdebnn: ${sig}: stopping after the current update (checkpoint, then exit ${code})`);
      const report = JSON.parse(r.stdout);
      expect(report.stoppedBy).toBe(sig);
      const ckPath = join(out, "checkpoint.safetensors");
      const ck = await decodeCheckpoint(new Uint8Array(readFileSync(ckPath)), ckPath);
      expect(ck.step).toBe(report.step);
      expect(ck.step).toBeGreaterThan(12); // after the first epoch record, and no periodic checkpoint was due
      expect(ck.step).toBeLessThan(360);
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      expect([manifest.updates, manifest.checkpointSha256, manifest.complete]).toEqual([ck.step, sha(ckPath), false]);
      expect(existsSync(join(out, ".lock"))).toBe(false);
      expect(existsSync(join(out, "results.json"))).toBe(false);
      const resumed = spawnSync(process.execPath, [CLI, ...ARGS, "--out", out, "--resume"], { encoding: "utf8", cwd: ROOT });
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(Buffer.compare(readFileSync(ckPath), reference())).toBe(0);
      console.log(`${sig}: stopped after update ${ck.step} of 360 with a checkpoint (nothing lost), exit ${r.code}`);
    }, 180_000);
  }

  it("SIGTERM during the final test scoring ends the scoring at the next chunk: checkpoint complete, no results.json, exit 143", async () => {
    const out = mkdtempSync(join(tmpdir(), "sdebnn-sigscore-"));
    // 1 epoch (12 updates), then 20,000 test rows x 16 samples in chunks of 16 rows: seconds of scoring
    const args = ["train", "--preset", "tiny", "--set", "train.epochs=1", "--set", "data.testLimit=20000", "--set", "eval.samples=16",
      "--set", "eval.batch=16", "--out", out];
    const r = await new Promise<{ code: number | null; stderr: string; afterSignalMs: number }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "", sentAt = 0;
      child.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (!sentAt && stderr.includes("scoring 20000 test examples")) { sentAt = Date.now() + 300; setTimeout(() => child.kill("SIGTERM"), 300); }
      });
      child.on("exit", (code) => resolve({ code, stderr, afterSignalMs: Date.now() - sentAt }));
    });
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain("sdebnn: SIGTERM: ending the test scoring at the next chunk (training is complete and checkpointed; exit 143)");
    expect(r.stderr).toMatch(/stopped by SIGTERM while scoring the test set: training is complete \(update 12, checkpoint written\); score it with: sdebnn eval --checkpoint .*checkpoint\.safetensors/);
    expect(existsSync(join(out, "results.json"))).toBe(false);
    expect(existsSync(join(out, ".lock"))).toBe(false);
    const ckPath = join(out, "checkpoint.safetensors");
    expect((await decodeCheckpoint(new Uint8Array(readFileSync(ckPath)), ckPath)).step).toBe(12);
    const ev = spawnSync(process.execPath, [CLI, "eval", "--checkpoint", ckPath, "--limit", "64", "--json"], { encoding: "utf8", cwd: ROOT });
    expect(ev.status, ev.stderr).toBe(0);
    expect([JSON.parse(ev.stdout).count, JSON.parse(ev.stdout).step]).toEqual([64, 12]);
    console.log(`SIGTERM while scoring: exit ${r.code} ${r.afterSignalMs} ms after the signal`);
  }, 180_000);

  it("a second SIGINT exits at once with 130; the lock is released; whatever checkpoint exists is complete", async () => {
    const out = mkdtempSync(join(tmpdir(), "sdebnn-sig2-"));
    const r = await stopped(out, ["SIGINT", "SIGINT"]);
    expect(r.code, r.stderr).toBe(130);
    expect(existsSync(join(out, ".lock"))).toBe(false);
    const ckPath = join(out, "checkpoint.safetensors");
    if (existsSync(ckPath)) await decodeCheckpoint(new Uint8Array(readFileSync(ckPath)), ckPath);
  }, 120_000);
});
