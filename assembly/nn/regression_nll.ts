// Regression likelihoods for the 1D experiment (SPEC section 3), mean over n predictions, with
// the gradient w.r.t. the predictions written to dpred scaled by `scale` (e.g. 1/S for a mean
// over Monte-Carlo samples). Sums run in index order in f64.

const HALF_LOG_2PI: f64 = 0.9189385332046727;
const LOG_2: f64 = 0.6931471805599453;

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

/**
 * Heteroscedastic Gaussian NLL: the head gives per row a mean mu_i and a log-std rho_i, stored
 * interleaved (pred[2i] = mu_i, pred[2i+1] = rho_i). With r_i = mu_i - y_i and s_i = exp(rho_i):
 *   L = mean_i [ r_i^2 / (2 s_i^2) + rho_i + log(2 pi)/2 ]
 *   dL/dmu_i  = r_i / (n s_i^2)
 *   dL/drho_i = (1 - r_i^2 / s_i^2) / n
 * scale * both are written to dpred in the same interleaved layout (0: skip; dpred may alias pred:
 * each row is read before it is written). Sums run in index order in f64. This is O(n) work per
 * step beside the O(n width^2) drift network, so it stays scalar (one f64 exp per row).
 */
export function gaussian_nll_hetero(pred: usize, target: usize, dpred: usize, n: i32, scale: f64): f64 {
  if (n <= 0) return 0;
  const invN = 1.0 / <f64>n;
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const mu = <f64>load<f32>(pred + o), rho = <f64>load<f32>(pred + o + 4);
    const r = mu - <f64>load<f32>(target + (<usize>i << 2));
    const inv = Math.exp(-2.0 * rho);
    const q = r * r * inv;
    sum += 0.5 * q + rho;
    if (dpred) {
      store<f32>(dpred + o, <f32>(scale * r * inv * invN));
      store<f32>(dpred + o + 4, <f32>(scale * (1.0 - q) * invN));
    }
  }
  return sum * invN + HALF_LOG_2PI;
}

/**
 * The predictive outputs of S x n heteroscedastic head rows (interleaved mu, rho, standardised
 * units) in the target's units: out is S x 2 x n, per sample first the n values mu * scale + center,
 * then the n noise variances exp(2 rho) * scale^2.
 */
export function hetero_outputs(z: usize, out: usize, S: i32, n: i32, scale: f64, center: f64): void {
  const sc2 = scale * scale;
  for (let s = 0; s < S; s++) {
    const zs = z + ((<usize>s * <usize>n) << 3), os = out + ((<usize>s * <usize>n) << 3);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      store<f32>(os + (<usize>i << 2), <f32>(<f64>load<f32>(zs + o) * scale + center));
      store<f32>(os + ((<usize>n + <usize>i) << 2), <f32>(Math.exp(2.0 * <f64>load<f32>(zs + o + 4)) * sc2));
    }
  }
}

/**
 * Laplace NLL with a learned log-scale beta (b = exp(beta)), read from an f32 at `logScale`:
 * L = mean_i [ |y_i - p_i| / b + beta + log 2 ];
 * dpred_i = scale sign(p_i - y_i) / (n b) (0: skip); dL/dbeta = 1 - mean_i |r_i| / b, and
 * scale * dL/dbeta is ADDED to the f32 at `dLogScale` (0: skip). Sums run in index order in f64.
 */
export function laplace_nll_logscale(pred: usize, target: usize, dpred: usize, n: i32, logScale: usize, dLogScale: usize, scale: f64): f64 {
  if (n <= 0) return 0;
  const beta = <f64>load<f32>(logScale);
  const invB = Math.exp(-beta), g = scale * invB / <f64>n;
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const r = <f64>load<f32>(pred + o) - <f64>load<f32>(target + o);
    sum += Math.abs(r);
    if (dpred) store<f32>(dpred + o, <f32>(r > 0 ? g : r < 0 ? -g : 0));
  }
  const ma = sum / <f64>n;
  if (dLogScale) store<f32>(dLogScale, <f32>(<f64>load<f32>(dLogScale) + scale * (1.0 - ma * invB)));
  return ma * invB + beta + LOG_2;
}
