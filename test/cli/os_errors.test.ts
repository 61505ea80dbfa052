// Operating-system failures through the real CLI (dist/cli.js in a child process; issue 21, item 4):
// missing files, directories and devices where a file is expected, a 3 GiB (sparse) file, --out
// that is a file, under a file, in /proc, on a read-only tmpfs, and a tmpfs that fills up mid-run.
// Each ends with a FileError naming the path (exit 6) within a bounded time; the full disk keeps
// the last complete checkpoint, from which --resume ends bit-identical to an uninterrupted run.
// The tmpfs cases mount real file systems (the suite runs as root, as CI does).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeCheckpoint } from "../../src/checkpoint/safetensors.js";
import { ROOT } from "../helpers/wasm.js";

const CLI = join(ROOT, "dist/cli.js");
const cli = (...args: string[]) => {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, timeout: 60_000 });
  return { code: r.status, err: r.stderr, signal: r.signal, ms: Date.now() - t0 };
};
const TINY = ["--preset", "tiny", "--json"];
const dir = mkdtempSync(join(tmpdir(), "sdebnn-os-"));
const ro = join(dir, "ro"), small = join(dir, "small");
const mount = (...a: string[]) => {
  const r = spawnSync("mount", a, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mount ${a.join(" ")}: ${r.stderr} (these cases need root, as in CI)`);
};

beforeAll(() => {
  mkdirSync(ro);
  mkdirSync(small);
  mount("-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", ro);
  mount("-t", "tmpfs", "-o", "size=512k", "tmpfs", small);
});
afterAll(() => {
  for (const m of [ro, small]) spawnSync("umount", [m]);
  rmSync(dir, { recursive: true, force: true });
});

/** Exit 6 with a FileError naming `path`, matching `why`, within 30 s, and no stack trace. */
function expectFileError(r: ReturnType<typeof cli>, path: string, why: RegExp): void {
  expect(r.signal, "killed by the timeout: the command hung").toBeNull();
  expect(r.code, r.err).toBe(6);
  expect(r.err).toMatch(/^sdebnn: FileError \[E_FILE\]: /);
  expect(r.err).toContain(`'${path}'`);
  expect(r.err).toMatch(why);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.ms).toBeLessThan(30_000);
}

describe("operating-system errors are FileErrors (exit 6) naming the path", () => {
  it("--checkpoint / --config / predict INPUT / reproduce MANIFEST: missing, a directory, /dev/zero, a FIFO, 3 GiB", () => {
    const missing = join(dir, "nope.safetensors");
    expectFileError(cli("eval", "--checkpoint", missing), missing, /checkpoint \(--checkpoint\) .* does not exist \(open ENOENT\): check the path/);
    expectFileError(cli("eval", "--checkpoint", dir), dir, /is a directory: give a file/);
    expectFileError(cli("eval", "--checkpoint", "/dev/zero"), "/dev/zero", /is a character device, not a regular file/);
    expectFileError(cli("predict", "--checkpoint", "/dev/zero", "x.png"), "/dev/zero", /character device/);
    const fifo = join(dir, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expectFileError(cli("eval", "--checkpoint", fifo), fifo, /is a pipe, not a regular file/);
    const big = join(dir, "big.safetensors");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 3 * 2 ** 30); // sparse: no disk space used
    closeSync(fd);
    expectFileError(cli("eval", "--checkpoint", big), big, /is 3\.00 GiB, above the 2\.00 GiB limit/);
    expectFileError(cli("train", ...TINY, "--config", missing, "--out", join(dir, "o")), missing, /config file \(--config\) .* does not exist/);
    expectFileError(cli("train", ...TINY, "--config", dir, "--out", join(dir, "o")), dir, /config file \(--config\) .* is a directory/);
    expectFileError(cli("predict", "--checkpoint", join(ROOT, "demo/mnist-small.safetensors"), missing), missing, /input .* does not exist/);
    // a directory INPUT is read as a folder of PNGs (test/cli/predict_dir.test.ts)
    expectFileError(cli("predict", "--checkpoint", join(ROOT, "demo/mnist-small.safetensors"), big), big, /above the 2\.00 GiB limit/);
    expectFileError(cli("reproduce", missing), missing, /manifest .* does not exist/);
    unlinkSync(big);
  });

  it("--out: a file, under a file, /proc/x (used to spin forever), /proc/sys, a read-only file system; --resume with a directory as checkpoint", () => {
    const file = join(dir, "plain");
    writeFileSync(file, "x");
    expectFileError(cli("train", ...TINY, "--out", file), file, /exists and is not a directory \(EEXIST\)/);
    expectFileError(cli("train", ...TINY, "--out", join(file, "sub")), file, /exists and is not a directory/);
    expectFileError(cli("train", ...TINY, "--out", "/proc/x"), "/proc/x", /cannot create '\/proc\/x' in '\/proc' \(mkdir ENOENT/);
    expectFileError(cli("train", ...TINY, "--out", "/proc/sys/kernel/sdebnn"), "/proc/sys/kernel/sdebnn", /cannot create|permission|not permitted|read-only/);
    expectFileError(cli("train", ...TINY, "--out", join(ro, "run")), join(ro, "run"), /is on a read-only file system \(mkdir EROFS\)/);
    expectFileError(cli("train", ...TINY, "--out", ro), ro, /is on a read-only file system \(access EROFS\)/);
    const run = join(dir, "dirck");
    mkdirSync(join(run, "checkpoint.safetensors"), { recursive: true });
    expectFileError(cli("train", ...TINY, "--out", run, "--resume"), join(run, "checkpoint.safetensors"), /checkpoint \(--resume\) .* is a directory/);
  });

  it("a file system that fills up mid-run: exit 6 naming the checkpoint, the last checkpoint intact; after freeing space --resume ends bit-identical", async () => {
    const ref = join(dir, "ref");
    expect(cli("train", ...TINY, "--out", ref).code).toBe(0);
    // 512 KiB tmpfs with ~170 KiB free: the first checkpoint (100 KiB, update 10) fits, its successor's temp file does not
    const filler = join(small, "filler");
    writeFileSync(filler, new Uint8Array(340 * 1024));
    const run = join(small, "run");
    const r = cli("train", ...TINY, "--out", run);
    expectFileError(r, join(run, "checkpoint.safetensors"), /cannot be written: no space left on the device \(write ENOSPC\): free space or choose another path; the last complete file is kept/);
    const ckPath = join(run, "checkpoint.safetensors");
    const ck = await decodeCheckpoint(new Uint8Array(readFileSync(ckPath)), ckPath);
    expect(ck.step).toBe(10);
    expect(readdirSync(run).filter((f) => f.includes(".tmp-"))).toEqual([]);
    unlinkSync(filler);
    const again = cli("train", ...TINY, "--out", run, "--resume");
    expect(again.code, again.err).toBe(0);
    expect(Buffer.compare(readFileSync(join(ref, "checkpoint.safetensors")), readFileSync(ckPath))).toBe(0);
    expect(existsSync(join(run, "results.json"))).toBe(true);
  }, 120_000);
});
