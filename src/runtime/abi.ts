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

export interface RngExports {
  /** Philox4x32-10 words of counters (c0 + b, c1, c2, c3), b < nblocks, key (k0, k1) -> out[4b..4b+3] (u32). */
  rng_philox(k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, nblocks: number, out: Ptr): void;
  /** out[i] = scale * z(first + i): standard normals at counter ((first + i) >> 2, c1, c2, c3). */
  rng_normal(k0: number, k1: number, c1: number, c2: number, c3: number, first: number, n: number,
             scale: number, out: Ptr): void;
}

export interface BrownianExports {
  /** out[k][i] = dW of grid step step0 + k (variance dt), row-major [nsteps][D]. */
  brownian_grid(seed: number, stream: number, step0: number, nsteps: number, D: number, dt: number, out: Ptr): void;
  /** out[i] = sum of the dW of steps step0 .. step0 + nsteps - 1, in step order. */
  brownian_grid_sum(seed: number, stream: number, step0: number, nsteps: number, D: number, dt: number, out: Ptr): void;
  /** out[i] = space-time Levy area of grid step `step` (variance dt / 12). */
  brownian_grid_levy(seed: number, stream: number, step: number, D: number, dt: number, out: Ptr): void;
  /** Virtual Brownian tree: W_{s,t} into outW and H_{s,t} into outH (either may be 0). */
  brownian_tree(seed: number, stream: number, depth: number, D: number, t0: number, t1: number,
                s: number, t: number, outW: Ptr, outH: Ptr): void;
}

export interface WasmExports extends ArenaExports, ReduceExports, GemmExports, RngExports, BrownianExports {
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
  "rng_philox", "rng_normal",
  "brownian_grid", "brownian_grid_sum", "brownian_grid_levy", "brownian_tree",
];
