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

export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                     A: usize, lda: i32, B: usize, ldb: i32, beta: f32, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) {
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
