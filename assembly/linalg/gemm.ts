// GEMM, row-major: C[M x N] = alpha * op(A) op(B) + beta * C, op(X) = X or X^T.
// A is M x K (lda >= K) or, with transA, K x M (lda >= M); B is K x N (ldb >= N) or, with
// transB, N x K (ldb >= K). beta == 0 overwrites C without reading it (NaN garbage is ignored).
// Reference implementation with the final ABI; the register-blocked packed kernel replaces its body.

@inline function at(p: usize, ld: i32, r: i32, c: i32): f32 {
  return load<f32>(p + ((<usize>r * <usize>ld + <usize>c) << 2));
}

export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                     A: usize, lda: i32, B: usize, ldb: i32, beta: f32, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? at(A, lda, k, i) : at(A, lda, i, k);
        const b = transB ? at(B, ldb, j, k) : at(B, ldb, k, j);
        s += a * b;
      }
      const pc = C + ((<usize>i * <usize>ldc + <usize>j) << 2);
      store<f32>(pc, beta == 0 ? alpha * s : alpha * s + beta * load<f32>(pc));
    }
  }
}
