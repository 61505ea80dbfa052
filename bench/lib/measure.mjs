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

/**
 * Wall-clock and CPU milliseconds of each of `reps` calls of `fn` (awaited) after `warmup` calls:
 * { ms, cpuMs }. The process CPU time of a one-thread implementation is its wall time on an idle
 * machine and moves much less than the wall time when other jobs share the cores.
 */
export async function timeCalls(fn, warmup, reps) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const ms = [], cpuMs = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    await fn(warmup + i);
    const c = process.cpuUsage(c0);
    ms.push(performance.now() - t0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { ms, cpuMs };
}
