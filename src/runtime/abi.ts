// The host's view of the wasm exports. `REQUIRED_EXPORTS` lists every function the TypeScript
// side calls; a test checks it against the built binary so the two cannot drift apart.
// Pointers are byte offsets into linear memory (usize = u32 -> number).

export type Ptr = number;

export interface ArenaExports {
  arena_init(base: Ptr, limit: Ptr): void;
  arena_alloc(bytes: number): Ptr;
  arena_alloc_zeroed(bytes: number): Ptr;
  arena_mark(): Ptr;
  arena_reset(mark: Ptr): void;
  arena_base(): Ptr;
  arena_used(): number;
  arena_peak(): number;
}

export interface ReduceExports {
  vec_dot(x: Ptr, y: Ptr, n: number): number;
  vec_sum(x: Ptr, n: number): number;
  vec_axpy(a: number, x: Ptr, y: Ptr, n: number): void;
  vec_scale(a: number, x: Ptr, n: number): void;
}

export interface GemmExports {
  /** Row-major C = alpha op(A) op(B) + beta C; trans flags 0/1. */
  gemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number,
       A: Ptr, lda: number, B: Ptr, ldb: number, beta: number, C: Ptr, ldc: number): void;
}

export interface SdeExports {
  /** out = y + c1 x1 + c2 x2 + c3 x3 (null pointers drop terms; null y starts from zero). */
  sde_lincomb(out: Ptr, y: Ptr, n: number, c1: number, x1: Ptr, c2: number, x2: Ptr, c3: number, x3: Ptr): void;
  /** out = y + c a b elementwise (null y starts from zero). */
  sde_muladd(out: Ptr, y: Ptr, n: number, c: number, a: Ptr, b: Ptr): void;
  /** Hairer's weighted RMS norm of an error estimate. */
  sde_error_norm(err: Ptr, y0: Ptr, y1: Ptr, n: number, rtol: number, atol: number): number;
  /** PI step-size factor (accepted = 1) or rejection factor (accepted = 0). */
  sde_pi_factor(err: number, errPrev: number, k: number, safety: number, accepted: number): number;
}

export interface WasmExports extends ArenaExports, ReduceExports, GemmExports, SdeExports {
  abi_version(): number;
}

/** The ABI version this host speaks; must equal the binary's `abi_version()`. */
export const ABI_VERSION = 1;

export const REQUIRED_EXPORTS: readonly (keyof WasmExports)[] = [
  "abi_version",
  "arena_init", "arena_alloc", "arena_alloc_zeroed", "arena_mark", "arena_reset",
  "arena_base", "arena_used", "arena_peak",
  "vec_dot", "vec_sum", "vec_axpy", "vec_scale",
  "gemm",
  "sde_lincomb", "sde_muladd", "sde_error_norm", "sde_pi_factor",
];
