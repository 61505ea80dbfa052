// The run-directory lock (issue 21, item 1) with real processes (dist/cli.js): a second trainer on a
// live run's --out is refused (exit 7, naming the owner) before it touches anything, and the live
// run ends with the bytes of an undisturbed run; four trainers started at once on one directory
// holding a stale lock: exactly one trains; stale locks (dead pid on this host) are taken over,
// locks of another host or without an owner are not; the lock is gone after a run.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { RunLock, RunLockError } from "../../src/node/run_lock.js";
import { ROOT } from "../helpers/wasm.js";

const CLI = join(ROOT, "dist/cli.js");
const LONG = ["train", "--preset", "tiny", "--set", "train.epochs=40", "--set", "train.checkpointEvery=50", "--json"];
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, timeout: 120_000 });
  return { code: r.status, err: r.stderr };
};
const start = (...args: string[]) => {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => { err += d.toString(); });
  const done = new Promise<{ code: number | null; err: string }>((r) => child.on("exit", (code) => r({ code, err })));
  return { child, done };
};
const waitFor = async (cond: () => boolean, ms = 30_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));

describe("run-directory lock", () => {
  it("a second trainer (and a --resume) on a live run's --out is refused with exit 7 and touches nothing; the live run ends undisturbed", async () => {
    const ref = mkdtempSync(join(tmpdir(), "sdebnn-lockref-")), out = mkdtempSync(join(tmpdir(), "sdebnn-lock-"));
    const a = start(...LONG, "--out", out);
    await waitFor(() => existsSync(join(out, ".lock")) && existsSync(join(out, "config.json")));
    const owner = JSON.parse(readFileSync(join(out, ".lock"), "utf8"));
    expect([owner.pid, owner.host]).toEqual([a.child.pid, hostname()]);
    let refusals = 0;
    for (const extra of [["--set", "train.lr=0.1"], ["--resume"], []]) {
      if (!existsSync(join(out, ".lock"))) break;
      const b = cli(...LONG, ...extra, "--out", out);
      if (!existsSync(join(out, ".lock"))) break; // A finished meanwhile: the refusal is no longer guaranteed
      expect(b.code, b.err).toBe(7);
      expect(b.err).toMatch(new RegExp(`RunLockError \\[E_LOCKED\\]: run directory '${out}' is in use by process ${a.child.pid} \\(since .*\\): wait for it to finish, stop it, or choose another --out`));
      refusals++;
    }
    const ra = await a.done;
    expect(ra.code, ra.err).toBe(0);
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(out, ".lock"))).toBe(false);
    const refRun = cli(...LONG, "--out", ref);
    expect(refRun.code, refRun.err).toBe(0);
    // B touched nothing: A was not disturbed (deleting its temp files used to kill it), and B's config (lr 0.1) is nowhere
    const got = snapshot(out), want = snapshot(ref);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const f of ["checkpoint.safetensors", "config.json"]) expect(Buffer.compare(got[f]!, want[f]!), f).toBe(0);
    const lines = (b: Buffer) => b.toString().trim().split("\n").map((l) => { const r = JSON.parse(l); delete r.seconds; return r; });
    expect(lines(got["metrics.jsonl"]!)).toEqual(lines(want["metrics.jsonl"]!));
  }, 180_000);

  it("four trainers started at once on a directory with a stale lock: exactly one trains, three exit 7", async () => {
    const out = mkdtempSync(join(tmpdir(), "sdebnn-race-"));
    writeFileSync(join(out, ".lock"), JSON.stringify({ pid: deadPid(), host: hostname(), started: "2026-01-01T00:00:00.000Z", token: "dead" }));
    const runs = await Promise.all([0, 1, 2, 3].map(() => start(...LONG, "--out", out).done));
    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.err).join("\n")).toEqual([0, 7, 7, 7]);
    expect(existsSync(join(out, ".lock"))).toBe(false);
    expect(readdirSync(out).filter((f) => f.includes(".tmp-") || f.includes(".break"))).toEqual([]);
  }, 180_000);

  it("a stale lock (dead pid, this host) is taken over; another host's lock, or one without an owner, refuses (exit 7)", () => {
    const stale = mkdtempSync(join(tmpdir(), "sdebnn-stale-"));
    writeFileSync(join(stale, ".lock"), JSON.stringify({ pid: deadPid(), host: hostname(), started: "2026-01-01T00:00:00.000Z", token: "x" }));
    writeFileSync(join(stale, `.lock.tmp-${deadPid()}-abcdef`), "left by a killed process");
    const r = cli("train", "--preset", "tiny", "--json", "--out", stale);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(stale).filter((f) => f.startsWith(".lock"))).toEqual([]);

    const other = mkdtempSync(join(tmpdir(), "sdebnn-other-"));
    writeFileSync(join(other, ".lock"), JSON.stringify({ pid: 1, host: "elsewhere", started: "2026-01-01T00:00:00.000Z", token: "y" }));
    const o = cli("train", "--preset", "tiny", "--out", other);
    expect(o.code, o.err).toBe(7);
    expect(o.err).toMatch(/is in use by process 1 on host 'elsewhere' \(since 2026-01-01T00:00:00\.000Z\): .*\(if that process is gone, remove .*\.lock\)/);
    expect(readdirSync(other)).toEqual([".lock"]);

    const junk = mkdtempSync(join(tmpdir(), "sdebnn-junk-"));
    writeFileSync(join(junk, ".lock"), "");
    const j = cli("train", "--preset", "tiny", "--out", junk);
    expect(j.code, j.err).toBe(7);
    expect(j.err).toMatch(/\.lock exists but does not name its owner; if no sdebnn process uses this directory, remove the file/);
  }, 120_000);

  it("in one process: a held lock refuses, release() frees it, release is idempotent and leaves another owner's lock alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-lockunit-"));
    mkdirSync(join(dir, "sub"));
    const a = RunLock.acquire(dir);
    expect(a.owner.pid).toBe(process.pid);
    expect(() => RunLock.acquire(dir)).toThrow(RunLockError);
    a.release();
    expect(existsSync(join(dir, ".lock"))).toBe(false);
    const b = RunLock.acquire(dir);
    a.release(); // a no longer owns it: b's lock stays
    expect(JSON.parse(readFileSync(join(dir, ".lock"), "utf8")).token).toBe(b.owner.token);
    b.release();
    expect(readdirSync(dir)).toEqual(["sub"]);
  });
});
