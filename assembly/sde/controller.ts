// Step-size controller arithmetic in wasm, so adaptive step sequences are bit-identical in
// every engine (JS Math.pow is not required to be correctly rounded).

/**
 * PI step-size factor after an accepted step (Hairer & Wanner II.4; Soderlind 2002):
 * safety * err^(-0.7/k) * errPrev^(0.4/k), clipped to [0.2, 5]; k = local error exponent.
 * After a rejected step (accepted = 0): safety * err^(-1/k), clipped to [0.2, 1].
 */
export function sde_pi_factor(err: f64, errPrev: f64, k: f64, safety: f64, accepted: i32): f64 {
  const e = Math.max(err, 1e-10);
  if (!accepted) return Math.min(1.0, Math.max(0.2, safety * Math.pow(e, -1.0 / k)));
  const f = safety * Math.pow(e, -0.7 / k) * Math.pow(Math.max(errPrev, 1e-10), 0.4 / k);
  return Math.min(5.0, Math.max(0.2, f));
}
