// Exponential moving average of a flat parameter block: ema = decay ema + (1 - decay) p,
// one f32x4 pass (the scalar tail does the same operations, so every element gets the same bits).
import { P } from "../nn/rows";

// decay arrives as f64 so that 1 - decay is formed exactly before rounding to f32.
export function ema_update(ema: usize, p: usize, n: i32, decay_: f64): void {
  const decay = <f32>decay_, c = <f32>(1.0 - decay_);
  const dv = f32x4.splat(decay), cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(P(ema, i), f32x4.add(f32x4.mul(dv, v128.load(P(ema, i))), f32x4.mul(cv, v128.load(P(p, i)))));
  }
  for (; i < n; i++) store<f32>(P(ema, i), decay * load<f32>(P(ema, i)) + c * load<f32>(P(p, i)));
}
