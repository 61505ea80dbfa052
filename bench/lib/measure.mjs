// Timing helpers shared by the bench scripts: medians, and calibrated throughput sampling.

/** Median of a list of numbers (mean of the middle two for an even count). */
export const median = (a) => { const s = [...a].sort((x, y) => x - y), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/**
 * Median rate of `fn` in units of `work` per millisecond (`work` = units one call processes):
 * one warm-up call, repetitions calibrated so a sample lasts about `targetMs`, `samples` samples.
 */
export function medianRate(fn, work, { samples = 15, targetMs = 40 } = {}) {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    const dt = performance.now() - t0;
    if (dt > targetMs / 4) { reps = Math.max(1, Math.round((reps * targetMs) / dt)); break; }
    reps *= 2;
  }
  const rates = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    rates.push((work * reps) / (performance.now() - t0));
  }
  return median(rates);
}
