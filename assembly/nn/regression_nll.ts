// Regression likelihoods for the 1D experiment (SPEC section 3), mean over n predictions, with
// the gradient w.r.t. the predictions written to dpred scaled by `scale` (e.g. 1/S for a mean
// over Monte-Carlo samples). Sums run in index order in f64.

const HALF_LOG_2PI: f64 = 0.9189385332046727;

/** mean_i [ (y_i - p_i)^2 / (2 s^2) + log s + log(2 pi)/2 ];  dpred_i = scale (p_i - y_i) / (n s^2) */
export function gaussian_nll(pred: usize, target: usize, dpred: usize, n: i32, std: f64, scale: f64): f64 {
  let sum: f64 = 0;
  const inv = 1.0 / (std * std);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const r = <f64>load<f32>(pred + o) - <f64>load<f32>(target + o);
    sum += r * r;
    if (dpred) store<f32>(dpred + o, <f32>(scale * r * inv / <f64>n));
  }
  return n > 0 ? 0.5 * inv * sum / <f64>n + Math.log(std) + HALF_LOG_2PI : 0;
}

/** mean_i [ |y_i - p_i| / b + log(2 b) ];  dpred_i = scale sign(p_i - y_i) / (n b) */
export function laplace_nll(pred: usize, target: usize, dpred: usize, n: i32, b: f64, scale: f64): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const r = <f64>load<f32>(pred + o) - <f64>load<f32>(target + o);
    sum += Math.abs(r);
    if (dpred) store<f32>(dpred + o, <f32>(r > 0 ? scale / (b * <f64>n) : r < 0 ? -scale / (b * <f64>n) : 0));
  }
  return n > 0 ? sum / (b * <f64>n) + Math.log(2 * b) : 0;
}

/**
 * Gaussian NLL with a learned log-std rho (s = exp(rho)), read from an f32 at `logStd`:
 * L = mean_i [ (y_i - p_i)^2 / (2 s^2) + rho + log(2 pi)/2 ];
 * dpred_i = scale (p_i - y_i) / (n s^2) (0: skip); dL/drho = 1 - mean_i r_i^2 / s^2, and
 * scale * dL/drho is ADDED to the f32 at `dLogStd` (0: skip). Sums run in index order in f64.
 */
export function gaussian_nll_logstd(pred: usize, target: usize, dpred: usize, n: i32, logStd: usize, dLogStd: usize, scale: f64): f64 {
  if (n <= 0) return 0;
  const rho = <f64>load<f32>(logStd);
  const inv = Math.exp(-2.0 * rho);
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const r = <f64>load<f32>(pred + o) - <f64>load<f32>(target + o);
    sum += r * r;
    if (dpred) store<f32>(dpred + o, <f32>(scale * r * inv / <f64>n));
  }
  const msq = sum / <f64>n;
  if (dLogStd) store<f32>(dLogStd, <f32>(<f64>load<f32>(dLogStd) + scale * (1.0 - msq * inv)));
  return 0.5 * inv * msq + rho + HALF_LOG_2PI;
}

/** exp(2 rho): the variance of a Gaussian likelihood with log-std rho. */
export function logstd_variance(rho: f64): f64 {
  return Math.exp(2.0 * rho);
}
