// Divergence: a loss that stays finite but explodes (lr 10: 2.5e26 at chance accuracy) is as much a
// failed run as a NaN. The guard takes the mean of the first `warmup` training losses as the start
// level and stops the run with a NumericalError when a later loss exceeds `factor` times it
// (train.divergeFactor; 0 disables). The first loss is checked against nothing; loss k (k < warmup)
// against the mean of the losses before it. The start level is part of the run state (stored in the
// checkpoint) so that a resumed run applies the same bound. Comparisons only: no numeric output.
import { CheckpointError, NumericalError } from "../runtime/errors.js";

/** Sum and count of the first losses (at most `warmup`). */
export interface DivergenceState { sum: number; count: number }

export interface DivergenceOptions {
  /** Stop when loss > factor * start level; 0 disables the guard. */
  factor: number;
  /** Number of first losses averaged into the start level (default 10). */
  warmup?: number;
  /** Restored state (from a checkpoint). */
  state?: DivergenceState;
}

export class DivergenceGuard {
  private sum: number;
  private count: number;
  readonly warmup: number;

  constructor(private readonly opts: DivergenceOptions) {
    this.warmup = opts.warmup ?? 10;
    this.sum = opts.state?.sum ?? 0;
    this.count = opts.state?.count ?? 0;
  }

  get state(): DivergenceState { return { sum: this.sum, count: this.count }; }

  /** The mean of the first losses, or null before the first. */
  get startLevel(): number | null { return this.count > 0 ? this.sum / this.count : null; }

  /** After every update that was not skipped. Throws NumericalError naming step, loss and bound. */
  observe(step: number, loss: number): void {
    const start = this.startLevel;
    if (this.opts.factor > 0 && start !== null && start > 0 && loss > this.opts.factor * start) {
      throw new NumericalError(`training diverged at update ${step}: loss ${loss.toPrecision(4)} is above train.divergeFactor ` +
        `${this.opts.factor} x ${start.toPrecision(4)} (the mean of the first ${this.count} losses); lower train.lr ` +
        "(the last checkpoint before this update stays), or raise train.divergeFactor (0 disables the check)");
    }
    if (this.count < this.warmup && Number.isFinite(loss)) { this.sum += loss; this.count++; }
  }
}

/** Parses the checkpoint's "loss_start" metadata (null when absent: an older checkpoint starts over). */
export function parseDivergenceState(text: string | undefined): DivergenceState | null {
  if (text === undefined) return null;
  let v: unknown;
  try { v = JSON.parse(text); } catch { v = null; }
  const o = v as DivergenceState | null;
  if (!o || typeof o.sum !== "number" || !Number.isSafeInteger(o.count) || o.count < 0) {
    throw new CheckpointError(`checkpoint metadata field 'loss_start': expected {"sum": number, "count": integer}, got ${JSON.stringify(text).slice(0, 60)}`);
  }
  return o;
}
