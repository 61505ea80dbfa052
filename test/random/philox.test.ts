// Philox4x32-10 in wasm against the Random123 known-answer vectors and an independent JS reference.
import { beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/load.js";
import { freshRuntime } from "../helpers/wasm.js";
import { philoxRef } from "./reference.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

function words(r: Runtime, k: number[], c: number[], nblocks: number): Uint32Array {
  return r.arena.scoped(() => {
    const p = r.arena.alloc(16 * nblocks);
    r.wasm.rng_philox(k[0]!, k[1]!, c[0]!, c[1]!, c[2]!, c[3]!, nblocks, p);
    return new Uint32Array(r.memory.buffer, p, 4 * nblocks).slice();
  });
}

describe("philox4x32-10", () => {
  // Random123 tests/kat_vectors: "philox4x32 10 <ctr[4]> <key[2]> <out[4]>".
  const KAT: { ctr: number[]; key: number[]; out: number[] }[] = [
    { ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
    { ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], key: [0xffffffff, 0xffffffff],
      out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
    { ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0],
      out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
  ];

  it.each(KAT.map((k, i) => [i, k] as const))("Random123 known-answer vector %i", (_, { ctr, key, out }) => {
    expect(Array.from(words(rt, key, ctr, 1))).toEqual(out);
    expect(philoxRef(key[0]!, key[1]!, ctr)).toEqual(out); // the JS reference is right too
  });

  it("the SIMD kernel equals the JS reference on 4099 consecutive counters (c0 wrapping past 2^32)", () => {
    const k = [0x12345678, 0x9abcdef0], c = [0xfffffc00, 17, 0x80000000, 3];
    const got = words(rt, k, c, 4099);
    for (let b = 0; b < 4099; b++) {
      const ref = philoxRef(k[0]!, k[1]!, [(c[0]! + b) >>> 0, c[1]!, c[2]!, c[3]!]);
      for (let w = 0; w < 4; w++) if (got[4 * b + w] !== ref[w]) expect([b, w, got[4 * b + w]]).toEqual([b, w, ref[w]]);
    }
  });

  it("is a pure function of (key, counter): one long call equals many short calls in any order", () => {
    const k = [7, 11], c = [100, 5, 6, 7];
    const all = words(rt, k, c, 64);
    const order = [63, 0, 17, 5, 42, 1, 33, 12];
    for (const b of order) {
      expect(Array.from(words(rt, k, [c[0]! + b, c[1]!, c[2]!, c[3]!], 1))).toEqual(Array.from(all.subarray(4 * b, 4 * b + 4)));
    }
  });

  it("two fresh instances give identical words", async () => {
    const other = await freshRuntime();
    expect(words(other, [1, 2], [3, 4, 5, 6], 257)).toEqual(words(rt, [1, 2], [3, 4, 5, 6], 257));
  });

  it("words are uniform: each of the 32 bit positions is set with frequency 1/2 +- 5 sd over 2^18 words", () => {
    const w = words(rt, [99, 0], [0, 0, 0, 0], 1 << 16);
    const n = w.length, tol = 5 * Math.sqrt(0.25 / n);
    for (let bit = 0; bit < 32; bit++) {
      let ones = 0;
      for (let i = 0; i < n; i++) ones += (w[i]! >>> bit) & 1;
      expect(Math.abs(ones / n - 0.5)).toBeLessThan(tol);
    }
  });
});
