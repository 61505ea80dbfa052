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

export interface MathExports {
  /** y[i] = f(x[i]) for the math-library function `fn` (see src/nn/math.ts MathFn); scalar != 0 forces the scalar twin. */
  math_map(fn: number, x: Ptr, y: Ptr, n: number, scalar: number): void;
}

export interface ActivationExports {
  softplus_forward(x: Ptr, y: Ptr, n: number): void;
  softplus_backward(x: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  sigmoid_forward(x: Ptr, y: Ptr, n: number): void;
  sigmoid_backward(x: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  tanh_forward(x: Ptr, y: Ptr, n: number): void;
  tanh_backward(x: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  relu_forward(x: Ptr, y: Ptr, n: number): void;
  relu_backward(x: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  swish_forward(x: Ptr, beta: Ptr, y: Ptr, rows: number, units: number): void;
  swish_backward(x: Ptr, beta: Ptr, dy: Ptr, dx: Ptr, dbeta: Ptr, rows: number, units: number,
                 accumulate: number): void;
}

export interface LayerExports {
  dense_forward(x: Ptr, W: Ptr, b: Ptr, y: Ptr, rows: number, nin: number, nout: number): void;
  dense_backward(x: Ptr, W: Ptr, dy: Ptr, dx: Ptr, dW: Ptr, db: Ptr, rows: number, nin: number,
                 nout: number, accumulate: number): void;
  csl_forward(x: Ptr, W: Ptr, b: Ptr, a: Ptr, c: Ptr, d: Ptr, t: number, y: Ptr, z: Ptr,
              rows: number, nin: number, nout: number): void;
  /** Returns dL/dt. */
  csl_backward(x: Ptr, W: Ptr, a: Ptr, c: Ptr, d: Ptr, t: number, z: Ptr, dy: Ptr, dx: Ptr, dW: Ptr,
               db: Ptr, da: Ptr, dc: Ptr, dd: Ptr, scratch: Ptr, rows: number, nin: number, nout: number,
               accumulate: number): number;
  bayes_sample(mu: Ptr, logstd: Ptr, eps: Ptr, w: Ptr, n: number): void;
  bayes_dense_forward(x: Ptr, muW: Ptr, lsW: Ptr, epsW: Ptr, muB: Ptr, lsB: Ptr, epsB: Ptr, Ws: Ptr,
                      bs: Ptr, y: Ptr, rows: number, nin: number, nout: number): void;
  bayes_dense_backward(x: Ptr, lsW: Ptr, epsW: Ptr, lsB: Ptr, epsB: Ptr, Ws: Ptr, dy: Ptr, dx: Ptr,
                       dmuW: Ptr, dlsW: Ptr, dmuB: Ptr, dlsB: Ptr, scratch: Ptr, rows: number,
                       nin: number, nout: number, accumulate: number): void;
  gaussian_kl(mu: Ptr, logstd: Ptr, n: number, priorStd: number): number;
  gaussian_kl_backward(mu: Ptr, logstd: Ptr, n: number, priorStd: number, scale: number, dmu: Ptr,
                       dlogstd: Ptr, accumulate: number): void;
  log_softmax_forward(logits: Ptr, out: Ptr, rows: number, classes: number): void;
  /** Mean NLL; labels are i32. */
  softmax_nll(logits: Ptr, labels: Ptr, dlogits: Ptr, rows: number, classes: number): number;
}

export interface OptimExports {
  /** Scalars are f64 in the ABI (1 - beta and bias corrections formed exactly, then rounded to f32). */
  adam_step(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, beta1: number, beta2: number,
            eps: number, weightDecay: number, weightDecayMode: number, step: number): void;
  ema_update(ema: Ptr, p: Ptr, n: number, decay: number): void;
}

export interface WasmExports extends ArenaExports, ReduceExports, GemmExports, MathExports,
  ActivationExports, LayerExports, OptimExports {
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
  "math_map",
  "softplus_forward", "softplus_backward", "sigmoid_forward", "sigmoid_backward",
  "tanh_forward", "tanh_backward", "relu_forward", "relu_backward", "swish_forward", "swish_backward",
  "dense_forward", "dense_backward", "csl_forward", "csl_backward",
  "bayes_sample", "bayes_dense_forward", "bayes_dense_backward", "gaussian_kl", "gaussian_kl_backward",
  "log_softmax_forward", "softmax_nll",
  "adam_step", "ema_update",
];
