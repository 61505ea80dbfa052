import { rng_philox } from "../assembly/rng/philox";
import { rng_normal } from "../assembly/rng/normal";

// Scalar Philox4x32-10 from the published round function (Salmon et al. 2011), with 64-bit
// products instead of the kernel's SIMD extmul: the independent reference for rng_philox.
function refPhilox(k0: u32, k1: u32, c0: u32, c1: u32, c2: u32, c3: u32, out: usize): void {
  let x0 = c0, x1 = c1, x2 = c2, x3 = c3, ka = k0, kb = k1;
  for (let r = 0; r < 10; r++) {
    if (r > 0) { ka += 0x9E3779B9; kb += 0xBB67AE85; }
    const p0: u64 = <u64>0xD2511F53 * <u64>x0;
    const p1: u64 = <u64>0xCD9E8D57 * <u64>x2;
    const n0 = <u32>(p1 >> 32) ^ x1 ^ ka;
    const n2 = <u32>(p0 >> 32) ^ x3 ^ kb;
    x1 = <u32>p1; x3 = <u32>p0; x0 = n0; x2 = n2;
  }
  store<u32>(out, x0); store<u32>(out, x1, 4); store<u32>(out, x2, 8); store<u32>(out, x3, 12);
}

function words(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 2)); }

describe("philox4x32-10", () => {
  test("Random123 known-answer vectors (kat_vectors: zeros, all-ones, pi digits)", () => {
    const out = heap.alloc(16);
    rng_philox(0, 0, 0, 0, 0, 0, 1, out);
    expect<u32>(words(out, 0)).toBe(0x6627e8d5); expect<u32>(words(out, 1)).toBe(0xe169c58d);
    expect<u32>(words(out, 2)).toBe(0xbc57ac4c); expect<u32>(words(out, 3)).toBe(0x9b00dbd8);
    rng_philox(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 1, out);
    expect<u32>(words(out, 0)).toBe(0x408f276d); expect<u32>(words(out, 1)).toBe(0x41c83b0e);
    expect<u32>(words(out, 2)).toBe(0xa20bc7c6); expect<u32>(words(out, 3)).toBe(0x6d5451fd);
    rng_philox(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 1, out);
    expect<u32>(words(out, 0)).toBe(0xd16cfe09); expect<u32>(words(out, 1)).toBe(0x94fdcceb);
    expect<u32>(words(out, 2)).toBe(0x5001e420); expect<u32>(words(out, 3)).toBe(0x24126ea1);
  });

  test("SIMD kernel equals the scalar reference for every block count 1..13, across the c0 wrap", () => {
    const out = heap.alloc(16 * 16);
    const ref = heap.alloc(16);
    const c0: u32 = 0xfffffffa; // blocks 6.. wrap to counter 0, 1, ...
    for (let nb = 1; nb <= 13; nb++) {
      store<u32>(out + (<usize>nb << 4), 0xdeadbeef); // sentinel just past the output
      rng_philox(12345, 678, c0, 7, 8, 9, nb, out);
      for (let b = 0; b < nb; b++) {
        refPhilox(12345, 678, c0 + <u32>b, 7, 8, 9, ref);
        for (let w = 0; w < 4; w++) expect<u32>(words(out, 4 * b + w)).toBe(words(ref, w));
      }
      expect<u32>(words(out, 4 * nb)).toBe(0xdeadbeef);
    }
  });

  test("changing any key or counter word changes the output block", () => {
    const a = heap.alloc(16), b = heap.alloc(16);
    rng_philox(1, 2, 3, 4, 5, 6, 1, a);
    const variants: u32[][] = [[0, 2, 3, 4, 5, 6], [1, 3, 3, 4, 5, 6], [1, 2, 2, 4, 5, 6],
                               [1, 2, 3, 5, 5, 6], [1, 2, 3, 4, 4, 6], [1, 2, 3, 4, 5, 7]];
    for (let v = 0; v < variants.length; v++) {
      const x = variants[v];
      rng_philox(x[0], x[1], x[2], x[3], x[4], x[5], 1, b);
      let same = 0;
      for (let w = 0; w < 4; w++) if (words(a, w) == words(b, w)) same++;
      expect<i32>(same).toBe(0);
    }
  });
});

describe("normals", () => {
  test("any window (first, n) reproduces the same bits as one long call", () => {
    const N = 100;
    const all = heap.alloc(N * 4), part = heap.alloc(N * 4 + 4);
    rng_normal(9, 1, 2, 3, 4, 0, N, 1, all);
    for (let first = 0; first < 20; first++) {
      for (let n = 0; first + n <= N; n += 7) {
        store<u32>(part + (<usize>n << 2), 0x7fc00001); // sentinel
        rng_normal(9, 1, 2, 3, 4, <u32>first, n, 1, part);
        for (let i = 0; i < n; i++) {
          expect<u32>(load<u32>(part + (<usize>i << 2))).toBe(load<u32>(all + (<usize>(first + i) << 2)));
        }
        expect<u32>(load<u32>(part + (<usize>n << 2))).toBe(0x7fc00001);
      }
    }
  });

  test("finite, bounded by sqrt(-2 ln 2^-33) = 6.7637, and scaled exactly", () => {
    const N = 4096;
    const z = heap.alloc(N * 4), y = heap.alloc(N * 4);
    rng_normal(3, 0, 0, 0, 0, 0, N, 1, z);
    rng_normal(3, 0, 0, 0, 0, 0, N, 0.25, y);
    for (let i = 0; i < N; i++) {
      const v = load<f32>(z + (<usize>i << 2));
      expect<bool>(isFinite<f32>(v)).toBe(true);
      expect<bool>(Mathf.abs(v) <= 6.7637).toBe(true);
      expect<f32>(load<f32>(y + (<usize>i << 2))).toBe(v * 0.25); // 0.25 * v is exact
    }
  });
});
