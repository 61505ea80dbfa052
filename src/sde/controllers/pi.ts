import { ArgumentError, NumericalError } from "../../runtime/errors.js";
import type { Runtime } from "../../runtime/load.js";
import type { StepController, StepSequence, Trial } from "./controller.js";

export interface PiOptions {
  /** Relative and absolute tolerances of the local error (torchsde's defaults 1e-5, 1e-4). */
  rtol?: number;
  atol?: number;
  /** First trial step (default (t1 - t0) / 64). */
  dt0?: number;
  /** Steps are never shorter than this (accepted whatever their error); default 1e-5. */
  dtMin?: number;
  dtMax?: number;
  /** Trial steps (accepted + rejected) allowed before a NumericalError (default 100000). */
  maxSteps?: number;
  safety?: number;
}

/**
 * PI step-size control (Hairer & Wanner II.4; Soderlind 2002) on the weighted RMS error norm
 * (`sde_error_norm`, rtol / atol): a trial with norm <= 1 (or as short as dtMin) is accepted and
 * the next step is h * safety * e^(-0.7/k) e_prev^(0.4/k) clipped to [0.2, 5]; a rejected one is
 * retried with h * safety * e^(-1/k) clipped to [0.2, 1]. The factor is computed in wasm
 * (`sde_pi_factor`) so that step sequences are bit-identical in every engine. A last step shorter
 * than dtMin is merged into the one before it.
 */
export class PiController implements StepController {
  readonly name = "pi" as const;
  readonly adaptive = true;
  readonly rtol: number;
  readonly atol: number;
  readonly dtMin: number;
  readonly maxSteps: number;
  readonly safety: number;
  constructor(private readonly rt: Runtime, readonly options: PiOptions = {}) {
    this.rtol = options.rtol ?? 1e-5;
    this.atol = options.atol ?? 1e-4;
    this.dtMin = options.dtMin ?? 1e-5;
    this.maxSteps = options.maxSteps ?? 100000;
    this.safety = options.safety ?? 0.9;
    if (!(this.rtol >= 0 && this.atol > 0 && Number.isFinite(this.rtol) && Number.isFinite(this.atol))) {
      throw new ArgumentError(`tolerances must be rtol >= 0 and atol > 0, got rtol ${this.rtol}, atol ${this.atol}`);
    }
    if (!(this.dtMin > 0 && Number.isFinite(this.dtMin))) throw new ArgumentError(`dtMin must be a positive number, got ${this.dtMin}`);
    if (!(Number.isInteger(this.maxSteps) && this.maxSteps >= 1)) throw new ArgumentError(`maxSteps must be a positive integer, got ${this.maxSteps}`);
    if (options.dtMax !== undefined && !(options.dtMax >= this.dtMin)) {
      throw new ArgumentError(`dtMax must be >= dtMin = ${this.dtMin}, got ${options.dtMax}`);
    }
    if (options.dt0 !== undefined && !(options.dt0 > 0)) throw new ArgumentError(`dt0 must be > 0, got ${options.dt0}`);
  }

  begin(t0: number, t1: number, k: number): StepSequence {
    if (!(t1 > t0)) throw new ArgumentError(`adaptive solve needs t0 < t1, got [${t0}, ${t1}]`);
    const { rt, dtMin, maxSteps, safety } = this;
    const dtMax = this.options.dtMax ?? t1 - t0;
    let t = t0, tn = t0, h = 0;
    let dt = Math.min(this.options.dt0 ?? (t1 - t0) / 64, dtMax);
    let errPrev = 1, trials = 0;
    return {
      propose: () => {
        if (trials >= maxSteps) {
          throw new NumericalError(`adaptive solve exceeded maxSteps = ${maxSteps} at t = ${t} (dt = ${dt}); loosen rtol/atol or raise maxSteps`);
        }
        const last = t + dt >= t1 || t1 - (t + dt) < dtMin;
        h = last ? t1 - t : dt;
        tn = last ? t1 : t + h;
        return tn;
      },
      report: (trial: Trial | null) => {
        if (!trial) throw new ArgumentError("the PI controller needs an error estimate of every trial step");
        trials++;
        const e = rt.wasm.sde_error_norm(trial.error, trial.before, trial.after, trial.dim, this.rtol, this.atol);
        if (!Number.isFinite(e)) throw new NumericalError(`adaptive solve: non-finite state at t = ${t} with dt = ${h}`);
        if (e <= 1 || h <= dtMin) {
          t = tn;
          dt = Math.min(dtMax, Math.max(dtMin, h * rt.wasm.sde_pi_factor(e, errPrev, k, safety, 1)));
          errPrev = e;
          return true;
        }
        dt = Math.max(dtMin, h * rt.wasm.sde_pi_factor(e, errPrev, k, safety, 0));
        return false;
      },
    };
  }
}
