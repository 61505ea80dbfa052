import type { Runtime } from "../runtime/load.js";
import { NumericalError } from "../runtime/errors.js";
import type { F32Buffer } from "../runtime/memory.js";
import type { ParamSpace } from "../nn/params.js";

export interface OptimConfig {
  lr: number;
  schedule: "constant" | "cosine";
  /** Final rate of the cosine schedule. */
  minLr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** EMA decay of the evaluation weights (0: no EMA). */
  emaDecay: number;
  /** Total updates (the cosine schedule's horizon). */
  updates: number;
}

export const OPTIM_DEFAULTS: OptimConfig = {
  lr: 1e-3, schedule: "constant", minLr: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, emaDecay: 0, updates: 1000,
};

export interface StepStats {
  loss: number;
  [metric: string]: number;
}

/**
 * Adam (and the EMA of the weights) over the model's ONE flat parameter block, with a numerical
 * guard: a NaN or infinity in the loss, the gradients or the updated parameters raises a
 * NumericalError naming the step and the tensor, before (loss, gradients) or instead of keeping
 * (parameters are restored) the bad update.
 */
export class Optimizer {
  readonly m: F32Buffer;
  readonly v: F32Buffer;
  readonly ema: F32Buffer | null;
  private readonly backup: F32Buffer;
  /** Updates applied so far. */
  step = 0;

  constructor(private readonly rt: Runtime, readonly space: ParamSpace, readonly cfg: OptimConfig) {
    const n = space.size;
    this.m = rt.arena.f32(n);
    this.v = rt.arena.f32(n);
    this.backup = rt.arena.f32(n);
    this.ema = cfg.emaDecay > 0 ? rt.arena.f32(n) : null;
    if (this.ema) this.ema.view.set(space.allocated.params.view);
  }

  get params(): F32Buffer { return this.space.allocated.params; }
  get grads(): F32Buffer { return this.space.allocated.grads; }

  learningRate(step = this.step): number {
    const c = this.cfg;
    return c.schedule === "cosine" ? this.rt.wasm.lr_cosine(c.lr, c.minLr, step, c.updates) : c.lr;
  }

  private tensorAt(index: number): string {
    const e = this.space.list.find((p) => index >= p.offset && index < p.offset + p.size);
    return e ? `${e.name}[${index - e.offset}]` : `element ${index}`;
  }

  /** Zeroes the gradients, runs `compute` (forward + backward) and applies one update. */
  update(compute: () => StepStats): StepStats {
    this.zeroGrads();
    return this.apply(compute());
  }

  zeroGrads(): void {
    this.rt.wasm.sde_lincomb(this.grads.ptr, 0, this.space.size, 0, 0, 0, 0, 0, 0);
  }

  /** Checks the loss and the gradient block (filled by the caller) and applies one update. */
  apply(stats: StepStats): StepStats {
    const { rt } = this;
    const n = this.space.size;
    if (!Number.isFinite(stats.loss)) throw new NumericalError(`step ${this.step + 1}: the loss is ${stats.loss}`);
    const bad = rt.wasm.first_nonfinite(this.grads.ptr, n);
    if (bad >= 0) throw new NumericalError(`step ${this.step + 1}: non-finite gradient of ${this.tensorAt(bad)}`);
    rt.wasm.sde_lincomb(this.backup.ptr, this.params.ptr, n, 0, 0, 0, 0, 0, 0);
    const c = this.cfg;
    rt.wasm.adam_step(this.params.ptr, this.grads.ptr, this.m.ptr, this.v.ptr, n, this.learningRate(), c.beta1, c.beta2, c.eps,
      c.weightDecay, 1, this.step + 1);
    const badP = rt.wasm.first_nonfinite(this.params.ptr, n);
    if (badP >= 0) {
      rt.wasm.sde_lincomb(this.params.ptr, this.backup.ptr, n, 0, 0, 0, 0, 0, 0);
      throw new NumericalError(`step ${this.step + 1}: the update made ${this.tensorAt(badP)} non-finite (parameters restored)`);
    }
    // warm-up of the decay, min(decay, (1 + k) / (10 + k)) (as TensorFlow's num_updates): the
    // average forgets the initial weights within the first few hundred updates
    if (this.ema) rt.wasm.ema_update(this.ema.ptr, this.params.ptr, n, Math.min(c.emaDecay, (1 + this.step) / (10 + this.step)));
    this.step++;
    return stats;
  }

  /** Counts a step without changing the weights (a skipped non-finite batch). */
  skip(): void {
    this.step++;
  }

  /** Runs `fn` with the EMA weights in place of the trained ones (just `fn` without an EMA). */
  withEma<T>(fn: () => T): T {
    if (!this.ema) return fn();
    const { rt } = this;
    const n = this.space.size;
    rt.wasm.sde_lincomb(this.backup.ptr, this.params.ptr, n, 0, 0, 0, 0, 0, 0);
    rt.wasm.sde_lincomb(this.params.ptr, this.ema.ptr, n, 0, 0, 0, 0, 0, 0);
    try {
      return fn();
    } finally {
      rt.wasm.sde_lincomb(this.params.ptr, this.backup.ptr, n, 0, 0, 0, 0, 0, 0);
    }
  }
}
