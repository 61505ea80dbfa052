// GEMM against an f64 triple loop for every transposition, odd and edge shapes, strides, alpha
// and beta (beta = 0 with NaN garbage in C), several k-blocks; and the fixed summation order:
// every transposition and every tile position gives the same bits.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { uniform } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

interface Case { tA: 0 | 1; tB: 0 | 1; M: number; N: number; K: number; alpha: number; beta: number; pad: number }

/** Stores op(X) (rows x cols) in memory as X or X^T with leading dimension ld = stored cols + pad. */
function store(op: Float32Array, rows: number, cols: number, trans: 0 | 1, pad: number): { data: Float32Array; ld: number } {
  const sr = trans ? cols : rows, sc = trans ? rows : cols, ld = sc + pad;
  const data = new Float32Array(sr * ld).fill(1e30); // padding must never be read into the result
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[trans ? c * ld + r : r * ld + c] = op[r * cols + c]!;
  return { data, ld };
}

/** Runs the wasm GEMM; returns C (M x ldc, ldc = N + pad) and the f64 reference with its error bound. */
function run(cs: Case, seed: number) {
  const { tA, tB, M, N, K, alpha, beta, pad } = cs;
  const a = uniform(M * K, seed), b = uniform(K * N, seed + 1), c0 = uniform(M * (N + pad), seed + 2);
  const As = store(a, M, K, tA, pad), Bs = store(b, K, N, tB, pad), ldc = N + pad;
  if (beta === 0) c0.fill(NaN);
  const mark = rt.arena.mark();
  const A = rt.arena.f32From(As.data), B = rt.arena.f32From(Bs.data), C = rt.arena.f32From(c0);
  rt.wasm.gemm(tA, tB, M, N, K, alpha, A.ptr, As.ld, B.ptr, Bs.ld, beta, C.ptr, ldc);
  const got = Float32Array.from(C.view);
  rt.arena.reset(mark);
  const ref = new Float64Array(M * ldc), bound = new Float64Array(M * ldc);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < ldc; j++) {
      if (j >= N) { ref[i * ldc + j] = c0[i * ldc + j]!; bound[i * ldc + j] = 1e-30; continue; } // untouched
      let s = 0, abs = 0;
      for (let k = 0; k < K; k++) { const p = a[i * K + k]! * b[k * N + j]!; s += p; abs += Math.abs(p); }
      const cv = beta === 0 ? 0 : beta * c0[i * ldc + j]!;
      ref[i * ldc + j] = alpha * s + cv;
      // f32 recursive summation: |error| <= (K + 2) u sum|a b| |alpha| + 2u |beta c|, u = 2^-24
      bound[i * ldc + j] = ((K + 2) * Math.abs(alpha) * abs + 2 * Math.abs(cv)) * 2 ** -24 + 1e-30;
    }
  }
  return { got, ref, bound, ldc };
}

function expectMatches(cs: Case, seed = 11): void {
  const { got, ref, bound } = run(cs, seed);
  let worst = 0, at = -1;
  for (let i = 0; i < ref.length; i++) {
    const e = Number.isNaN(ref[i]) && Number.isNaN(got[i]) ? 0 : Math.abs(got[i]! - ref[i]!) / bound[i]!; // NaN padding stays NaN
    if (!(e <= worst)) { worst = e; at = i; }
  }
  expect(worst, `${JSON.stringify(cs)}: element ${at} got ${got[at]} expected ${ref[at]}`).toBeLessThanOrEqual(1);
}

const TRANS: [0 | 1, 0 | 1][] = [[0, 0], [0, 1], [1, 0], [1, 1]];

describe("gemm against an f64 reference", () => {
  it("M, N or K equal to 1, and sizes that are not multiples of the 4 x 8 tile", () => {
    const sizes = [1, 3, 4, 5, 8, 9, 17, 31];
    let n = 0;
    for (const [tA, tB] of TRANS) {
      for (const M of sizes) for (const N of [1, 7, 8, 9, 31]) for (const K of [1, 5, 17]) {
        expectMatches({ tA, tB, M, N, K, alpha: 1, beta: 0, pad: 0 }, 100 + n++);
      }
    }
    expect(n).toBe(4 * 8 * 5 * 3);
  });

  it("beta = 0 ignores NaN garbage in C; beta = 1, 0.5 and -1.5 and alpha = -2 accumulate", () => {
    for (const [tA, tB] of TRANS) {
      for (const [alpha, beta] of [[1, 0], [1, 1], [0.75, 0.5], [-2, -1.5], [-2, 0]] as const) {
        expectMatches({ tA, tB, M: 13, N: 21, K: 19, alpha, beta, pad: 0 });
      }
    }
    const { got } = run({ tA: 0, tB: 0, M: 5, N: 9, K: 3, alpha: 1, beta: 0, pad: 0 }, 3);
    expect(got.every(Number.isFinite)).toBe(true);
  });

  it("strided rows (lda, ldb, ldc larger than the row): padding is neither read nor written", () => {
    for (const [tA, tB] of TRANS) {
      expectMatches({ tA, tB, M: 9, N: 11, K: 7, alpha: 1, beta: 0.5, pad: 3 });
      expectMatches({ tA, tB, M: 4, N: 8, K: 16, alpha: 1, beta: 0, pad: 5 });
    }
  });

  it("K spanning several 512-wide k-blocks, and the square 256^3 and MNIST conv shapes", () => {
    for (const [tA, tB] of TRANS) expectMatches({ tA, tB, M: 6, N: 10, K: 1100, alpha: 1, beta: 0.25, pad: 1 });
    expectMatches({ tA: 0, tB: 0, M: 64, N: 64, K: 256, alpha: 1, beta: 0, pad: 0 });
    expectMatches({ tA: 0, tB: 0, M: 16, N: 784, K: 144, alpha: 1, beta: 0, pad: 0 }); // conv forward
    expectMatches({ tA: 0, tB: 1, M: 16, N: 144, K: 784, alpha: 1, beta: 1, pad: 0 }); // weight gradient
    expectMatches({ tA: 1, tB: 0, M: 144, N: 784, K: 16, alpha: 1, beta: 0, pad: 0 }); // input gradient
  });

  it("K = 0 scales C by beta (beta = 0 clears garbage); M = 0 or N = 0 touch nothing", () => {
    const c = rt.arena.f32From([1, 2, NaN, 4]);
    rt.wasm.gemm(0, 0, 2, 2, 0, 1, 0, 1, 0, 2, 0, c.ptr, 2);
    expect(Array.from(c.view)).toEqual([0, 0, 0, 0]);
    c.view.set([1, 2, 3, 4]);
    rt.wasm.gemm(1, 1, 2, 2, 0, 1, 0, 2, 0, 1, 3, c.ptr, 2);
    expect(Array.from(c.view)).toEqual([3, 6, 9, 12]);
    rt.wasm.gemm(0, 0, 0, 2, 3, 1, 0, 3, 0, 2, 0, c.ptr, 2);
    rt.wasm.gemm(0, 0, 2, 0, 3, 1, 0, 3, 0, 0, 0, c.ptr, 2);
    expect(Array.from(c.view)).toEqual([3, 6, 9, 12]);
  });
});

describe("gemm summation order is fixed", () => {
  it("NN, NT, TN and TT give bit-identical results", () => {
    for (const [M, N, K] of [[13, 21, 19], [6, 10, 1100], [1, 1, 7]] as const) {
      const results = TRANS.map(([tA, tB]) => run({ tA, tB, M, N, K, alpha: 0.5, beta: 0.25, pad: 0 }, 42).got);
      for (const r of results.slice(1)) expect(Buffer.from(r.buffer).equals(Buffer.from(results[0]!.buffer))).toBe(true);
    }
  });

  it("an element's bits do not depend on its tile position: one row alone equals that row of the full product", () => {
    const M = 11, N = 19, K = 37;
    const a = uniform(M * K, 5), b = uniform(K * N, 6);
    const A = rt.arena.f32From(a), B = rt.arena.f32From(b), C = rt.arena.f32(M * N), row = rt.arena.f32(N - 3);
    rt.wasm.gemm(0, 0, M, N, K, 1, A.ptr, K, B.ptr, N, 0, C.ptr, N);
    for (let i = 0; i < M; i++) {
      // row i, columns 3..N-1: a different tile alignment of the same elements
      rt.wasm.gemm(0, 0, 1, N - 3, K, 1, A.ptr + i * K * 4, K, B.ptr + 12, N, 0, row.ptr, N - 3);
      expect(Array.from(row.view)).toEqual(Array.from(C.view.subarray(i * N + 3, (i + 1) * N)));
    }
  });
});

describe("gemm_rows (the rows of B from an address table)", () => {
  it("gives the bits of gemm on the materialised matrix, both layouts of B, rows overlapping in memory", () => {
    const M = 7, N = 19, K = 23, src = uniform(400, 77), a = uniform(M * K, 78);
    const base = rt.arena.f32From(src), A = rt.arena.f32From(a);
    for (const tB of [0, 1] as const) {
      const nRows = tB ? N : K, len = tB ? K : N;
      const offsets = Array.from({ length: nRows }, (_, r) => (r * 13) % (400 - len)); // windows of one buffer
      const table = rt.arena.alloc(nRows * 4);
      new Uint32Array(rt.memory.buffer, table, nRows).set(offsets.map((o) => base.ptr + o * 4));
      const B = rt.arena.f32From(offsets.flatMap((o) => Array.from(src.subarray(o, o + len))));
      const C1 = rt.arena.f32From(uniform(M * N, 79)), C2 = rt.arena.f32From(C1.view);
      rt.wasm.gemm(0, tB, M, N, K, 0.5, A.ptr, K, B.ptr, len, 0.25, C1.ptr, N);
      rt.wasm.gemm_rows(tB, M, N, K, 0.5, A.ptr, K, table, 0.25, C2.ptr, N);
      expect(Array.from(C2.view)).toEqual(Array.from(C1.view));
    }
  });
});
