import { createServer, type Server } from "node:http";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadRuntime } from "../../src/runtime/load.js";
import { RuntimeSupportError, WasmLoadError, MemoryLimitError, ArgumentError, SdebnnError } from "../../src/runtime/errors.js";
import { REQUIRED_EXPORTS } from "../../src/runtime/abi.js";
import { ROOT, wasmBytes, freshRuntime } from "../helpers/wasm.js";

/** Proves the instance really works: a kernel call on known data. */
async function dotOfRamp(source: Parameters<typeof loadRuntime>[0]): Promise<number> {
  const rt = await loadRuntime(source);
  const x = rt.arena.f32From([1, 2, 3, 4, 5, 6, 7]);
  return rt.wasm.vec_dot(x.ptr, x.ptr, 7);
}

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/sdebnn.wasm") {
      res.writeHead(200, { "content-type": "application/wasm" });
      res.end(wasmBytes());
    } else if (req.url === "/octet.wasm") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(wasmBytes());
    } else {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html>not found</html>");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("init() accepts every source kind", () => {
  it("Uint8Array", async () => expect(await dotOfRamp(wasmBytes())).toBe(140));
  it("ArrayBuffer", async () => expect(await dotOfRamp(wasmBytes().slice().buffer)).toBe(140));
  it("a DataView at a non-zero offset", async () => {
    const padded = new Uint8Array(wasmBytes().length + 3);
    padded.set(wasmBytes(), 3);
    expect(await dotOfRamp(new DataView(padded.buffer, 3, wasmBytes().length))).toBe(140);
  });
  it("a URL object", async () => expect(await dotOfRamp(new URL(`${base}/sdebnn.wasm`))).toBe(140));
  it("a URL string", async () => expect(await dotOfRamp(`${base}/sdebnn.wasm`)).toBe(140));
  it("a Response (any content type)", async () =>
    expect(await dotOfRamp(await fetch(`${base}/octet.wasm`))).toBe(140));
  it("a Promise<Response>", async () => expect(await dotOfRamp(fetch(`${base}/sdebnn.wasm`))).toBe(140));
  it("a compiled WebAssembly.Module", async () =>
    expect(await dotOfRamp(await WebAssembly.compile(wasmBytes() as BufferSource))).toBe(140));
});

describe("init() errors are typed and say what is wrong", () => {
  it("non-wasm bytes", async () => {
    const err = await loadRuntime(new TextEncoder().encode("<html>oops</html>")).catch((e) => e);
    expect(err).toBeInstanceOf(WasmLoadError);
    expect(err.code).toBe("E_WASM_LOAD");
    expect(err.message).toMatch(/expected magic bytes 00 61 73 6d, got 3c 68 74 6d/);
  });
  it("an empty buffer", async () => {
    await expect(loadRuntime(new Uint8Array(0))).rejects.toThrow(/an empty buffer/);
  });
  it("truncated wasm", async () => {
    const err = await loadRuntime(wasmBytes().subarray(0, 100)).catch((e) => e);
    expect(err).toBeInstanceOf(WasmLoadError);
    expect(err.message).toMatch(/is not a valid WebAssembly module/);
  });
  it("a valid wasm module without the sdebnn exports", async () => {
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const err = await loadRuntime(empty).catch((e) => e);
    expect(err).toBeInstanceOf(WasmLoadError);
    expect(err.message).toMatch(/missing exports abi_version, arena_init/);
  });
  it("an HTTP error", async () => {
    const err = await loadRuntime(`${base}/missing.wasm`).catch((e) => e);
    expect(err).toBeInstanceOf(WasmLoadError);
    expect(err.message).toMatch(/HTTP 404/);
  });
  it("an unreachable URL", async () => {
    const err = await loadRuntime("http://127.0.0.1:1/sdebnn.wasm").catch((e) => e);
    expect(err).toBeInstanceOf(WasmLoadError);
    expect(err.message).toMatch(/could not fetch the sdebnn binary from http:\/\/127\.0\.0\.1:1/);
  });
  it("a wrong argument type", async () => {
    const err = await loadRuntime(42 as never).catch((e) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.message).toMatch(/got number/);
  });
  it("an engine without WebAssembly SIMD", async () => {
    const spy = vi.spyOn(WebAssembly, "validate").mockReturnValue(false);
    try {
      const err = await loadRuntime(wasmBytes()).catch((e) => e);
      expect(err).toBeInstanceOf(RuntimeSupportError);
      expect(err).toBeInstanceOf(SdebnnError);
      expect(err.message).toMatch(/lacks the SIMD proposal/);
    } finally {
      spy.mockRestore();
    }
  });
  it("an engine without WebAssembly at all (node --jitless)", () => {
    const script = `import(${JSON.stringify(ROOT + "dist/node.js")}).then(m => m.init()).then(
      () => console.log("loaded"), e => console.log(e.name + ": " + e.message))`;
    const r = spawnSync(process.execPath, ["--jitless", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stdout).toMatch(/^RuntimeSupportError: this JavaScript engine has no WebAssembly support/);
  });
});

describe("the binary's ABI", () => {
  it("exports exactly the functions the host declares", async () => {
    const mod = await WebAssembly.compile(wasmBytes() as BufferSource);
    const fns = WebAssembly.Module.exports(mod).filter((e) => e.kind === "function").map((e) => e.name).sort();
    expect(fns).toEqual([...REQUIRED_EXPORTS].sort());
  });
  it("imports only env.memory (and env.abort for assertion messages)", async () => {
    const mod = await WebAssembly.compile(wasmBytes() as BufferSource);
    for (const imp of WebAssembly.Module.imports(mod)) {
      expect(`${imp.module}.${imp.name}`).toMatch(/^env\.(memory|abort)$/);
    }
  });
});

describe("memory", () => {
  it("views stay valid when linear memory grows", async () => {
    const rt = await freshRuntime({ initialMemoryBytes: 65536 });
    const a = rt.arena.f32From([1.5, -2.25, 3.125]);
    const before = rt.memory.buffer;
    rt.arena.alloc(8 << 20); // forces growth, which detaches the old buffer
    expect(rt.memory.buffer).not.toBe(before);
    expect(before.byteLength).toBe(0);
    expect(Array.from(a.view)).toEqual([1.5, -2.25, 3.125]);
    a.view[1] = 7;
    expect(rt.wasm.vec_sum(a.ptr, 3)).toBe(11.625);
  });
  it("a memory ceiling gives MemoryLimitError, not a trap", async () => {
    const rt = await freshRuntime({ memoryLimitBytes: 4 << 20 });
    rt.arena.alloc(1 << 20);
    const err = (() => { try { rt.arena.alloc(8 << 20); } catch (e) { return e; } })() as MemoryLimitError;
    expect(err).toBeInstanceOf(MemoryLimitError);
    expect(err.message).toMatch(/requested 8388608 bytes .* limit 4194304 bytes/);
    // the arena is still usable after the refusal
    expect(rt.arena.alloc(1024)).toBeGreaterThan(0);
  });
  it("allocations are 64-byte aligned and freed in bulk by mark/reset", async () => {
    const rt = await freshRuntime();
    const m = rt.arena.mark();
    const p1 = rt.arena.alloc(3);
    const p2 = rt.arena.alloc(100);
    expect(p1 % 64).toBe(0);
    expect(p2 - p1).toBe(64);
    expect(rt.arena.used).toBeGreaterThanOrEqual(192);
    rt.arena.reset(m);
    expect(rt.arena.alloc(8)).toBe(p1);
  });
  it("scoped() frees on throw", async () => {
    const rt = await freshRuntime();
    const used = rt.arena.used;
    expect(() => rt.arena.scoped(() => { rt.arena.alloc(4096); throw new Error("boom"); })).toThrow("boom");
    expect(rt.arena.used).toBe(used);
  });
  it("rejects nonsensical option values", async () => {
    await expect(freshRuntime({ memoryLimitBytes: -1 })).rejects.toBeInstanceOf(ArgumentError);
    const rt = await freshRuntime();
    expect(() => rt.arena.alloc(1.5)).toThrow(ArgumentError);
  });
});
