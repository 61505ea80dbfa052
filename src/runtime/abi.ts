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
  /** 1 when n 32-bit words at a and b are identical bit for bit. */
  vec_equal_bits(a: Ptr, b: Ptr, n: number): number;
  vec_axpy(a: number, x: Ptr, y: Ptr, n: number): void;
  vec_scale(a: number, x: Ptr, n: number): void;
}

export interface GemmExports {
  /** Row-major C = alpha op(A) op(B) + beta C; trans flags 0/1. */
  gemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number,
       A: Ptr, lda: number, B: Ptr, ldb: number, beta: number, C: Ptr, ldc: number): void;
  /** gemm with the stored rows of B given by a table of u32 addresses (an implicit im2col). */
  gemm_rows(transB: number, M: number, N: number, K: number, alpha: number, A: Ptr, lda: number, rows: Ptr,
            beta: number, C: Ptr, ldc: number): void;
}

export interface MathExports {
  /** y[i] = f(x[i]) for the math-library function `fn` (see src/nn/math.ts MathFn); scalar != 0 forces the scalar twin. */
  math_map(fn: number, x: Ptr, y: Ptr, n: number, scalar: number): void;
}

export interface ActivationExports {
  softplus_forward(x: Ptr, y: Ptr, n: number): void;
  softplus_backward(x: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  softplus_forward_derivative(x: Ptr, y: Ptr, n: number): void;
  derivative_backward(d: Ptr, dy: Ptr, dx: Ptr, n: number): void;
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
  /** Local reparameterisation over samples x rows rows: y = x muW + muB + sqrt((x . x) exp(2 lsW) + exp(2 lsB)) eps[s] (nout normals per sample). */
  bayes_dense_local_forward(x: Ptr, muW: Ptr, lsW: Ptr, muB: Ptr, lsB: Ptr, eps: Ptr, y: Ptr, samples: number, rows: number,
                            nin: number, nout: number, scratch: Ptr): void;
  bayes_dense_local_scratch(n: number, nin: number, nout: number): number;
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

// WasmExports is assembled by declaration merging: each kernel family adds one
// `export interface WasmExports extends XExports {}` line (append-only, merge-friendly).
export interface WasmExports { abi_version(): number }
export interface WasmExports extends ArenaExports, ReduceExports, GemmExports {}
export interface WasmExports extends MathExports, ActivationExports, LayerExports, OptimExports {}
export interface WasmExports extends SdeExports {}

/** The ABI version this host speaks; must equal the binary's `abi_version()`. */
export const ABI_VERSION = 1;

export const REQUIRED_EXPORTS: readonly (keyof WasmExports)[] = [
  "abi_version",
  "arena_init", "arena_alloc", "arena_alloc_zeroed", "arena_mark", "arena_reset",
  "arena_base", "arena_used", "arena_peak",
  "vec_dot", "vec_sum", "vec_axpy", "vec_scale", "vec_equal_bits",
  "gemm", "gemm_rows",
  "sde_lincomb", "sde_muladd", "sde_error_norm", "sde_pi_factor",
  "rng_philox", "rng_normal",
  "brownian_grid", "brownian_grid_sum", "brownian_grid_levy", "brownian_tree",
  "gaussian_nll", "laplace_nll", "gaussian_nll_logstd", "logstd_variance", "toy1d_targets",
  "gaussian_nll_hetero", "hetero_outputs", "laplace_nll_logscale", "mixture_moments",
  "sample_moments", "first_nonfinite", "lr_cosine",
  "predictive_summary", "calibration_metrics", "normal_quantile", "interval_coverage",
  "conv2d_forward", "conv2d_backward", "conv_transpose2d_forward", "conv_transpose2d_backward",
  "conv2d_forward_act", "conv_transpose2d_forward_act", "conv2d_forward_scratch", "conv2d_backward_scratch",
  "conv_transpose2d_forward_scratch", "conv_transpose2d_backward_scratch",
  "pad_channels", "pad_channels_backward", "space_to_depth", "corrupt_images",
  "math_map",
  "softplus_forward", "softplus_backward", "softplus_forward_derivative", "derivative_backward", "sigmoid_forward", "sigmoid_backward",
  "tanh_forward", "tanh_backward", "relu_forward", "relu_backward", "swish_forward", "swish_backward",
  "dense_forward", "dense_backward", "csl_forward", "csl_backward",
  "bayes_sample", "bayes_dense_forward", "bayes_dense_backward", "bayes_dense_local_forward", "bayes_dense_local_scratch", "gaussian_kl", "gaussian_kl_backward",
  "log_softmax_forward", "softmax_nll",
  "adam_step", "ema_update",
];

export interface RegressionExports {
  /** Mean Gaussian NLL (std s); dpred (0: skip) <- scale * d(mean)/d(pred). */
  gaussian_nll(pred: Ptr, target: Ptr, dpred: Ptr, n: number, std: number, scale: number): number;
  /** Mean Laplace NLL (scale b); dpred (0: skip) <- scale * d(mean)/d(pred). */
  laplace_nll(pred: Ptr, target: Ptr, dpred: Ptr, n: number, b: number, scale: number): number;
  /** Mean Gaussian NLL with the log-std at the f32 `logStd`; dpred (0: skip) <- scale * d/dpred; scale * d/dlogstd added at dLogStd (0: skip). */
  gaussian_nll_logstd(pred: Ptr, target: Ptr, dpred: Ptr, n: number, logStd: Ptr, dLogStd: Ptr, scale: number): number;
  /** exp(2 rho). */
  logstd_variance(rho: number): number;
  /** Mean heteroscedastic Gaussian NLL of n interleaved (mean, log-std) rows; dpred (0: skip, may alias pred) <- scale * d/d(mean, log-std), interleaved. */
  gaussian_nll_hetero(pred: Ptr, target: Ptr, dpred: Ptr, n: number, scale: number): number;
  /** S x n interleaved (mean, log-std) rows -> S x 2 x n: values mean * scale + center, then variances exp(2 log-std) scale^2. */
  hetero_outputs(z: Ptr, out: Ptr, S: number, n: number, scale: number, center: number): void;
  /** Mean Laplace NLL with the log-scale at the f32 `logScale`; dpred (0: skip) <- scale * d/dpred; scale * d/dlogscale added at dLogScale (0: skip). */
  laplace_nll_logscale(pred: Ptr, target: Ptr, dpred: Ptr, n: number, logScale: Ptr, dLogScale: Ptr, scale: number): number;
  /** y = cos(x) + noiseStd * eps (toy 1D data). */
  toy1d_targets(x: Ptr, eps: Ptr, y: Ptr, n: number, noiseStd: number): void;
}
export interface WasmExports extends RegressionExports {}

export interface StatsExports {
  /** Per-column mean and sqrt(population variance + extraVar) over S sample rows of x [S x N] (std 0: skip). */
  sample_moments(x: Ptr, S: number, N: number, mean: Ptr, std: Ptr, extraVar: number): void;
  /** x S x 2 x N (values, then noise variances) -> per column mean, epistemic, aleatoric and total std. */
  mixture_moments(x: Ptr, S: number, N: number, mean: Ptr, stdEpi: Ptr, stdAle: Ptr, stdTotal: Ptr): void;
  /** Index of the first NaN/Inf, or -1. */
  first_nonfinite(x: Ptr, n: number): number;
  /** Cosine learning-rate decay. */
  lr_cosine(base: number, min: number, step: number, total: number): number;
}
export interface WasmExports extends StatsExports {}

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
export interface WasmExports extends RngExports, BrownianExports {}

export interface EvalExports {
  /** Mean over S samples of probs [S x N x C]; predictive entropy and mutual information per input. */
  predictive_summary(probs: Ptr, S: number, N: number, C: number, mean: Ptr, entropy: Ptr, mi: Ptr): void;
  /** Accuracy, NLL, Brier, ECE, mean confidence, mean entropy, then per-bin (count, acc, conf); f64 out. */
  calibration_metrics(p: Ptr, labels: Ptr, N: number, C: number, bins: number, out: Ptr): void;
  /** The standard normal quantile Phi^-1(p) (Acklam's approximation, relative error < 1.2e-9). */
  normal_quantile(p: number): number;
  /** out[k] (f64) = share of targets with |y - mean| <= Phi^-1((1 + q_k) / 2) std, q_k the m f64 levels. */
  interval_coverage(mean: Ptr, std: Ptr, target: Ptr, n: number, levels: Ptr, m: number, out: Ptr): void;
}
export interface WasmExports extends EvalExports {}

export interface ConvExports {
  /** ConcatConv2D forward, NCHW; W [Cout, T + Cin, k, k] with the time channel first when T = 1. */
  conv2d_forward(x: Ptr, W: Ptr, b: Ptr, y: Ptr, B: number, Cin: number, H: number, Wd: number, Cout: number, k: number,
                 s: number, pad: number, Ho: number, Wo: number, t: number, T: number, scratch: Ptr): void;
  /** VJP: dW, db accumulated, dx overwritten (0: skip); returns dL/dt. */
  conv2d_backward(x: Ptr, W: Ptr, dy: Ptr, dx: Ptr, dW: Ptr, db: Ptr, B: number, Cin: number, H: number, Wd: number,
                  Cout: number, k: number, s: number, pad: number, Ho: number, Wo: number, t: number, T: number, scratch: Ptr): number;
  /** ConcatConvTranspose2D forward; W [T + Cin, Cout, k, k]. */
  conv_transpose2d_forward(x: Ptr, W: Ptr, b: Ptr, y: Ptr, B: number, Cin: number, H: number, Wd: number, Cout: number,
                           k: number, s: number, pad: number, Ho: number, Wo: number, t: number, T: number, scratch: Ptr): void;
  conv_transpose2d_backward(x: Ptr, W: Ptr, dy: Ptr, dx: Ptr, dW: Ptr, db: Ptr, B: number, Cin: number, H: number, Wd: number,
                            Cout: number, k: number, s: number, pad: number, Ho: number, Wo: number, t: number, T: number,
                            scratch: Ptr): number;
  /**
   * Fused forward: z = conv(x) + b + t tmap and a = act(z) image by image (act: 0 none,
   * 1 softplus, 2 sigmoid, 3 tanh, 4 relu); the same bits as the forward plus the activation layer.
   */
  conv2d_forward_act(x: Ptr, W: Ptr, b: Ptr, z: Ptr, a: Ptr, B: number, Cin: number, H: number, Wd: number, Cout: number,
                     k: number, s: number, pad: number, Ho: number, Wo: number, t: number, T: number, scratch: Ptr, act: number): void;
  /** Scratch floats of conv2d_forward(_act) for this geometry. */
  conv2d_forward_scratch(Cin: number, H: number, Wd: number, Cout: number, k: number, s: number, pad: number, Ho: number, Wo: number, T: number): number;
  conv_transpose2d_forward_scratch(Cin: number, H: number, Wd: number, Cout: number, k: number, s: number, pad: number, Ho: number, Wo: number, T: number): number;
  conv_transpose2d_backward_scratch(Cin: number, H: number, Wd: number, Cout: number, k: number, s: number, pad: number, Ho: number, Wo: number, T: number): number;
  /** Scratch floats of conv2d_backward for this geometry. */
  conv2d_backward_scratch(Cin: number, H: number, Wd: number, Cout: number, k: number, s: number, pad: number, Ho: number, Wo: number, T: number): number;
  conv_transpose2d_forward_act(x: Ptr, W: Ptr, b: Ptr, z: Ptr, a: Ptr, B: number, Cin: number, H: number, Wd: number,
                               Cout: number, k: number, s: number, pad: number, Ho: number, Wo: number, t: number, T: number,
                               scratch: Ptr, act: number): void;
}
export interface WasmExports extends ConvExports {}

export interface ReshapeExports {
  pad_channels(x: Ptr, y: Ptr, B: number, Cin: number, Cout: number, HW: number): void;
  pad_channels_backward(dy: Ptr, dx: Ptr, B: number, Cin: number, Cout: number, HW: number): void;
  /** inverse 0: x [B,C,H,W] -> y [B,4C,H/2,W/2]; inverse 1: y -> x (writes x). */
  space_to_depth(x: Ptr, y: Ptr, B: number, C: number, H: number, W: number, inverse: number): void;
}
export interface WasmExports extends ReshapeExports {}

export interface CorruptExports {
  /** kind 0..6, severity 1..5 on u8 grey images [n, H, W]; returns -1 for a bad kind/severity. */
  corrupt_images(kind: number, severity: number, src: Ptr, dst: Ptr, n: number, H: number, W: number,
                 k0: number, k1: number, first: number, scratch: Ptr): number;
}
export interface WasmExports extends CorruptExports {}
