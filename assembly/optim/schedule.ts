// Learning-rate schedules, in wasm so every runtime computes identical rates.

/** Cosine decay from base to min over `total` steps: min + (base - min) (1 + cos(pi step/total)) / 2. */
export function lr_cosine(base: f64, min: f64, step: f64, total: f64): f64 {
  if (total <= 0) return base;
  const p = Math.min(1.0, Math.max(0.0, step / total));
  return min + (base - min) * 0.5 * (1.0 + Math.cos(Math.PI * p));
}
