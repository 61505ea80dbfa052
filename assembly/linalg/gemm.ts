// GEMM, row-major: C[M x N] = alpha * op(A) op(B) + beta * C, op(X) = X or X^T.
// A is M x K (lda >= K) or, with transA, K x M (lda >= M); B is K x N (ldb >= N) or, with
// transB, N x K (ldb >= K). beta == 0 overwrites C without reading it (NaN garbage is ignored).
//
// Register-blocked: a 4 x 8 tile of C lives in eight f32x4 accumulators while k runs; op(A) is
// broadcast one element at a time (v128.load32_splat straight from A, any transposition) and op(B)
// is read from a packed panel of 8 columns, contiguous in k (packed once per k-block and reused by
// every row block). Summation order, fixed whatever M, N, tiling or transposition:
//   acc = sum_{k in block} a_ik b_kj, k ascending, one block of KC at a time;
//   first block: c = alpha * acc + beta * c (c = alpha * acc when beta == 0); later: c = alpha * acc + c.

const MR = 4;
const NR = 8;
const KC = 512;
const PANEL = memory.data(KC * NR * 4, 64); // op(B)[k0 .. k0+kc) x [j0 .. j0+8), k-major, zero-padded
const TILE = memory.data(MR * NR * 4, 16);  // an edge tile's accumulators, spilled for a partial store

/** Address of stored row r of B: from the row table when given (absolute u32 addresses), else B + r ldb. */
@inline function rowOf(B: usize, ldb: i32, rows: usize, r: i32): usize {
  return rows ? <usize>load<u32>(rows + (<usize>r << 2)) : B + ((<usize>r * <usize>ldb) << 2);
}

/** Packs op(B)[k0 .. k0+kc) x [j0 .. j0+nr) into PANEL (k-major rows of 8, columns >= nr zeroed). */
function packB(transB: i32, B: usize, ldb: i32, rows: usize, k0: i32, kc: i32, j0: i32, nr: i32): void {
  if (nr < NR) memory.fill(PANEL, 0, <usize>kc * NR * 4);
  if (!transB) {
    const step = <usize>ldb << 2;
    let src = B + ((<usize>k0 * <usize>ldb + <usize>j0) << 2);
    for (let k = 0; k < kc; k++, src += step) {
      const from = rows ? rowOf(B, ldb, rows, k0 + k) + (<usize>j0 << 2) : src;
      const dst = PANEL + (<usize>k << 5);
      if (nr == NR) {
        v128.store(dst, v128.load(from));
        v128.store(dst, v128.load(from, 16), 16);
      } else {
        for (let c = 0; c < nr; c++) store<f32>(dst + (<usize>c << 2), load<f32>(from + (<usize>c << 2)));
      }
    }
  } else if (nr == NR) {
    // 8 stored rows of B, 4 k at a time: two 4 x 4 transposes in registers
    const r0 = rowOf(B, ldb, rows, j0) + (<usize>k0 << 2), r1 = rowOf(B, ldb, rows, j0 + 1) + (<usize>k0 << 2);
    const r2 = rowOf(B, ldb, rows, j0 + 2) + (<usize>k0 << 2), r3 = rowOf(B, ldb, rows, j0 + 3) + (<usize>k0 << 2);
    const r4 = rowOf(B, ldb, rows, j0 + 4) + (<usize>k0 << 2), r5 = rowOf(B, ldb, rows, j0 + 5) + (<usize>k0 << 2);
    const r6 = rowOf(B, ldb, rows, j0 + 6) + (<usize>k0 << 2), r7 = rowOf(B, ldb, rows, j0 + 7) + (<usize>k0 << 2);
    let k = 0;
    for (; k + 4 <= kc; k += 4) {
      const o = <usize>k << 2, dst = PANEL + (<usize>k << 5);
      transpose4(v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), dst);
      transpose4(v128.load(r4 + o), v128.load(r5 + o), v128.load(r6 + o), v128.load(r7 + o), dst + 16);
    }
    for (; k < kc; k++) {
      const o = <usize>k << 2, dst = PANEL + (<usize>k << 5);
      store<f32>(dst, load<f32>(r0 + o)); store<f32>(dst, load<f32>(r1 + o), 4);
      store<f32>(dst, load<f32>(r2 + o), 8); store<f32>(dst, load<f32>(r3 + o), 12);
      store<f32>(dst, load<f32>(r4 + o), 16); store<f32>(dst, load<f32>(r5 + o), 20);
      store<f32>(dst, load<f32>(r6 + o), 24); store<f32>(dst, load<f32>(r7 + o), 28);
    }
  } else {
    for (let c = 0; c < nr; c++) {
      const src = rowOf(B, ldb, rows, j0 + c) + (<usize>k0 << 2);
      const dst = PANEL + (<usize>c << 2);
      for (let k = 0; k < kc; k++) store<f32>(dst + (<usize>k << 5), load<f32>(src + (<usize>k << 2)));
    }
  }
}

/** Columns k..k+3 of four rows a, b, c, d: stores (a_k, b_k, c_k, d_k) at dst + 32 (k - k0), four times. */
@inline function transpose4(a: v128, b: v128, c: v128, d: v128, dst: usize): void {
  const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7), cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(ab0, cd0, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(ab0, cd0, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<f32>(ab1, cd1, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<f32>(ab1, cd1, 2, 3, 6, 7), 96);
}

/**
 * The k loop of one tile: rows a0..a3 of op(A) (element k of row r at a_r + k * ks), kc steps over
 * op(B) rows of 8 floats at pb, pb + pstep, ... (the packed panel: pstep = 32; B itself: pstep =
 * ldb * 4) or, with TABLE, at table[k] + colOff; then the epilogue into C at c (ldc in elements).
 * FOUR = false runs three rows (a3 unused): a 3-row block costs three quarters of a 4-row one.
 * Callers pass FOUR and TABLE as literals, so each wrapper below compiles to one branch-free loop.
 */
// @ts-ignore: decorator
@inline function tileLoop(a0: usize, a1: usize, a2: usize, a3: usize, ks: usize, kc: i32, pb: usize, pstep: usize,
                          c: usize, ldc: i32, rows: i32, cols: i32, alpha: f32, beta: f32, FOUR: bool, TABLE: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let off: usize = 0;
  for (let k = 0; k < kc; k++) {
    const p = TABLE ? <usize>load<u32>(pb + (<usize>k << 2)) + pstep : pb;
    const b0 = v128.load(p), b1 = v128.load(p, 16);
    const x0 = v128.load32_splat(a0 + off);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    const x1 = v128.load32_splat(a1 + off);
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    const x2 = v128.load32_splat(a2 + off);
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    if (FOUR) {
      const x3 = v128.load32_splat(a3 + off);
      c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    }
    if (!TABLE) pb += pstep;
    off += ks;
  }
  storeTile(c00, c01, c10, c11, c20, c21, c30, c31, c, ldc, rows, cols, alpha, beta);
}

function tile4x8(a0: usize, a1: usize, a2: usize, a3: usize, ks: usize, kc: i32, pb: usize, pstep: usize,
                 c: usize, ldc: i32, rows: i32, cols: i32, alpha: f32, beta: f32): void {
  tileLoop(a0, a1, a2, a3, ks, kc, pb, pstep, c, ldc, rows, cols, alpha, beta, true, false);
}

function tile3x8(a0: usize, a1: usize, a2: usize, ks: usize, kc: i32, pb: usize, pstep: usize,
                 c: usize, ldc: i32, cols: i32, alpha: f32, beta: f32): void {
  tileLoop(a0, a1, a2, a0, ks, kc, pb, pstep, c, ldc, 3, cols, alpha, beta, false, false);
}

/** Over stored rows of B named by a table of u32 addresses: row k's 8 floats at table[k] + colOff. */
function tile4x8Rows(a0: usize, a1: usize, a2: usize, a3: usize, ks: usize, kc: i32, table: usize, colOff: usize,
                     c: usize, ldc: i32, rows: i32, cols: i32, alpha: f32, beta: f32): void {
  tileLoop(a0, a1, a2, a3, ks, kc, table, colOff, c, ldc, rows, cols, alpha, beta, true, true);
}

function tile3x8Rows(a0: usize, a1: usize, a2: usize, ks: usize, kc: i32, table: usize, colOff: usize,
                     c: usize, ldc: i32, cols: i32, alpha: f32, beta: f32): void {
  tileLoop(a0, a1, a2, a0, ks, kc, table, colOff, c, ldc, 3, cols, alpha, beta, false, true);
}

/** C tile = alpha * acc (+ beta * C): the 4 x 8 accumulators, or their first rows x cols. */
@inline function storeTile(c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
                           c: usize, ldc: i32, rows: i32, cols: i32, alpha: f32, beta: f32): void {
  const va = f32x4.splat(alpha), vb = f32x4.splat(beta);
  const rowBytes = <usize>ldc << 2;
  if (rows == MR && cols == NR) {
    if (beta == 0) {
      v128.store(c, f32x4.mul(va, c00)); v128.store(c, f32x4.mul(va, c01), 16); c += rowBytes;
      v128.store(c, f32x4.mul(va, c10)); v128.store(c, f32x4.mul(va, c11), 16); c += rowBytes;
      v128.store(c, f32x4.mul(va, c20)); v128.store(c, f32x4.mul(va, c21), 16); c += rowBytes;
      v128.store(c, f32x4.mul(va, c30)); v128.store(c, f32x4.mul(va, c31), 16);
    } else if (beta == 1) {
      v128.store(c, f32x4.add(f32x4.mul(va, c00), v128.load(c))); v128.store(c, f32x4.add(f32x4.mul(va, c01), v128.load(c, 16)), 16); c += rowBytes;
      v128.store(c, f32x4.add(f32x4.mul(va, c10), v128.load(c))); v128.store(c, f32x4.add(f32x4.mul(va, c11), v128.load(c, 16)), 16); c += rowBytes;
      v128.store(c, f32x4.add(f32x4.mul(va, c20), v128.load(c))); v128.store(c, f32x4.add(f32x4.mul(va, c21), v128.load(c, 16)), 16); c += rowBytes;
      v128.store(c, f32x4.add(f32x4.mul(va, c30), v128.load(c))); v128.store(c, f32x4.add(f32x4.mul(va, c31), v128.load(c, 16)), 16);
    } else {
      v128.store(c, f32x4.add(f32x4.mul(va, c00), f32x4.mul(vb, v128.load(c)))); v128.store(c, f32x4.add(f32x4.mul(va, c01), f32x4.mul(vb, v128.load(c, 16))), 16); c += rowBytes;
      v128.store(c, f32x4.add(f32x4.mul(va, c10), f32x4.mul(vb, v128.load(c)))); v128.store(c, f32x4.add(f32x4.mul(va, c11), f32x4.mul(vb, v128.load(c, 16))), 16); c += rowBytes;
      v128.store(c, f32x4.add(f32x4.mul(va, c20), f32x4.mul(vb, v128.load(c)))); v128.store(c, f32x4.add(f32x4.mul(va, c21), f32x4.mul(vb, v128.load(c, 16))), 16); c += rowBytes;
      v128.store(c, f32x4.add(f32x4.mul(va, c30), f32x4.mul(vb, v128.load(c)))); v128.store(c, f32x4.add(f32x4.mul(va, c31), f32x4.mul(vb, v128.load(c, 16))), 16);
    }
    return;
  }
  // partial tile: the same per-element expression, lane by lane
  v128.store(TILE, c00); v128.store(TILE, c01, 16); v128.store(TILE, c10, 32); v128.store(TILE, c11, 48);
  v128.store(TILE, c20, 64); v128.store(TILE, c21, 80); v128.store(TILE, c30, 96); v128.store(TILE, c31, 112);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const p = c + ((<usize>r * <usize>ldc + <usize>j) << 2);
      const s = alpha * load<f32>(TILE + ((<usize>(r * NR + j)) << 2));
      store<f32>(p, beta == 0 ? s : beta == 1 ? s + load<f32>(p) : s + beta * load<f32>(p));
    }
  }
}

export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                     A: usize, lda: i32, B: usize, ldb: i32, beta: f32, C: usize, ldc: i32): void {
  gemmCore(transA, transB, M, N, K, alpha, A, lda, B, ldb, 0, beta, C, ldc);
}

/**
 * The same product with the stored rows of B given by a table of `rows` u32 addresses (K rows
 * of N floats, or with transB N rows of K floats): an implicit im2col, where every row is a
 * shifted window of one padded image. Same summation order, so the same bits as gemm on the
 * materialised matrix.
 */
export function gemm_rows(transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32, rows: usize,
                          beta: f32, C: usize, ldc: i32): void {
  gemmCore(0, transB, M, N, K, alpha, A, lda, 0, 0, rows, beta, C, ldc);
}

function gemmCore(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, A: usize, lda: i32,
                  B: usize, ldb: i32, rows: usize, beta: f32, C: usize, ldc: i32): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) { // op(A) op(B) is empty: C = beta * C
    for (let i = 0; i < M; i++) {
      const c = C + ((<usize>i * <usize>ldc) << 2);
      for (let j = 0; j < N; j++) {
        const p = c + (<usize>j << 2);
        store<f32>(p, beta == 0 ? <f32>0 : beta * load<f32>(p));
      }
    }
    return;
  }
  // element (i, k) of op(A) is at A + i * rs + k * ks
  const rs: usize = transA ? 4 : <usize>lda << 2;
  const ks: usize = transA ? <usize>lda << 2 : 4;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const b = k0 == 0 ? beta : <f32>1;
    const aK = A + <usize>k0 * ks;
    for (let j0 = 0; j0 < N; j0 += NR) {
      const nr = min(NR, N - j0);
      // a full panel of untransposed B is read where it lies (its rows are 8 contiguous floats);
      // otherwise it is packed. Either way the tile sees the same numbers in the same order.
      const direct = !transB && nr == NR;
      if (!direct) packB(transB, B, ldb, rows, k0, kc, j0, nr);
      const pb = direct && !rows ? B + ((<usize>k0 * <usize>ldb + <usize>j0) << 2) : PANEL;
      const pstep: usize = direct && !rows ? <usize>ldb << 2 : NR << 2;
      for (let i0 = 0; i0 < M; i0 += MR) {
        const mr = min(MR, M - i0);
        const a0 = aK + <usize>i0 * rs;
        const a1 = mr > 1 ? a0 + rs : a0;
        const a2 = mr > 2 ? a0 + 2 * rs : a0;
        const a3 = mr > 3 ? a0 + 3 * rs : a0;
        const c = C + ((<usize>i0 * <usize>ldc + <usize>j0) << 2);
        if (direct && rows) {
          if (mr == 3) tile3x8Rows(a0, a1, a2, ks, kc, rows + (<usize>k0 << 2), <usize>j0 << 2, c, ldc, nr, alpha, b);
          else tile4x8Rows(a0, a1, a2, a3, ks, kc, rows + (<usize>k0 << 2), <usize>j0 << 2, c, ldc, mr, nr, alpha, b);
        } else if (mr == 3) tile3x8(a0, a1, a2, ks, kc, pb, pstep, c, ldc, nr, alpha, b);
        else tile4x8(a0, a1, a2, a3, ks, kc, pb, pstep, c, ldc, mr, nr, alpha, b);
      }
    }
  }
}
