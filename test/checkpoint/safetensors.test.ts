// safetensors read/write, sdebnn checkpoints, every validation error, and interoperability
// with an independent reader written here from the format description (and with numpy).
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  encodeSafetensors, decodeSafetensors, encodeCheckpoint, decodeCheckpoint, expectTensor, sha256Hex, upgradeCheckpoint,
  CHECKPOINT_VERSION, type Tensor,
} from "../../src/checkpoint/safetensors.js";
import { CheckpointError } from "../../src/runtime/errors.js";

// ---- an independent minimal reader (format spec: u64 LE header size, JSON, raw LE payload) ----
function independentRead(buf: Uint8Array): { header: Record<string, any>; get(name: string): number[] | bigint[] } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString("utf8"));
  const base = 8 + n;
  return {
    header,
    get(name: string) {
      const { dtype, data_offsets: [s, e] } = header[name];
      const out: any[] = [];
      for (let o = base + s; o < base + e;) {
        switch (dtype) {
          case "F32": out.push(b.readFloatLE(o)); o += 4; break;
          case "F64": out.push(b.readDoubleLE(o)); o += 8; break;
          case "I32": out.push(b.readInt32LE(o)); o += 4; break;
          case "U8": out.push(b.readUInt8(o)); o += 1; break;
          case "I64": out.push(b.readBigInt64LE(o)); o += 8; break;
          case "U16": out.push(b.readUInt16LE(o)); o += 2; break;
          default: throw new Error(dtype);
        }
      }
      return out;
    },
  };
}

/** A file written by hand from the format description (a foreign writer). */
function handWritten(header: object, payload: number[], pad = 0): Uint8Array {
  const h = Buffer.from(JSON.stringify(header) + " ".repeat(pad), "utf8");
  const out = Buffer.alloc(8 + h.length + payload.length);
  out.writeBigUInt64LE(BigInt(h.length), 0);
  h.copy(out, 8);
  Buffer.from(payload).copy(out, 8 + h.length);
  return new Uint8Array(out);
}

const tensors = (): [string, Tensor][] => [
  ["w0", { dtype: "F32", shape: [2, 3], data: Float32Array.from([1.5, -2, 3.25, 0, -0, 1e-30]) }],
  ["count", { dtype: "I64", shape: [2], data: BigInt64Array.from([1n, -(2n ** 62n)]) }],
  ["labels", { dtype: "U8", shape: [3], data: Uint8Array.from([0, 7, 255]) }],
  ["idx", { dtype: "I32", shape: [1, 1], data: Int32Array.from([-123456]) }],
  ["scalar", { dtype: "F64", shape: [], data: Float64Array.from([Math.PI]) }],
  ["empty", { dtype: "F32", shape: [0, 4], data: new Float32Array(0) }],
];

/**
 * The version-2 checksum computed here from its definition (docs/reliability.md): SHA-256 of
 * JSON {metadata: sorted [key, value] pairs without sha256, tensors: [name, dtype, shape, begin, end]
 * by offset}, a newline, then the payload.
 */
function referenceDigest(header: Record<string, any>, payload: Uint8Array): string {
  const meta = header.__metadata__ as Record<string, string>;
  const pairs = Object.keys(meta).filter((k) => k !== "sha256").sort().map((k) => [k, meta[k]]);
  const ts = Object.entries(header).filter(([k]) => k !== "__metadata__")
    .map(([k, v]) => [k, v.dtype, v.shape, v.data_offsets[0], v.data_offsets[1]] as const)
    .sort((a, b) => a[3] - b[3] || a[4] - b[4]);
  return createHash("sha256").update(JSON.stringify({ metadata: pairs, tensors: ts }) + "\n").update(payload).digest("hex");
}

function cerr(fn: () => unknown): string {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(CheckpointError); return (e as Error).message; }
  throw new Error("expected a CheckpointError");
}
async function acerr(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { expect(e).toBeInstanceOf(CheckpointError); return (e as Error).message; }
  throw new Error("expected a CheckpointError");
}

describe("safetensors", () => {
  it("round trip of every dtype, shape and value; the header is 8-byte aligned and space-padded", () => {
    const bytes = encodeSafetensors(tensors(), { note: "hello" });
    const n = Number(Buffer.from(bytes.buffer).readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const text = Buffer.from(bytes.subarray(8, 8 + n)).toString();
    expect(text).toMatch(/^\{.*\} *$/);
    const f = decodeSafetensors(bytes, "t.safetensors");
    expect(f.metadata.note).toBe("hello");
    for (const [name, t] of tensors()) {
      const got = f.tensors.get(name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(got.data.constructor).toBe(t.data.constructor);
      expect(Buffer.compare(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength),
        Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))).toBe(0);
    }
    expect(Object.is(f.tensors.get("w0")!.data[4], -0)).toBe(true);
  });

  it("an independent reader sees the same tensors, each at a naturally aligned offset", () => {
    const bytes = encodeSafetensors(tensors());
    const r = independentRead(bytes);
    expect(r.get("w0")).toEqual([1.5, -2, 3.25, 0, -0, Math.fround(1e-30)]);
    expect(r.get("count")).toEqual([1n, -(2n ** 62n)]);
    expect(r.get("labels")).toEqual([0, 7, 255]);
    expect(r.get("idx")).toEqual([-123456]);
    expect(r.get("scalar")).toEqual([Math.PI]);
    const size: Record<string, number> = { F32: 4, F64: 8, I64: 8, I32: 4, U8: 1 };
    for (const [name, info] of Object.entries(r.header)) {
      if (name === "__metadata__") continue;
      expect((info as any).data_offsets[0] % size[(info as any).dtype]!).toBe(0);
      expect(r.header[name].shape).toEqual(tensors().find(([k]) => k === name)![1].shape);
    }
  });

  it("reads a file from a foreign writer (unsorted keys, F16 raw bits, no metadata)", () => {
    const f = decodeSafetensors(handWritten({ b: { dtype: "U8", shape: [2], data_offsets: [2, 4] },
      a: { dtype: "F16", shape: [1], data_offsets: [0, 2] } }, [0x00, 0x3c, 9, 8], 3));
    expect(Array.from(f.tensors.get("a")!.data as Uint16Array)).toEqual([0x3c00]); // 1.0 in half precision
    expect(Array.from(f.tensors.get("b")!.data as Uint8Array)).toEqual([9, 8]);
    expect(Object.keys(f.metadata)).toEqual([]);
  });

  it("writes deterministic bytes and refuses inconsistent tensors", () => {
    expect(Buffer.compare(encodeSafetensors(tensors()), encodeSafetensors(tensors()))).toBe(0);
    expect(cerr(() => encodeSafetensors({ a: { dtype: "F32", shape: [3], data: new Float32Array(2) } }))).toMatch(/tensor 'a': shape \[3\] holds 3 elements, data has 2/);
    expect(cerr(() => encodeSafetensors({ a: { dtype: "F32", shape: [2], data: new Int32Array(2) } }))).toMatch(/tensor 'a': dtype F32 needs a Float32Array, got Int32Array/);
    expect(cerr(() => encodeSafetensors({ a: { dtype: "Q8" as any, shape: [2], data: new Int32Array(2) } }))).toMatch(/unsupported dtype "Q8"/);
    expect(cerr(() => encodeSafetensors({ __metadata__: { dtype: "U8", shape: [0], data: new Uint8Array(0) } }))).toMatch(/reserved/);
  });
});

describe("sdebnn checkpoints", () => {
  const config = { model: { width: 16, sigma: 0.2 }, preset: "mnist" };

  it("metadata carries format, version, config, seed, step and the SHA-256 of the canonical header and the payload", async () => {
    const bytes = await encodeCheckpoint(tensors(), { config, seed: 42, step: 1000, extra: { optimizer: "adam" } });
    const r = independentRead(bytes);
    const m = r.header.__metadata__;
    expect(m.format).toBe("sdebnn");
    expect(m.format_version).toBe(String(CHECKPOINT_VERSION));
    expect(JSON.parse(m.config)).toEqual(config);
    expect(m.seed).toBe("42");
    expect(m.step).toBe("1000");
    expect(m.optimizer).toBe("adam");
    const n = Number(Buffer.from(bytes.buffer).readBigUInt64LE(0));
    expect(m.sha256).toBe(referenceDigest(r.header, bytes.subarray(8 + n)));
    const ck = await decodeCheckpoint(bytes, "ck.safetensors");
    expect([ck.seed, ck.step, ck.formatVersion]).toEqual([42, 1000, 2]);
    expect(ck.config).toEqual(config);
    expect(Array.from(expectTensor(ck, "w0", "F32", [2, 3]).data as Float32Array)).toEqual([1.5, -2, 3.25, 0, -0, Math.fround(1e-30)]);
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // FIPS 180-2
  });

  it("upgradeCheckpoint rewrites a version 1 file as version 2: same tensors, config, seed, step and extra metadata", async () => {
    const payloadOf = (b: Uint8Array) => b.subarray(8 + Number(Buffer.from(b.buffer, b.byteOffset).readBigUInt64LE(0)));
    const draft = encodeSafetensors(tensors(), {});
    const meta = { format: "sdebnn", format_version: "1", config: JSON.stringify(config), seed: "4", step: "9", epoch_sums: "{}",
      sha256: createHash("sha256").update(payloadOf(draft)).digest("hex") };
    const v1 = encodeSafetensors(tensors(), meta);
    const v2 = await upgradeCheckpoint(v1, "old.st");
    const ck = await decodeCheckpoint(v2, "new.st");
    expect([ck.formatVersion, ck.seed, ck.step, ck.metadata.epoch_sums]).toEqual([2, 4, 9, "{}"]);
    expect(ck.config).toEqual(config);
    expect(Buffer.compare(payloadOf(v2), payloadOf(v1))).toBe(0);
    expect(await upgradeCheckpoint(v2)).toBe(v2);
    const broken = v1.slice();
    broken[broken.length - 1]! ^= 1;
    expect(await acerr(upgradeCheckpoint(broken))).toMatch(/checksum mismatch over the \d+-byte payload/);
  });

  it("same inputs give the same checkpoint bytes", async () => {
    const a = await encodeCheckpoint(tensors(), { config, seed: 1, step: 2 });
    const b = await encodeCheckpoint(tensors(), { config, seed: 1, step: 2 });
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it("expectTensor names the tensor and expected vs got", async () => {
    const ck = await decodeCheckpoint(await encodeCheckpoint(tensors(), { config, seed: 1, step: 2 }));
    expect(cerr(() => expectTensor(ck, "w0", "F32", [3, 2]))).toMatch(/tensor 'w0': expected shape \[3, 2\], got \[2, 3\]/);
    expect(cerr(() => expectTensor(ck, "w0", "F64", [2, 3]))).toMatch(/tensor 'w0': expected dtype F64, got F32/);
    expect(cerr(() => expectTensor(ck, "nope", "F32", [1]))).toMatch(/no tensor 'nope' \(it has 'count', 'scalar', 'w0', 'idx', 'empty', 'labels'\)/);
  });

  it("refuses bad checkpoint info on write", async () => {
    expect(await acerr(encodeCheckpoint(tensors(), { config, seed: -1, step: 0 }))).toMatch(/seed must be a non-negative safe integer, got -1/);
    expect(await acerr(encodeCheckpoint(tensors(), { config: undefined, seed: 0, step: 0 }))).toMatch(/config must be JSON-serialisable/);
    expect(await acerr(encodeCheckpoint(tensors(), { config, seed: 0, step: 0, extra: { sha256: "x" } }))).toMatch(/'sha256' is reserved/);
  });
});

describe("every reader validation names the problem", () => {
  const good = { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
  const payload = [0, 0, 128, 63, 0, 0, 0, 64];
  const dec = (b: Uint8Array): string => cerr(() => decodeSafetensors(b, "m.st"));

  it("too short / header length out of range / over the 100 MB cap", () => {
    expect(dec(new Uint8Array(5))).toMatch(/m\.st: too short for the 8-byte header length at byte offset 0: expected >= 8 bytes, got 5/);
    const b = handWritten(good, payload);
    new DataView(b.buffer).setUint32(0, 5000, true);
    expect(dec(b)).toMatch(/header length at byte offset 0 is out of range: expected <= \d+ \(the file has \d+ bytes\), got 5000/);
    new DataView(b.buffer).setUint32(4, 1, true);
    expect(dec(b)).toMatch(/got 4294972296/);
    const big = new Uint8Array(8 + 100_000_008);
    new DataView(big.buffer).setUint32(0, 100_000_001, true);
    expect(dec(big)).toMatch(/expected <= 100000000 .* got 100000001/);
  });
  it("header not UTF-8, not an object, not JSON", () => {
    const b = handWritten(good, payload);
    b[9] = 0xff;
    expect(dec(b)).toMatch(/header at byte offset 8 \(\d+ bytes\) is not valid UTF-8/);
    expect(dec(handWritten([1] as unknown as object, []))).toMatch(/must be a JSON object starting with '\{', got "\[1\]"/);
    const bad = handWritten(good, payload);
    bad[8 + 5] = 0x7d; // '}' in the middle
    expect(dec(bad)).toMatch(/header at byte offset 8: not valid JSON: /);
  });
  it("metadata not a string map", () => {
    expect(dec(handWritten({ __metadata__: { seed: 1 }, ...good }, payload))).toMatch(/metadata field 'seed' must be a string, got 1/);
    expect(dec(handWritten({ __metadata__: [], ...good }, payload))).toMatch(/header field '__metadata__' must be an object of strings, got \[\]/);
  });
  it("tensor entry fields", () => {
    expect(dec(handWritten({ a: 3 }, []))).toMatch(/tensor 'a': expected \{dtype, shape, data_offsets\}, got 3/);
    expect(dec(handWritten({ a: { ...good.a, extra: 1 } }, payload))).toMatch(/tensor 'a': unknown field 'extra'/);
    expect(dec(handWritten({ a: { ...good.a, dtype: "F8" } }, payload))).toMatch(/tensor 'a': field 'dtype': expected one of F64, F32, .*got "F8"/);
    expect(dec(handWritten({ a: { ...good.a, shape: [-2] } }, payload))).toMatch(/tensor 'a': field 'shape': expected an array of at most 64 non-negative integers, got \[-2\]/);
    expect(dec(handWritten({ a: { ...good.a, data_offsets: [0] } }, payload))).toMatch(/tensor 'a': field 'data_offsets': expected \[begin, end\] non-negative integers, got \[0\]/);
  });
  it("offsets out of range, reversed", () => {
    expect(dec(handWritten({ a: { ...good.a, data_offsets: [0, 16] } }, payload))).toMatch(/tensor 'a': field 'data_offsets' \[0, 16\] is out of range: expected 0 <= begin <= end <= 8 \(payload bytes\)/);
    expect(dec(handWritten({ a: { ...good.a, data_offsets: [8, 0] } }, payload))).toMatch(/\[8, 0\] is out of range/);
  });
  it("shape product vs byte range (including a huge declared shape)", () => {
    expect(dec(handWritten({ a: { ...good.a, shape: [3] } }, payload))).toMatch(/tensor 'a': shape \[3\] of F32 needs 12 bytes, data_offsets \[0, 8\] span 8/);
    expect(dec(handWritten({ a: { ...good.a, shape: [2 ** 40, 2 ** 40] } }, payload))).toMatch(/needs more than 2\^53 bytes/);
  });
  it("overlapping, gaps, trailing bytes", () => {
    const two = (a: [number, number], b: [number, number]) => ({ a: { dtype: "U8", shape: [a[1] - a[0]], data_offsets: a },
      b: { dtype: "U8", shape: [b[1] - b[0]], data_offsets: b } });
    expect(dec(handWritten(two([0, 6], [4, 8]), payload))).toMatch(/tensor 'b' data_offsets begin at 4: expected 6 \(overlaps tensor 'a'\)/);
    expect(dec(handWritten(two([0, 3], [4, 8]), payload))).toMatch(/tensor 'b' data_offsets begin at 4: expected 3 \(a gap of 1 bytes after tensor 'a'\)/);
    expect(dec(handWritten(two([1, 3], [3, 8]), payload))).toMatch(/tensor 'a' data_offsets begin at 1: expected 0 \(a gap of 1 bytes after the header\)/);
    expect(dec(handWritten(two([0, 3], [3, 6]), payload))).toMatch(/tensors cover 6 payload bytes, the file holds 8 \(trailing bytes at byte offset \d+\)/);
  });

  it("checkpoint: format, version, seed/step, sha256, config and checksum mismatch", async () => {
    const withDigest = (meta: Record<string, string>) => {
      const header = { __metadata__: { ...meta, sha256: "0".repeat(64) }, ...good };
      header.__metadata__.sha256 = meta.sha256 ?? referenceDigest(header, Uint8Array.from(payload));
      return handWritten(header, payload);
    };
    const ck = (meta: Record<string, string>, opts?: { allowVersion1?: boolean }) => decodeCheckpoint(withDigest(meta), "c.st", opts);
    const ok = { format: "sdebnn", format_version: "2", config: "{}", seed: "1", step: "2" };
    expect((await ck(ok)).step).toBe(2);
    expect(await acerr(ck({ ...ok, format: "other" }))).toMatch(/c\.st: metadata field 'format': expected 'sdebnn', got "other" \(not an sdebnn checkpoint\)/);
    expect(await acerr(decodeCheckpoint(handWritten(good, payload), "c.st"))).toMatch(/expected 'sdebnn', got null/);
    expect(await acerr(ck({ ...ok, format_version: "3" }))).toMatch(/'format_version': expected 2, got 3 \(written by a newer sdebnn; upgrade to read it\)/);
    expect(await acerr(ck({ ...ok, format_version: "v1" }))).toMatch(/'format_version': expected a non-negative decimal integer, got "v1"/);
    expect(await acerr(ck({ ...ok, seed: "01" }))).toMatch(/'seed': expected a non-negative decimal integer, got "01"/);
    const { step: _s, ...noStep } = ok;
    expect(await acerr(ck(noStep))).toMatch(/metadata field 'step' is missing/);
    expect(await acerr(ck({ ...ok, sha256: "abc" }))).toMatch(/'sha256': expected 64 lowercase hex digits, got "abc"/);
    expect(await acerr(ck({ ...ok, config: "{bad" }))).toMatch(/metadata field 'config': not valid JSON/);
    expect(await acerr(ck({ ...ok, config: '{"a":1,"a":2}' }))).toMatch(/metadata field 'config': key "a" appears twice in one object at line 1, column 8/);
    expect(await acerr(ck({ ...ok, config: "[".repeat(65) + "]".repeat(65) }))).toMatch(/metadata field 'config': nesting deeper than 64 levels at line 1, column 65/);
    const wrong = "0".repeat(64);
    const right = referenceDigest({ __metadata__: ok, ...good }, Uint8Array.from(payload));
    expect(await acerr(ck({ ...ok, sha256: wrong }))).toMatch(new RegExp(`checksum mismatch over the header \\(bytes 0\\.\\.\\d+\\) and the 8-byte payload at byte offset \\d+: expected sha256 ${wrong}, got ${right}`));
    // version 1: the payload's SHA-256 only; refused unless asked for
    const v1 = { ...ok, format_version: "1", sha256: createHash("sha256").update(Buffer.from(payload)).digest("hex") };
    expect(await acerr(ck(v1))).toMatch(/c\.st: format_version 1 .*checksum covers the tensors only.*allowVersion1: true/);
    expect((await ck(v1, { allowVersion1: true })).formatVersion).toBe(1);
    expect(await acerr(ck({ ...v1, sha256: wrong }, { allowVersion1: true }))).toMatch(/checksum mismatch over the 8-byte payload/);
  });

  it("duplicate keys anywhere in the header are refused", () => {
    const text = (h: string) => {
      const b = Buffer.from(h, "utf8");
      const out = Buffer.alloc(8 + b.length + 8);
      out.writeBigUInt64LE(BigInt(b.length), 0);
      b.copy(out, 8);
      return new Uint8Array(out);
    };
    const a = '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}';
    expect(dec(text(`{${a},${a}}`))).toMatch(/m\.st: header at byte offset 8: key "a" appears twice in one object at line 1, column \d+/);
    expect(dec(text(`{"a":{"dtype":"F32","shape":[2],"dtype":"F32","data_offsets":[0,8]}}`))).toMatch(/key "dtype" appears twice/);
    expect(dec(text(`{"__metadata__":{"step":"1","st\\u0065p":"2"},${a}}`))).toMatch(/key "step" appears twice/);
    expect(dec(text(`{"__metadata__":{"k":"1"},"__metadata__":{"k":"2"},${a}}`))).toMatch(/key "__metadata__" appears twice/);
    // the same key in different objects, and a key-like string as a value, are fine
    expect(decodeSafetensors(text(`{"__metadata__":{"a":"\\"a\\":1,"},${a}}`)).metadata.a).toBe('"a":1,');
  });

  it("a flipped payload bit is caught by the checksum", async () => {
    const bytes = await encodeCheckpoint(tensors(), { config: {}, seed: 0, step: 0 });
    bytes[bytes.length - 20] ^= 0x10;
    expect(await acerr(decodeCheckpoint(bytes))).toMatch(/checksum mismatch/);
  });
});

// numpy (if importable) as a second independent reader; nothing is installed for this.
const hasNumpy = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" }).status === 0;
const dir = mkdtempSync(join(tmpdir(), "sdebnn-st-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("numpy interoperability", () => {
  it.runIf(hasNumpy)("numpy.frombuffer reads our checkpoint and sees the same values; Python recomputes the header+payload checksum (python3 + numpy present)", async () => {
    const w = Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 8);
    const bytes = await encodeCheckpoint([["w", { dtype: "F32", shape: [3, 4], data: w }],
      ["n", { dtype: "I64", shape: [2], data: BigInt64Array.from([7n, -9n]) }]], { config: { a: 1 }, seed: 3, step: 4 });
    const p = join(dir, "ck.safetensors");
    writeFileSync(p, bytes);
    const py = `
import json, struct, sys, numpy as np, hashlib
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8+n])
base = 8 + n
dt = {"F32": "<f4", "I64": "<i8"}
out = {}
for k, v in h.items():
    if k == "__metadata__": continue
    s, e = v["data_offsets"]
    out[k] = np.frombuffer(b[base+s:base+e], dtype=dt[v["dtype"]]).reshape(v["shape"]).tolist()
out["meta"] = h["__metadata__"]
m = h["__metadata__"]
canon = {"metadata": [[k, m[k]] for k in sorted(m) if k != "sha256"],
         "tensors": sorted([[k, v["dtype"], v["shape"], *v["data_offsets"]] for k, v in h.items() if k != "__metadata__"], key=lambda e: (e[3], e[4]))}
text = json.dumps(canon, separators=(",", ":"), ensure_ascii=False) + "\\n"
out["sha_ok"] = hashlib.sha256(text.encode("utf-8") + b[base:]).hexdigest() == m["sha256"]
print(json.dumps(out))`;
    const r = spawnSync("python3", ["-c", py, p], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.w).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]].map((row) => row.map((i) => (i - 5) / 8)));
    expect(got.n).toEqual([7, -9]);
    expect(got.meta.seed).toBe("3");
    expect(got.sha_ok).toBe(true);
  });
});

// Node's fs.readFileSync returns a Buffer, often a view into a larger pooled ArrayBuffer, and a
// Buffer's `slice` is a view too: every reader must honour byteOffset/byteLength.
describe("byte inputs that are views into larger buffers", () => {
  /** `bytes` copied into the middle of a larger buffer filled with junk, at an odd offset. */
  function embedded(bytes: Uint8Array, offset: number, asBuffer: boolean): Uint8Array {
    const big = new Uint8Array(offset + bytes.length + 37).fill(0xa5);
    big.set(bytes, offset);
    return asBuffer ? Buffer.from(big.buffer, offset, bytes.length) : big.subarray(offset, offset + bytes.length);
  }
  const same = (a: Tensor["data"], b: Tensor["data"]) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

  for (const asBuffer of [true, false]) {
    for (const offset of [1, 3, 8, 4093]) {
      it(`decodeSafetensors and decodeCheckpoint read a ${asBuffer ? "Buffer" : "subarray"} at byte offset ${offset}`, async () => {
        const plain = encodeSafetensors(tensors(), { note: "x" });
        const f = decodeSafetensors(embedded(plain, offset, asBuffer));
        for (const [name, t] of tensors()) {
          const got = f.tensors.get(name)!;
          expect(got.data.length).toBe(t.data.length);
          expect(same(got.data, t.data)).toBe(true);
        }
        const ck = await encodeCheckpoint(tensors(), { config: { a: 1 }, seed: 1, step: 2 });
        const c = await decodeCheckpoint(embedded(ck, offset, asBuffer));
        for (const [name, t] of tensors()) expect(same(c.tensors.get(name)!.data, t.data)).toBe(true);
        expect(c.step).toBe(2);
      });
    }
  }

  it("a 48,000-float tensor inside a pooled-size file comes back with 48,000 elements", async () => {
    const w = Float32Array.from({ length: 48000 }, (_, i) => Math.fround(Math.sin(i)));
    const ck = await encodeCheckpoint({ w: { dtype: "F32", shape: [48000], data: w } }, { config: {}, seed: 0, step: 0 });
    const dir = mkdtempSync(join(tmpdir(), "sdebnn-st-"));
    const path = join(dir, "c.safetensors");
    writeFileSync(path, Buffer.concat([Buffer.alloc(5, 7), ck, Buffer.alloc(11, 9)]));
    const whole = (await import("node:fs")).readFileSync(path);
    const got = (await decodeCheckpoint(whole.subarray(5, 5 + ck.length))).tensors.get("w")!;
    expect(got.data.length).toBe(48000);
    expect(same(got.data, w)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
