// Standard normals (the transform and its accuracy: normal_core.ts).

import { fillNormals } from "./normal_core";

/**
 * out[i] = scale * z(first + i), i < n: standard normals at counter (element >> 2, c1, c2, c3)
 * under key (k0, k1) = (seed, stream).
 */
export function rng_normal(k0: u32, k1: u32, c1: u32, c2: u32, c3: u32, first: u32, n: i32, scale: f32, out: usize): void {
  fillNormals(k0, k1, c1, c2, c3, first, n, scale, out, false);
}
