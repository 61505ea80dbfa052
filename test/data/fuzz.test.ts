// Property-based fuzzing (fast-check, fixed seeds, 10,000 cases per parser): random bytes,
// truncations and bit flips of valid files, and headers declaring huge sizes. Property: the parser
// returns a result or throws one of the package's typed errors (SdebnnError), never a RangeError /
// TypeError / wasm trap, and every case finishes quickly (a huge declared size is refused before
// anything of that size is allocated).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseIdx } from "../../src/data/idx.js";
import { parseCifarBatch, CIFAR_RECORD } from "../../src/data/cifar.js";
import { parseCsv } from "../../src/data/csv.js";
import { encodeTable, fitSchema, readTable } from "../../src/data/tabular.js";
import { decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors } from "../../src/checkpoint/safetensors.js";
import { decodePngGrey } from "../../src/data/png.js";
import { resolvePreset } from "../../src/presets/index.js";
import { parseConfigJson } from "../../src/config/overrides.js";
import { SdebnnError } from "../../src/runtime/errors.js";
import { deflateSync } from "node:zlib";

const RUNS = 10_000;
// a hang detector, not a speed target: generous enough for a GC pause on a loaded 2-core CI box
const CASE_MS = 2_000;
let total = 0;

/** Valid file -> random bytes | truncation | bit flips | a patch of huge little/big-endian words. */
function mutations(valid: Uint8Array, hugeAt: number[]): fc.Arbitrary<Uint8Array> {
  const huge = [0xffffffff, 0x80000000, 0x7fffffff, 0x40000000, 0xfffffffe];
  return fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
    fc.array(fc.tuple(fc.nat({ max: Math.max(0, valid.length - 1) }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })
      .map((flips) => { const b = valid.slice(); for (const [i, bit] of flips) b[i]! ^= 1 << bit; return b; }),
    fc.tuple(fc.constantFrom(...hugeAt), fc.constantFrom(...huge), fc.boolean()).map(([at, v, le]) => {
      const b = valid.slice();
      if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, v, le);
      return b;
    }),
  );
}

function check(result: () => unknown): void {
  const t = performance.now();
  try { result(); } catch (e) {
    if (!(e instanceof SdebnnError)) throw new Error(`untyped error: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  const ms = performance.now() - t;
  if (ms > CASE_MS) throw new Error(`case took ${ms.toFixed(0)} ms`);
}
async function checkAsync(result: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  try { await result(); } catch (e) {
    if (!(e instanceof SdebnnError)) throw new Error(`untyped error: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  const ms = performance.now() - t;
  if (ms > CASE_MS) throw new Error(`case took ${ms.toFixed(0)} ms`);
}

function idxFile(): Uint8Array {
  const b = new Uint8Array(16 + 2 * 3 * 4);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x803); dv.setUint32(4, 2); dv.setUint32(8, 3); dv.setUint32(12, 4);
  for (let i = 16; i < b.length; i++) b[i] = i * 7;
  return b;
}

describe(`fuzzing the parsers (${RUNS} cases each)`, () => {
  it("IDX", () => {
    fc.assert(fc.property(mutations(idxFile(), [0, 4, 8, 12]), (b) => { total++; check(() => parseIdx(b, "fuzz.idx")); }), { numRuns: RUNS, seed: 1 });
  });

  it("CIFAR-10 batches", () => {
    const valid = new Uint8Array(2 * CIFAR_RECORD).map((_, i) => (i % CIFAR_RECORD === 0 ? i % 10 : i & 255));
    fc.assert(fc.property(mutations(valid, [0, CIFAR_RECORD]), (b) => { total++; check(() => parseCifarBatch(b, "fuzz.bin")); }), { numRuns: RUNS, seed: 2 });
  });

  it("CSV (bytes and text)", () => {
    const valid = new TextEncoder().encode('x,y,"z"\n1,2.5,3e-2\n# c\n4,-5,"6"\r\n7,8,9\n');
    fc.assert(fc.property(fc.oneof(mutations(valid, [0]), fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s))),
      (b) => { total++; check(() => parseCsv(b, { name: "fuzz.csv" })); }), { numRuns: RUNS, seed: 3 });
  });

  it("tables: CSV text -> schema -> encoded rows (mutated files and random cells)", () => {
    const valid = new TextEncoder().encode("a,b,c,y\n1.5,u,3,0.5\n-2,v,4e1,1\n0.25,u,-1,2\n7,w,2,3\n");
    const base = fitSchema(readTable(new TextDecoder().decode(valid), "base.csv"), { target: "y" }).schema;
    const finite = (x: Float32Array) => { for (const v of x) if (!Number.isFinite(v)) throw new Error(`non-finite encoded value ${v}`); };
    const run = (text: string) => {
      const t = readTable(text, "fuzz.csv");
      check(() => finite(encodeTable(t, base, { withTarget: false }).x)); // predict-time encoding of any table
      const target = t.header[t.header.length - 1]!;
      const { schema } = fitSchema(t, { target });
      const e = encodeTable(t, schema, { withTarget: true });
      finite(e.x);
      if (e.y instanceof Float32Array) finite(e.y);
    };
    const cell = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom("", "NA", "u", "v", "1e400", "-0", "\"q,\"\"\""), fc.string({ maxLength: 4 }));
    const table = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 6 })).chain(([w, n]) =>
      fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: n, maxLength: n }).map((rows) =>
        [Array.from({ length: w }, (_, k) => `c${k}`).join(","), ...rows.map((r) => r.join(","))].join("\n")));
    fc.assert(fc.property(fc.oneof(mutations(valid, [0]).map((b) => new TextDecoder().decode(b)), table),
      (text) => { total++; check(() => run(text)); }), { numRuns: RUNS, seed: 11 });
  });

  it("safetensors", () => {
    const valid = encodeSafetensors({ w: { dtype: "F32", shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }, b: { dtype: "I32", shape: [2], data: Int32Array.of(7, 8) } }, { note: "x" });
    fc.assert(fc.property(mutations(valid, [0, 4, 8, 20, 40]), (b) => { total++; check(() => decodeSafetensors(b, "fuzz.safetensors")); }), { numRuns: RUNS, seed: 4 });
  });

  it("checkpoints (checksum, metadata, config)", async () => {
    const valid = await encodeCheckpoint({ w: { dtype: "F32", shape: [3], data: Float32Array.of(1, 2, 3) } }, { config: { kind: "image" }, seed: 1, step: 2 });
    await fc.assert(fc.asyncProperty(mutations(valid, [0, 4, 8, 30]), async (b) => { total++; await checkAsync(() => decodeCheckpoint(b, "fuzz.ckpt")); }), { numRuns: RUNS, seed: 5 });
  });

  it("PNG", async () => {
    const raw = new Uint8Array(4 * 5).map((_, i) => (i % 5 === 0 ? 0 : i * 9));
    const chunk = (type: string, data: Uint8Array) => {
      const out = new Uint8Array(12 + data.length);
      new DataView(out.buffer).setUint32(0, data.length);
      out.set(new TextEncoder().encode(type), 4); out.set(data, 8);
      return out;
    };
    const ihdr = new Uint8Array(13); new DataView(ihdr.buffer).setUint32(0, 4); new DataView(ihdr.buffer).setUint32(4, 4); ihdr[8] = 8;
    const valid = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, ...chunk("IHDR", ihdr), ...chunk("IDAT", deflateSync(raw)), ...chunk("IEND", new Uint8Array())]);
    await fc.assert(fc.asyncProperty(mutations(valid, [8, 16, 20, 33]), async (b) => { total++; await checkAsync(() => decodePngGrey(b, "fuzz.png")); }), { numRuns: RUNS, seed: 6 });
  });

  it("configs: JSON text, random trees and --set overrides", () => {
    const key = fc.constantFrom("model", "train", "data", "eval", "kind", "seed", "hidden", "lr", "sigma", "groups", "__proto__", "constructor", "prototype", "x");
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, fc.double(), fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null),
        fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 4 })),
    })).node;
    const setArg = fc.tuple(fc.constantFrom("model.hidden", "train.lr", "model.groups", "model.sigma", "train.samples", "model.__proto__.x", "nope", "model.hidden.x", ""),
      fc.oneof(fc.string({ maxLength: 10 }), fc.double().map(String), fc.constant("[1,2]"), fc.constant("1e400"))).map(([k, v]) => `${k}=${v}`);
    fc.assert(fc.property(tree, fc.array(setArg, { maxLength: 3 }), fc.string({ maxLength: 40 }), (t, sets, text) => {
      total++;
      check(() => resolvePreset("tiny", t, sets));
      check(() => parseConfigJson(text, "fuzz.json"));
      expect(({} as Record<string, unknown>).x).toBeUndefined(); // nothing reached Object.prototype
    }), { numRuns: RUNS, seed: 7 });
  });

  it("a header declaring 2^40 elements is refused before allocation", () => {
    const b = idxFile();
    new DataView(b.buffer).setUint32(4, 1 << 20); new DataView(b.buffer).setUint32(8, 1 << 20);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => parseIdx(b, "huge.idx")).toThrow(SdebnnError);
    expect(() => parseIdx(b, "huge.idx")).toThrow(/huge\.idx/);
    // nothing near the declared 2^40 bytes (or even 1 MiB) was allocated
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    console.log(`fuzz: ${total} cases run, all ended in a result or a typed error`);
  });
});
