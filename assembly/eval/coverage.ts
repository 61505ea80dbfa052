// Interval coverage of a Gaussian predictive distribution (the regression figures' coverage curve):
// the standard normal quantile and, per nominal central coverage q, the share of targets inside
// mean +- z_q std with z_q = quantile((1 + q) / 2).

// Acklam's rational approximation of the normal quantile (relative error < 1.15e-9 over (0, 1)):
// a central rational function for 0.02425 <= p <= 0.97575, tail functions in sqrt(-2 log p) outside.
const A0: f64 = -3.969683028665376e+01, A1: f64 = 2.209460984245205e+02, A2: f64 = -2.759285104469687e+02;
const A3: f64 = 1.383577518672690e+02, A4: f64 = -3.066479806614716e+01, A5: f64 = 2.506628277459239e+00;
const B0: f64 = -5.447609879822406e+01, B1: f64 = 1.615858368580409e+02, B2: f64 = -1.556989798598866e+02;
const B3: f64 = 6.680131188771972e+01, B4: f64 = -1.328068155288572e+01;
const C0: f64 = -7.784894002430293e-03, C1: f64 = -3.223964580411365e-01, C2: f64 = -2.400758277161838e+00;
const C3: f64 = -2.549732539343734e+00, C4: f64 = 4.374664141464968e+00, C5: f64 = 2.938163982698783e+00;
const D0: f64 = 7.784695709041462e-03, D1: f64 = 3.224671290700398e-01, D2: f64 = 2.445134137142996e+00;
const D3: f64 = 3.754408661907416e+00;
const P_LOW: f64 = 0.02425;

function tail(p: f64): f64 {
  const q = Math.sqrt(-2.0 * Math.log(p));
  return (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1.0);
}

/** The standard normal quantile Phi^-1(p): -inf at p <= 0, +inf at p >= 1, NaN for NaN. */
export function normal_quantile(p: f64): f64 {
  if (isNaN(p)) return NaN;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < P_LOW) return tail(p);
  if (p > 1.0 - P_LOW) return -tail(1.0 - p);
  const q = p - 0.5, r = q * q;
  return (((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q / (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1.0);
}

/**
 * out[k] (f64) = share of the n targets y_i with |y_i - mean_i| <= z_k std_i, z_k = Phi^-1((1 + q_k) / 2),
 * for the m nominal coverages q_k (f64) at `levels`. Counts run in index order.
 */
export function interval_coverage(mean: usize, std: usize, target: usize, n: i32, levels: usize, m: i32, out: usize): void {
  for (let k = 0; k < m; k++) {
    const z = normal_quantile(0.5 * (1.0 + load<f64>(levels + (<usize>k << 3))));
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const r = Math.abs(<f64>load<f32>(target + o) - <f64>load<f32>(mean + o));
      if (r <= z * <f64>load<f32>(std + o)) inside++;
    }
    store<f64>(out + (<usize>k << 3), n > 0 ? <f64>inside / <f64>n : 0);
  }
}
