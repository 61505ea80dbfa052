// Crash safety: a training run (dist/cli.js in a child process) is killed with SIGKILL at several
// seeded random moments and resumed after each kill; the checkpoint present after every kill is
// complete (it decodes and its payload checksum verifies), and the final checkpoint is bit-identical
// to that of an uninterrupted run.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { ROOT } from "../helpers/wasm.js";
import { rng } from "../kernels/helpers.js";

const ARGS = ["train", "--preset", "tiny", "--set", "train.epochs=30", "--set", "train.checkpointEvery=7", "--json"];
const CLI = join(ROOT, "dist/cli.js");

function killAfter(out: string, resume: boolean, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...ARGS, "--out", out, ...(resume ? ["--resume"] : [])], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (code) => { clearTimeout(timer); resolve(code); });
  });
}

describe("SIGKILL during training", () => {
  it("every kill leaves a valid checkpoint or none; resuming ends bit-identical to an uninterrupted run", async () => {
    const ref = mkdtempSync(join(tmpdir(), "sdebnn-ref-"));
    const r = spawnSync(process.execPath, [CLI, ...ARGS, "--out", ref], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = mkdtempSync(join(tmpdir(), "sdebnn-kill-"));
    const rand = rng(2026);
    let kills = 0, finished = false;
    for (let attempt = 0; attempt < 12 && !finished; attempt++) {
      const ck = join(out, "checkpoint.safetensors");
      const resume = existsSync(ck);
      const code = await killAfter(out, resume, attempt < 5 ? 150 + Math.floor(rand() * 900) : 60_000);
      if (code === 0) { finished = true; break; }
      kills++;
      if (existsSync(ck)) {
        const c = await decodeCheckpoint(new Uint8Array(readFileSync(ck)), ck); // throws on a partial or corrupt file
        expect(c.step % 7 === 0 || c.step === 360).toBe(true);
      }
    }
    console.log(`kill test: ${kills} SIGKILLs survived, then the run finished`);
    expect(finished).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(Buffer.compare(readFileSync(join(ref, "checkpoint.safetensors")), readFileSync(join(out, "checkpoint.safetensors")))).toBe(0);
    expect(readdirSync(out).filter((f) => f.includes(".tmp"))).toEqual([]);
  }, 120_000);
});
