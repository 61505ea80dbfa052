// GEMM, row-major: C[M x N] = alpha * op(A) op(B) + beta * C, op(X) = X or X^T.
// A is M x K (lda >= K) or, with transA, K x M (lda >= M); B is K x N (ldb >= N) or, with
// transB, N x K (ldb >= K). beta == 0 overwrites C without reading it (NaN garbage is ignored).
// Interim row-streaming kernel (f32x4 over columns, k-outer accumulation into C rows; NT as row
// dot products); the register-blocked packed kernel replaces its body.

@inline function at(p: usize, ld: i32, r: i32, c: i32): usize {
  return p + ((<usize>r * <usize>ld + <usize>c) << 2);
}

function scaleRow(c: usize, N: i32, beta: f32): void {
  if (beta == 0) { memory.fill(c, 0, <usize>N << 2); return; }
  if (beta == 1) return;
  const vb = f32x4.splat(beta);
  let j = 0;
  for (; j + 4 <= N; j += 4) v128.store(c + (<usize>j << 2), f32x4.mul(vb, v128.load(c + (<usize>j << 2))));
  for (; j < N; j++) store<f32>(c + (<usize>j << 2), beta * load<f32>(c + (<usize>j << 2)));
}

/** c[0..N) += a * b[0..N) */
@inline function axpyRow(c: usize, b: usize, N: i32, a: f32): void {
  const va = f32x4.splat(a);
  let j = 0;
  for (; j + 16 <= N; j += 16) {
    const o = <usize>j << 2;
    v128.store(c + o, f32x4.add(v128.load(c + o), f32x4.mul(va, v128.load(b + o))));
    v128.store(c + o + 16, f32x4.add(v128.load(c + o + 16), f32x4.mul(va, v128.load(b + o + 16))));
    v128.store(c + o + 32, f32x4.add(v128.load(c + o + 32), f32x4.mul(va, v128.load(b + o + 32))));
    v128.store(c + o + 48, f32x4.add(v128.load(c + o + 48), f32x4.mul(va, v128.load(b + o + 48))));
  }
  for (; j + 4 <= N; j += 4) {
    const o = <usize>j << 2;
    v128.store(c + o, f32x4.add(v128.load(c + o), f32x4.mul(va, v128.load(b + o))));
  }
  for (; j < N; j++) store<f32>(c + (<usize>j << 2), load<f32>(c + (<usize>j << 2)) + a * load<f32>(b + (<usize>j << 2)));
}

/** sum_k x[k] y[k] with four f32x4 accumulators combined pairwise, then the tail in order. */
@inline function dotRow(x: usize, y: usize, K: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    const o = <usize>k << 2;
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(x + o + 32), v128.load(y + o + 32)));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(x + o + 48), v128.load(y + o + 48)));
  }
  for (; k + 4 <= K; k += 4) a0 = f32x4.add(a0, f32x4.mul(v128.load(x + (<usize>k << 2)), v128.load(y + (<usize>k << 2))));
  const v = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  let s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  for (; k < K; k++) s += load<f32>(x + (<usize>k << 2)) * load<f32>(y + (<usize>k << 2));
  return s;
}

/** Rows c0..c3 [0..N) += a_r * b[0..N): one pass over b for four rows of C. */
@inline function axpyRows4(c0: usize, c1: usize, c2: usize, c3: usize, b: usize, N: i32, a0: f32, a1: f32, a2: f32, a3: f32): void {
  const v0 = f32x4.splat(a0), v1 = f32x4.splat(a1), v2 = f32x4.splat(a2), v3 = f32x4.splat(a3);
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const o = <usize>j << 2;
    const bv = v128.load(b + o);
    v128.store(c0 + o, f32x4.add(v128.load(c0 + o), f32x4.mul(v0, bv)));
    v128.store(c1 + o, f32x4.add(v128.load(c1 + o), f32x4.mul(v1, bv)));
    v128.store(c2 + o, f32x4.add(v128.load(c2 + o), f32x4.mul(v2, bv)));
    v128.store(c3 + o, f32x4.add(v128.load(c3 + o), f32x4.mul(v3, bv)));
  }
  for (; j < N; j++) {
    const o = <usize>j << 2;
    const bv = load<f32>(b + o);
    store<f32>(c0 + o, load<f32>(c0 + o) + a0 * bv);
    store<f32>(c1 + o, load<f32>(c1 + o) + a1 * bv);
    store<f32>(c2 + o, load<f32>(c2 + o) + a2 * bv);
    store<f32>(c3 + o, load<f32>(c3 + o) + a3 * bv);
  }
}

export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                     A: usize, lda: i32, B: usize, ldb: i32, beta: f32, C: usize, ldc: i32): void {
  let i0 = 0;
  if (!transB) {
    // four rows of C at a time: each row of B is read once per four rows (same per-element order)
    for (; i0 + 4 <= M; i0 += 4) {
      const c0 = at(C, ldc, i0, 0), c1 = at(C, ldc, i0 + 1, 0), c2 = at(C, ldc, i0 + 2, 0), c3 = at(C, ldc, i0 + 3, 0);
      scaleRow(c0, N, beta); scaleRow(c1, N, beta); scaleRow(c2, N, beta); scaleRow(c3, N, beta);
      for (let k = 0; k < K; k++) {
        const a0 = alpha * load<f32>(transA ? at(A, lda, k, i0) : at(A, lda, i0, k));
        const a1 = alpha * load<f32>(transA ? at(A, lda, k, i0 + 1) : at(A, lda, i0 + 1, k));
        const a2 = alpha * load<f32>(transA ? at(A, lda, k, i0 + 2) : at(A, lda, i0 + 2, k));
        const a3 = alpha * load<f32>(transA ? at(A, lda, k, i0 + 3) : at(A, lda, i0 + 3, k));
        axpyRows4(c0, c1, c2, c3, at(B, ldb, k, 0), N, a0, a1, a2, a3);
      }
    }
  }
  for (let i = i0; i < M; i++) {
    const c = at(C, ldc, i, 0);
    if (transB) {
      // C[i, j] = alpha * sum_k opA[i, k] B[j, k] (rows of B are contiguous over k)
      for (let j = 0; j < N; j++) {
        let s: f32;
        if (!transA) s = dotRow(at(A, lda, i, 0), at(B, ldb, j, 0), K);
        else {
          s = 0;
          for (let k = 0; k < K; k++) s += load<f32>(at(A, lda, k, i)) * load<f32>(at(B, ldb, j, k));
        }
        const pc = c + (<usize>j << 2);
        store<f32>(pc, beta == 0 ? alpha * s : alpha * s + beta * load<f32>(pc));
      }
    } else {
      scaleRow(c, N, beta);
      for (let k = 0; k < K; k++) {
        const a = alpha * load<f32>(transA ? at(A, lda, k, i) : at(A, lda, i, k));
        axpyRow(c, at(B, ldb, k, 0), N, a);
      }
    }
  }
}
