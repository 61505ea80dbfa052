// Per-column statistics over Monte-Carlo samples and finiteness checks, in a fixed order.

/**
 * x: [S x N] row-major (one row per sample). mean[j] = (1/S) sum_s x[s, j];
 * std[j] = sqrt((1/S) sum_s (x[s, j] - mean[j])^2 + extraVar) (population std plus an independent
 * variance, e.g. observation noise; std == 0 pointer skips it). Accumulated in f64 over s in order.
 */
export function sample_moments(x: usize, S: i32, N: i32, mean: usize, std: usize, extraVar: f64): void {
  for (let j = 0; j < N; j++) {
    let m: f64 = 0;
    for (let s = 0; s < S; s++) m += <f64>load<f32>(x + ((<usize>s * <usize>N + <usize>j) << 2));
    m /= <f64>S;
    store<f32>(mean + (<usize>j << 2), <f32>m);
    if (std) {
      let v: f64 = 0;
      for (let s = 0; s < S; s++) {
        const d = <f64>load<f32>(x + ((<usize>s * <usize>N + <usize>j) << 2)) - m;
        v += d * d;
      }
      store<f32>(std + (<usize>j << 2), <f32>Math.sqrt(v / <f64>S + extraVar));
    }
  }
}

/** Index of the first NaN or infinity in x[0..n), or -1 when all are finite. */
export function first_nonfinite(x: usize, n: i32): i32 {
  const inf = f32x4.splat(Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    // |v| < inf is false exactly for NaN and +-inf
    if (!v128.all_true<i32>(f32x4.lt(f32x4.abs(v), inf))) break;
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (!(Mathf.abs(v) < Infinity)) return i;
  }
  return -1;
}

/**
 * Moments of a heteroscedastic predictive mixture: x is S x 2 x N (per sample N function values,
 * then their N noise variances). Per column j: mean = mean_s f_sj; epistemic std = sqrt of the
 * population variance of f_sj; aleatoric std = sqrt(mean_s v_sj); total std =
 * sqrt(epistemic^2 + aleatoric^2) (the law of total variance). Sums run in sample order in f64.
 */
export function mixture_moments(x: usize, S: i32, N: i32, mean: usize, stdEpi: usize, stdAle: usize, stdTotal: usize): void {
  const row = <usize>N << 1;
  for (let j = 0; j < N; j++) {
    let m: f64 = 0, a: f64 = 0;
    for (let s = 0; s < S; s++) {
      const p = x + ((<usize>s * row + <usize>j) << 2);
      m += <f64>load<f32>(p);
      a += <f64>load<f32>(p + (<usize>N << 2));
    }
    m /= <f64>S;
    a /= <f64>S;
    let v: f64 = 0;
    for (let s = 0; s < S; s++) {
      const d = <f64>load<f32>(x + ((<usize>s * row + <usize>j) << 2)) - m;
      v += d * d;
    }
    v /= <f64>S;
    const o = <usize>j << 2;
    store<f32>(mean + o, <f32>m);
    store<f32>(stdEpi + o, <f32>Math.sqrt(v));
    store<f32>(stdAle + o, <f32>Math.sqrt(a));
    store<f32>(stdTotal + o, <f32>Math.sqrt(v + a));
  }
}
