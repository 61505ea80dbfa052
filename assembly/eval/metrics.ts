// Bayesian-model-average predictions and calibration metrics (SPEC section 5), in f64 with fixed
// summation orders. Probabilities are averaged over samples (not log-probabilities: SPEC 6.5).

/**
 * probs: [S x N x C] per-sample class probabilities. Writes mean [N x C] = (1/S) sum_s probs[s],
 * entropy[n] = H[mean_n] and mi[n] = H[mean_n] - (1/S) sum_s H[probs_s,n] (the mutual
 * information between the label and the weights: the epistemic part). 0 log 0 = 0.
 * entropy or mi may be 0 (skipped).
 */
export function predictive_summary(probs: usize, S: i32, N: i32, C: i32, mean: usize, entropy: usize, mi: usize): void {
  const NC = <usize>N * <usize>C;
  for (let n = 0; n < N; n++) {
    let H: f64 = 0, EH: f64 = 0;
    for (let c = 0; c < C; c++) {
      let m: f64 = 0;
      for (let s = 0; s < S; s++) {
        const p = <f64>load<f32>(probs + ((<usize>s * NC + <usize>n * <usize>C + <usize>c) << 2));
        m += p;
        if (p > 0) EH -= p * Math.log(p);
      }
      m /= <f64>S;
      store<f32>(mean + ((<usize>n * <usize>C + <usize>c) << 2), <f32>m);
      if (m > 0) H -= m * Math.log(m);
    }
    EH /= <f64>S;
    if (entropy) store<f32>(entropy + (<usize>n << 2), <f32>H);
    if (mi) store<f32>(mi + (<usize>n << 2), <f32>Math.max(0.0, H - EH));
  }
}

/**
 * Metrics of predictive probabilities p [N x C] against labels (i32) with `bins` equal-width
 * confidence bins on the max probability (bin b holds conf in (b/B, (b+1)/B], bin 0 also 0).
 * out (f64): [0] accuracy, [1] mean NLL = -log p[y] (p clamped at 1e-12), [2] mean Brier score
 * sum_c (p_c - 1[c = y])^2, [3] ECE = sum_b (n_b/N) |acc_b - conf_b|, [4] mean confidence,
 * [5] mean predictive entropy; then per bin b: [6 + 3b] count, [7 + 3b] accuracy, [8 + 3b] confidence
 * (0 for empty bins). Ties in the arg max go to the lowest class index.
 */
export function calibration_metrics(p: usize, labels: usize, N: i32, C: i32, bins: i32, out: usize): void {
  for (let k = 0; k < 6 + 3 * bins; k++) store<f64>(out + (<usize>k << 3), 0);
  let acc: f64 = 0, nll: f64 = 0, brier: f64 = 0, confSum: f64 = 0, ent: f64 = 0;
  for (let n = 0; n < N; n++) {
    const row = p + ((<usize>n * <usize>C) << 2);
    const y = load<i32>(labels + (<usize>n << 2));
    let best = 0;
    let conf: f64 = <f64>load<f32>(row);
    for (let c = 0; c < C; c++) {
      const v = <f64>load<f32>(row + (<usize>c << 2));
      if (v > conf) { conf = v; best = c; }
      const d = v - (c == y ? 1.0 : 0.0);
      brier += d * d;
      if (v > 0) ent -= v * Math.log(v);
    }
    const py = <f64>load<f32>(row + (<usize>y << 2));
    nll -= Math.log(Math.max(py, 1e-12));
    const hit: f64 = best == y ? 1.0 : 0.0;
    acc += hit;
    confSum += conf;
    let b = <i32>Math.ceil(conf * <f64>bins) - 1;
    if (b < 0) b = 0;
    if (b >= bins) b = bins - 1;
    const o = out + (<usize>(6 + 3 * b) << 3);
    store<f64>(o, load<f64>(o) + 1);
    store<f64>(o + 8, load<f64>(o + 8) + hit);
    store<f64>(o + 16, load<f64>(o + 16) + conf);
  }
  let ece: f64 = 0;
  for (let b = 0; b < bins; b++) {
    const o = out + (<usize>(6 + 3 * b) << 3);
    const cnt = load<f64>(o);
    if (cnt > 0) {
      const a = load<f64>(o + 8) / cnt, cf = load<f64>(o + 16) / cnt;
      store<f64>(o + 8, a);
      store<f64>(o + 16, cf);
      ece += (cnt / <f64>N) * Math.abs(a - cf);
    }
  }
  const fN = <f64>N;
  store<f64>(out, acc / fN);
  store<f64>(out + 8, nll / fN);
  store<f64>(out + 16, brier / fN);
  store<f64>(out + 24, ece);
  store<f64>(out + 32, confSum / fN);
  store<f64>(out + 40, ent / fN);
}
