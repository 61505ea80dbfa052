// Crash safety of atomic writes and the JSONL appender: child processes are SIGKILLed mid-write
// and the final name must only ever hold a complete version.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  writeFileAtomic, writeFileAtomicSync, removeStaleTemps, JsonlAppender, readJsonl,
} from "../../src/node/atomic.js";
import { ROOT } from "../helpers/wasm.js";

const dir = mkdtempSync(join(tmpdir(), "sdebnn-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZE = 4 << 20;
/** Version v of the test file: 8-byte header (v, size) then bytes that depend on v and position. */
function version(v: number): Uint8Array {
  const b = new Uint8Array(SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, v, true);
  dv.setUint32(4, SIZE, true);
  for (let i = 8; i < SIZE; i++) b[i] = (i * 31 + v * 7) & 255;
  return b;
}
/** null if `bytes` is a complete version, else what is wrong. */
function checkVersion(bytes: Uint8Array): string | null {
  if (bytes.length !== SIZE) return `length ${bytes.length}, expected ${SIZE}`;
  const v = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  for (let i = 8; i < SIZE; i++) if (bytes[i] !== ((i * 31 + v * 7) & 255)) return `byte ${i} wrong for version ${v}`;
  return null;
}

/** Spawns a Node child running `code` (an ES module using dist/node.js), kills it after `ms`. */
function runAndKill(code: string, ms: number, afterFirstOutput = false): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const arm = () => setTimeout(() => child.kill("SIGKILL"), ms);
    // afterFirstOutput: count from the child's first line (a loaded machine may take > ms to boot it)
    let t = afterFirstOutput ? undefined : arm();
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); t ??= arm(); });
    child.on("exit", () => { clearTimeout(t); resolve(out); });
  });
}

const dist = pathToFileURL(join(ROOT, "dist/node.js")).href;

describe("writeFileAtomic", () => {
  it("writes, replaces and leaves no temp files (sync and async)", async () => {
    const p = join(dir, "basic.bin");
    writeFileAtomicSync(p, "one");
    expect(readFileSync(p, "utf8")).toBe("one");
    await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(p))).toEqual([1, 2, 3]);
    expect(readdirSync(dir).filter((f) => f.startsWith(".basic.bin"))).toEqual([]);
  });

  it("the checker detects a partial file (so the kill test below can fail)", () => {
    expect(checkVersion(version(3))).toBeNull();
    expect(checkVersion(version(3).subarray(0, SIZE - 1))).toMatch(/length/);
    const torn = version(3); torn.set(version(4).subarray(1000, 2000), 1000);
    expect(checkVersion(torn)).toMatch(/byte 1000 wrong for version 3/);
  });

  it("a crash after the temp file was written but before the rename leaves the final name untouched", () => {
    const p = join(dir, "ck.safetensors");
    writeFileAtomicSync(p, version(1));
    const stale = join(dir, ".ck.safetensors.tmp-99999-deadbeef0000");
    writeFileSync(stale, version(2).subarray(0, 1000)); // the interrupted write
    expect(checkVersion(readFileSync(p))).toBeNull();
    expect(new DataView(readFileSync(p).buffer).getUint32(0, true)).toBe(1);
    expect(removeStaleTemps(p)).toEqual([".ck.safetensors.tmp-99999-deadbeef0000"]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(p)).toBe(true);
  });

  it("SIGKILL at 8 random moments during a stream of 4 MiB rewrites never leaves a partial file", async () => {
    const p = join(dir, "kill.bin");
    const code = `
      import { writeFileAtomicSync } from ${JSON.stringify(dist)};
      const SIZE = ${SIZE};
      for (let v = 1; ; v++) {
        const b = new Uint8Array(SIZE); const dv = new DataView(b.buffer);
        dv.setUint32(0, v, true); dv.setUint32(4, SIZE, true);
        for (let i = 8; i < SIZE; i++) b[i] = (i * 31 + v * 7) & 255;
        writeFileAtomicSync(${JSON.stringify(p)}, b);
        process.stdout.write(v + "\\n");
      }`;
    // Kill times from a fixed integer sequence (reproducible), spread over 150..900 ms after the
    // child's first completed write (a loaded machine may take longer than that to boot it).
    let completedAny = false;
    let killedMidWrite = 0;
    for (let k = 0; k < 8; k++) {
      const ms = 150 + ((k * 2654435761) >>> 0) % 750;
      const out = await runAndKill(code, ms, true);
      const done = out.trim().split("\n").filter(Boolean).map(Number);
      if (existsSync(p)) {
        const bytes = readFileSync(p);
        expect(checkVersion(bytes), `after kill ${k} at ${ms} ms`).toBeNull();
        const v = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
        // the file is the last reported version or the one after (renamed, killed before printing)
        if (done.length) { expect(v).toBeGreaterThanOrEqual(done[done.length - 1]!); expect(v).toBeLessThanOrEqual(done[done.length - 1]! + 1); completedAny = true; }
      } else {
        expect(done.length).toBe(0);
      }
      if (removeStaleTemps(p).length > 0) killedMidWrite++;
      rmSync(p, { force: true });
    }
    expect(completedAny).toBe(true);
    console.log(`atomic kill test: ${killedMidWrite} of 8 kills left a temp file (killed between open and rename)`);
    expect(killedMidWrite).toBeGreaterThan(0);
  });
});

describe("JSONL appender", () => {
  it("appends one record per line and reads them back", () => {
    const p = join(dir, "m.jsonl");
    const a = new JsonlAppender(p);
    a.append({ epoch: 1, loss: 0.5 });
    a.append({ epoch: 2, loss: 0.25 });
    a.close();
    const b = new JsonlAppender(p); // reopening appends
    b.append({ epoch: 3 });
    b.close();
    expect(readJsonl(p)).toEqual({ records: [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }, { epoch: 3 }], truncatedTail: null });
    expect(() => b.append({})).toThrow(/is closed/);
    expect(() => new JsonlAppender(p).append(undefined)).toThrow(/one line of JSON/);
  });

  it("a torn last line is reported, not parsed; a bad middle line throws naming it", () => {
    const p = join(dir, "torn.jsonl");
    writeFileSync(p, '{"a":1}\n{"a":2}\n{"a":');
    expect(readJsonl(p)).toEqual({ records: [{ a: 1 }, { a: 2 }], truncatedTail: '{"a":' });
    appendFileSync(p, "\n{}\n");
    expect(() => readJsonl(p)).toThrow(/line 3 is not valid JSON/);
  });

  it("SIGKILL during a stream of appends keeps every completed line, in order", async () => {
    const p = join(dir, "kill.jsonl");
    for (let k = 0; k < 3; k++) {
      rmSync(p, { force: true });
      const code = `
        import { JsonlAppender } from ${JSON.stringify(dist)};
        const a = new JsonlAppender(${JSON.stringify(p)});
        for (let i = 0; ; i++) { a.append({ i, pad: "x".repeat(i % 500) }); process.stdout.write(i + "\\n"); }`;
      const out = await runAndKill(code, 200 + k * 150, true);
      const acked = out.trim().split("\n").filter(Boolean).length;
      // under load the child may die before creating the file: then nothing was acknowledged either
      const { records } = existsSync(p) ? readJsonl(p) : { records: [] };
      expect(records.length).toBeGreaterThanOrEqual(acked); // everything acknowledged is on disk
      records.forEach((r, i) => expect((r as { i: number }).i).toBe(i));
    }
  });
});
