// Exponential moving average of a flat parameter block: ema = decay ema + (1 - decay) p,
// one f32x4 pass (the scalar tail does the same operations, so every element gets the same bits).
import { P } from "../nn/rows";

export function ema_update(ema: usize, p: usize, n: i32, decay: f32): void {
  const c = <f32>(1.0 - <f64>decay);
  const dv = f32x4.splat(decay), cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(P(ema, i), f32x4.add(f32x4.mul(dv, v128.load(P(ema, i))), f32x4.mul(cv, v128.load(P(p, i)))));
  }
  for (; i < n; i++) store<f32>(P(ema, i), decay * load<f32>(P(ema, i)) + c * load<f32>(P(p, i)));
}
