// Row-wise log-softmax and the fused log-softmax + negative log-likelihood, logits [rows x classes].
// Stable for any finite logits: with m = max_j z_j, log p_j = (z_j - m) - log(sum_j e^{z_j - m}),
// the sum is >= 1 and every exponent <= 0. Sums run over f32x4 lanes combined as
// (l0 + l1) + (l2 + l3), then the tail in order (fixed).
import { exp_f32, exp_v } from "../math/exp";
import { log_f32 } from "../math/log";
import { P } from "./rows";

// @ts-ignore: decorator
@inline function row_max(z: usize, n: i32): f32 {
  let m: f32 = -Infinity;
  let i = 0;
  if (n >= 4) {
    let mv = v128.load(z);
    for (i = 4; i + 4 <= n; i += 4) mv = f32x4.max(mv, v128.load(P(z, i)));
    m = max<f32>(max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
                 max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  }
  for (; i < n; i++) m = max<f32>(m, load<f32>(P(z, i)));
  return m;
}

// sum_j e^{z_j - m}; when `out` != 0 also stores e^{z_j - m} there.
// @ts-ignore: decorator
@inline function row_sum_exp(z: usize, m: f32, n: i32, out: usize): f32 {
  const mv = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = exp_v(f32x4.sub(v128.load(P(z, i)), mv));
    if (out) v128.store(P(out, i), e);
    acc = f32x4.add(acc, e);
  }
  let s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
          (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; i < n; i++) {
    const e = exp_f32(load<f32>(P(z, i)) - m);
    if (out) store<f32>(P(out, i), e);
    s += e;
  }
  return s;
}

/** out = log_softmax(logits) row-wise (out may alias logits). */
export function log_softmax_forward(logits: usize, out: usize, rows: i32, classes: i32): void {
  for (let r = 0; r < rows; r++) {
    const z = P(logits, r * classes), o = P(out, r * classes);
    const m = row_max(z, classes);
    const shift = f32x4.splat(m), ls = log_f32(row_sum_exp(z, m, classes, 0));
    const lv = f32x4.splat(ls);
    let i = 0;
    for (; i + 4 <= classes; i += 4) v128.store(P(o, i), f32x4.sub(f32x4.sub(v128.load(P(z, i)), shift), lv));
    for (; i < classes; i++) store<f32>(P(o, i), (load<f32>(P(z, i)) - m) - ls);
  }
}

/**
 * Mean over rows of -log softmax(z_r)[label_r]; labels: i32 [rows], each in [0, classes)
 * (checked by the host). The per-row losses are summed in f64 in row order.
 * dlogits != 0 receives d(mean NLL)/dz = (softmax(z) - onehot(label)) / rows.
 */
export function softmax_nll(logits: usize, labels: usize, dlogits: usize, rows: i32, classes: i32): f32 {
  let total: f64 = 0;
  const invRows = <f32>1 / <f32>rows;
  for (let r = 0; r < rows; r++) {
    const z = P(logits, r * classes);
    const label = load<i32>(P(labels, r));
    const m = row_max(z, classes);
    const zy = load<f32>(P(z, label)); // before the exponentials: dlogits may alias logits
    const g = dlogits ? P(dlogits, r * classes) : 0;
    const s = row_sum_exp(z, m, classes, g);
    total += <f64>(log_f32(s) - (zy - m));
    if (g) {
      const scale = invRows / s;
      const sv = f32x4.splat(scale);
      let i = 0;
      for (; i + 4 <= classes; i += 4) v128.store(P(g, i), f32x4.mul(v128.load(P(g, i)), sv));
      for (; i < classes; i++) store<f32>(P(g, i), load<f32>(P(g, i)) * scale);
      store<f32>(P(g, label), load<f32>(P(g, label)) - invRows);
    }
  }
  return <f32>(total / <f64>rows);
}
