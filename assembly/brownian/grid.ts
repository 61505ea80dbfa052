// Fixed-grid Brownian increments: on the grid t_k = t0 + k dt the increment of step k of a
// D-dimensional Brownian motion is
//   dW_k[i] = sqrt(dt) * z(seed, stream; counter (i >> 2, k, 0, DOMAIN_GRID_W))[i & 3]
// and its space-time Levy area (diffrax's H, variance dt/12, independent of dW_k) is
//   H_k[i]  = sqrt(dt / 12) * z(seed, stream; counter (i >> 2, k, 0, DOMAIN_GRID_H))[i & 3].
// Any step can be regenerated alone, in any order: nothing is stored.

import { fillNormals } from "../rng/normal_core";
import { DOMAIN_GRID_W, DOMAIN_GRID_H } from "../rng/domains";

/** out[k][i] = dW_{step0 + k}[i] for k < nsteps, i < D (row-major [nsteps][D]). */
export function brownian_grid(seed: u32, stream: u32, step0: u32, nsteps: i32, D: i32, dt: f64, out: usize): void {
  const sq = <f32>Math.sqrt(dt);
  for (let k = 0; k < nsteps; k++) {
    fillNormals(seed, stream, step0 + <u32>k, 0, DOMAIN_GRID_W, 0, D, sq, out + (<usize>k * <usize>D << 2), false);
  }
}

/**
 * out[i] = W(t_{step0 + nsteps}) - W(t_{step0}) = dW_{step0}[i] + ... + dW_{step0+nsteps-1}[i],
 * summed in f32 in step order (nsteps >= 1; nsteps == 1 gives exactly dW_{step0}).
 */
export function brownian_grid_sum(seed: u32, stream: u32, step0: u32, nsteps: i32, D: i32, dt: f64, out: usize): void {
  const sq = <f32>Math.sqrt(dt);
  for (let k = 0; k < nsteps; k++) {
    fillNormals(seed, stream, step0 + <u32>k, 0, DOMAIN_GRID_W, 0, D, sq, out, k > 0);
  }
}

/** out[i] = H_step[i], the space-time Levy area of step `step` (variance dt / 12). */
export function brownian_grid_levy(seed: u32, stream: u32, step: u32, D: i32, dt: f64, out: usize): void {
  fillNormals(seed, stream, step, 0, DOMAIN_GRID_H, 0, D, <f32>Math.sqrt(dt / 12), out, false);
}
