// The `domain` word (counter c3) separates the random streams of different quantities drawn under
// the same key, so that no two quantities ever share a Philox counter. Domains 0..15 are reserved
// for sdebnn's own paths; rng_normal / rng_philox accept any value.

/** Fixed-grid Brownian increments: counter (element >> 2, step, 0, DOMAIN_GRID_W). */
export const DOMAIN_GRID_W: u32 = 0;
/** Fixed-grid space-time Levy areas: counter (element >> 2, step, 0, DOMAIN_GRID_H). */
export const DOMAIN_GRID_H: u32 = 1;
/**
 * Virtual Brownian tree: counter (element >> 2, node index, code, DOMAIN_TREE) with code 0 / 1 for
 * the root's W / H and 2 + 2d / 3 + 2d for the two normals that split node (d, index).
 */
export const DOMAIN_TREE: u32 = 2;
