// Adam (Kingma & Ba, Algorithm 1, in PyTorch's arrangement) as one f32x4 pass over a flat
// parameter block p with gradient g and moments m, v of the same length n:
//   g' = g + wd p                      (weight_decay_mode 0: L2 penalty, torch.optim.Adam)
//   p  = p (1 - lr wd)                 (weight_decay_mode 1: decoupled, torch.optim.AdamW)
//   m  = b1 m + (1 - b1) g'
//   v  = b2 v + (1 - b2) g'^2
//   p  = p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// step t >= 1 counts updates. The hyperparameters arrive as f64 so that 1 - b1, 1 - b2 and the
// bias corrections are formed from the caller's exact values and rounded once to f32.
import { P } from "../nn/rows";

export function adam_step(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1_: f64, beta2_: f64,
                          eps_: f64, weight_decay: f64, weight_decay_mode: i32, step: i32): void {
  const bc1 = 1.0 - Math.pow(beta1_, <f64>step);
  const bc2 = 1.0 - Math.pow(beta2_, <f64>step);
  const stepSize = <f32>(lr / bc1);
  const invSqrtBc2 = <f32>(1.0 / Math.sqrt(bc2));
  const beta1 = <f32>beta1_, beta2 = <f32>beta2_, eps = <f32>eps_;
  const c1 = <f32>(1.0 - beta1_), c2 = <f32>(1.0 - beta2_);
  const l2 = weight_decay_mode == 0 ? <f32>weight_decay : <f32>0;
  const shrink = weight_decay_mode == 0 ? <f32>1 : <f32>(1.0 - lr * weight_decay);
  const b1v = f32x4.splat(beta1), b2v = f32x4.splat(beta2), c1v = f32x4.splat(c1), c2v = f32x4.splat(c2);
  const l2v = f32x4.splat(l2), shv = f32x4.splat(shrink), ssv = f32x4.splat(stepSize);
  const ibv = f32x4.splat(invSqrtBc2), epv = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let pv = v128.load(P(p, i));
    const gv = f32x4.add(v128.load(P(g, i)), f32x4.mul(l2v, pv));
    pv = f32x4.mul(pv, shv);
    const mv = f32x4.add(f32x4.mul(b1v, v128.load(P(m, i))), f32x4.mul(c1v, gv));
    const vv = f32x4.add(f32x4.mul(b2v, v128.load(P(v, i))), f32x4.mul(c2v, f32x4.mul(gv, gv)));
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(vv), ibv), epv);
    v128.store(P(m, i), mv);
    v128.store(P(v, i), vv);
    v128.store(P(p, i), f32x4.sub(pv, f32x4.mul(ssv, f32x4.div(mv, den))));
  }
  for (; i < n; i++) {
    let ps = load<f32>(P(p, i));
    const gs = load<f32>(P(g, i)) + l2 * ps;
    ps = ps * shrink;
    const ms = beta1 * load<f32>(P(m, i)) + c1 * gs;
    const vs = beta2 * load<f32>(P(v, i)) + c2 * (gs * gs);
    const den = sqrt<f32>(vs) * invSqrtBc2 + eps;
    store<f32>(P(m, i), ms);
    store<f32>(P(v, i), vs);
    store<f32>(P(p, i), ps - stepSize * (ms / den));
  }
}
