// Seeded permutations, splits and batches: integer-only, identical everywhere, statistically uniform.
import { describe, expect, it } from "vitest";
import { mix32, streamKey, IntRng, permutation, trainValSplit, epochOrder } from "../../src/data/shuffle.js";
import { UNIT_FROM_BYTE, imageBatch, imageBatches, padChannels, gatherRows, validateImageSet, type ImageSet } from "../../src/data/dataset.js";
import { ArgumentError, DataError } from "../../src/runtime/errors.js";

/** mix32 in BigInt arithmetic (independent of Math.imul and of 32-bit coercions). */
function mix32Big(v: number): number {
  const M = (1n << 32n) - 1n;
  let x = BigInt(v >>> 0);
  x ^= x >> 16n; x = (x * 0x21f0aaadn) & M;
  x ^= x >> 15n; x = (x * 0x735a2d97n) & M;
  x ^= x >> 15n;
  return Number(x);
}

describe("integer PRNG", () => {
  it("mix32 agrees with a BigInt reference on edge values and a hash-driven sample", () => {
    const xs = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x9e3779b9];
    for (let i = 0; i < 20000; i++) xs.push((i * 2654435761) >>> 0);
    for (const x of xs) expect(mix32(x)).toBe(mix32Big(x));
  });

  it("below(bound) is unbiased: chi-square over 7 cells, 70000 draws (p = 0.001 critical value 22.46)", () => {
    const rng = new IntRng(streamKey(42, 7));
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[rng.below(7)]++;
    const chi = counts.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
    expect(chi).toBeLessThan(22.46);
    expect(new IntRng(1).below(1)).toBe(0);
  });

  it("seeds above 2^32 use their high half", () => {
    expect(streamKey(5, 1)).not.toBe(streamKey(5 + 2 ** 32, 1));
    expect(() => streamKey(-1, 0)).toThrow(ArgumentError);
    expect(() => streamKey(1.5, 0)).toThrow(/seed must be a non-negative safe integer, got 1.5/);
  });
});

describe("permutations and splits", () => {
  it("a permutation is a bijection, deterministic in (seed, n), different across seeds", () => {
    const p = permutation(123, 1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(123, 1000)).toEqual(p);
    expect(permutation(124, 1000)).not.toEqual(p);
    expect(permutation(0, 0).length).toBe(0);
    expect(Array.from(permutation(9, 1))).toEqual([0]);
  });

  it("all 24 orders of 4 items are equally likely (chi-square, 23 dof, 48000 seeds, p = 0.001 critical 49.73)", () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 48000; seed++) {
      const k = permutation(seed, 4).join("");
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    let chi = 0;
    for (const c of counts.values()) chi += (c - 2000) ** 2 / 2000;
    expect(chi).toBeLessThan(49.73);
  });

  it("each item lands in each position equally often (n = 10, 20000 seeds, every cell within 5 sigma)", () => {
    const cell = new Array(100).fill(0);
    for (let seed = 0; seed < 20000; seed++) permutation(seed, 10).forEach((v, pos) => cell[v * 10 + pos]++);
    const sd = Math.sqrt(20000 * 0.1 * 0.9);
    for (const c of cell) expect(Math.abs(c - 2000)).toBeLessThan(5 * sd);
  });

  it("10 % validation split: sizes, disjoint, covering, sorted, a pure function of (seed, n)", () => {
    const { train, val } = trainValSplit(7, 60000);
    expect(val.length).toBe(6000);
    expect(train.length).toBe(54000);
    const seen = new Uint8Array(60000);
    for (const i of train) seen[i]++;
    for (const i of val) seen[i]++;
    expect(seen.every((c) => c === 1)).toBe(true);
    for (let i = 1; i < val.length; i++) expect(val[i]!).toBeGreaterThan(val[i - 1]!);
    expect(trainValSplit(7, 60000).val).toEqual(val);
    expect(trainValSplit(8, 60000).val).not.toEqual(val);
    // validation indices spread over the whole range (a prefix would be a biased split)
    expect(val.filter((i) => i < 30000).length).toBeGreaterThan(2800);
    expect(val.filter((i) => i < 30000).length).toBeLessThan(3200);
    expect(trainValSplit(1, 7, 0.3).val.length).toBe(2); // round(2.1)
    expect(trainValSplit(1, 10, 0.3).val.length).toBe(3); // 10*0.3 = 2.9999999999999996 in f64 -> rounds to 3
    expect(() => trainValSplit(1, 10, 1)).toThrow(/valFraction must be in \[0, 1\), got 1/);
  });

  it("epoch orders are fresh per epoch and permute the given indices", () => {
    const idx = new Uint32Array([10, 20, 30, 40, 50, 60]);
    const e0 = epochOrder(3, 0, idx);
    const e1 = epochOrder(3, 1, idx);
    expect([...e0].sort((a, b) => a - b)).toEqual([...idx]);
    expect(e0).toEqual(epochOrder(3, 0, idx));
    expect(e0).not.toEqual(e1);
  });

  it("permutation equals an independent BigInt re-implementation of key derivation, splitmix32 and Fisher-Yates", () => {
    const ref = (seed: number, n: number): number[] => {
      const k = (() => {
        let x = mix32Big(seed ^ 0x9e3779b9); x = mix32Big(x ^ 0); x = mix32Big((x ^ 0x45504f43) >>> 0); return mix32Big(x);
      })();
      let state = BigInt(k);
      const next = (): number => { state = (state + 0x9e3779b9n) & 0xffffffffn; return mix32Big(Number(state)); };
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const bound = i + 1;
        const limit = 2 ** 32 - (2 ** 32 % bound);
        let x = next();
        while (x >= limit) x = next();
        const j = x % bound;
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      return p;
    };
    for (const seed of [0, 1, 2024, 0x7fffffff]) expect(Array.from(permutation(seed, 50))).toEqual(ref(seed, 50));
  });
});

describe("normalisation and batches", () => {
  it("UNIT_FROM_BYTE[i] is i/255 correctly rounded to f32 (exact error check against both neighbours)", () => {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < 256; i++) {
      const v = UNIT_FROM_BYTE[i]!;
      // |v*255 - i| is exact in f64: a 24-bit mantissa times 255 fits in 53 bits.
      const e = Math.abs(v * 255 - i);
      f32[0] = v;
      const bits = u32[0]!;
      for (const nb of [bits - 1, bits + 1]) {
        if (i === 0 && nb === bits - 1) continue;
        u32[0] = nb;
        expect(Math.abs(f32[0] * 255 - i)).toBeGreaterThanOrEqual(e);
      }
      u32[0] = bits;
    }
    expect(UNIT_FROM_BYTE[0]).toBe(0);
    expect(UNIT_FROM_BYTE[255]).toBe(1);
  });

  const set: ImageSet = {
    count: 5, channels: 1, height: 2, width: 2, numClasses: 10,
    pixels: Uint8Array.from({ length: 20 }, (_, i) => i * 13), labels: Uint8Array.from([0, 1, 2, 3, 4]),
  };

  it("imageBatch gathers, normalises and pads channels (MNIST 1 -> 3)", () => {
    const { x, y, count } = imageBatch(set, [4, 0, 2], 1, 2, { channelsOut: 3 });
    expect(count).toBe(2);
    expect(Array.from(y)).toEqual([0, 2]);
    const want = [0, 1, 2, 3].map((k) => Math.fround((0 * 4 + k) * 13 / 255));
    expect(Array.from(x.subarray(0, 4))).toEqual(want);
    expect(Array.from(x.subarray(4, 12))).toEqual(new Array(8).fill(0));
    expect(Array.from(x.subarray(12, 16))).toEqual([0, 1, 2, 3].map((k) => Math.fround((2 * 4 + k) * 13 / 255)));
  });

  it("writes into caller buffers (e.g. wasm memory views), overwriting stale padding", () => {
    const out = { x: new Float32Array(24).fill(9), y: new Int32Array(2) };
    imageBatch(set, [1, 3], 0, 2, { channelsOut: 3, out });
    expect(out.x[4]).toBe(0);
    expect(out.x[12]).toBe(Math.fround(12 * 13 / 255));
    expect(Array.from(out.y)).toEqual([1, 3]);
  });

  it("imageBatches covers the order, partial last batch unless dropLast", () => {
    const sizes = [...imageBatches(set, [0, 1, 2, 3, 4], 2)].map((b) => b.count);
    expect(sizes).toEqual([2, 2, 1]);
    expect([...imageBatches(set, [0, 1, 2, 3, 4], 2, { dropLast: true })].map((b) => b.count)).toEqual([2, 2]);
    expect(() => [...imageBatches(set, [0], 0)]).toThrow(/batchSize must be a positive integer, got 0/);
  });

  it("argument errors", () => {
    expect(() => imageBatch(set, [7], 0, 1)).toThrow(/example index 7 at batch position 0 is outside \[0, 5\)/);
    expect(() => imageBatch(set, [0], 0, 2)).toThrow(/batch \[0, 2\) is outside the order of length 1/);
    expect(() => imageBatch(set, [0], 0, 1, { channelsOut: 0 })).toThrow(/channelsOut must be an integer >= the image channels \(1\), got 0/);
  });

  it("padChannels (CIFAR 3 -> 5) and gatherRows", () => {
    const x = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i + 1);
    const p = padChannels(x, 2, 3, 5, 2);
    expect(Array.from(p)).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0]);
    expect(() => padChannels(x, 2, 3, 2, 2)).toThrow(ArgumentError);
    expect(() => padChannels(x, 3, 3, 5, 2)).toThrow(/must hold n\*cIn\*plane = 18 values, got 12/);
    expect(Array.from(gatherRows(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, [2, 0], 0, 2))).toEqual([5, 6, 1, 2]);
    expect(() => gatherRows(Float32Array.from([1, 2]), 2, [1], 0, 1)).toThrow(/row index 1 at position 0 is outside \[0, 1\)/);
  });

  it("validateImageSet names the inconsistent field", () => {
    expect(() => validateImageSet({ ...set, pixels: new Uint8Array(3) }, "mnist")).toThrow(/mnist: 'pixels' must hold count\*channels\*height\*width = 20 bytes, got 3/);
    expect(() => validateImageSet({ ...set, labels: Uint8Array.from([0, 1, 2, 3, 10]) })).toThrow(DataError);
    expect(() => validateImageSet({ ...set, height: -1 })).toThrow(/'height' must be a non-negative integer, got -1/);
    validateImageSet(set);
  });
});
