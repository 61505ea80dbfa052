import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError, NumericalError } from "../runtime/errors.js";
import type { BrownianSource } from "./terms.js";
import type { Solver } from "./solvers/solver.js";
import { NoiseReader } from "./integrate.js";

export interface AdaptiveOptions {
  t0: number;
  t1: number;
  /** Relative and absolute tolerances of the local error (torchsde defaults 1e-5, 1e-4). */
  rtol?: number;
  atol?: number;
  /** First trial step (default (t1 - t0) / 64). */
  dt0?: number;
  /** Steps are never shorter than this (accepted regardless of the error); default 1e-5. */
  dtMin?: number;
  dtMax?: number;
  /** Accepted + rejected steps allowed before a NumericalError (default 100000). */
  maxSteps?: number;
  safety?: number;
}

export interface AdaptiveResult {
  /** Carried state at t1. */
  state: Ptr;
  accepted: number;
  rejected: number;
  /** Accepted step boundaries, t0 first, t1 last. */
  times: number[];
}

/**
 * Adaptive time stepping by step doubling: each trial step is taken once with dt and twice with
 * dt/2 over the SAME Brownian path (the source answers any interval, so a rejected step and its
 * retry see identical noise); the difference estimates the local error of the half-step result,
 * which is accepted when its weighted RMS norm (sde_error_norm, rtol/atol) is <= 1.
 * PI controller (sde_pi_factor, in wasm for bit-identical step sequences in every engine) with
 * k = strong order + 1/2, the exponent of the local error.
 */
export function solveAdaptive(rt: Runtime, solver: Solver, bm: BrownianSource, y0: Ptr, opts: AdaptiveOptions): AdaptiveResult {
  const { t0, t1 } = opts;
  const rtol = opts.rtol ?? 1e-5, atol = opts.atol ?? 1e-4;
  const dtMin = opts.dtMin ?? 1e-5, dtMax = opts.dtMax ?? t1 - t0;
  const maxSteps = opts.maxSteps ?? 100000, safety = opts.safety ?? 0.9;
  if (!(t1 > t0)) throw new ArgumentError(`adaptive solve needs t0 < t1, got [${t0}, ${t1}]`);
  if (!(rtol >= 0 && atol > 0)) throw new ArgumentError(`tolerances must be rtol >= 0 and atol > 0, got rtol ${rtol}, atol ${atol}`);
  if (solver.terms.stepTerm) throw new ArgumentError("adaptive stepping does not support per-step KL terms (use the quadratic KL estimator)");
  const noise = solver.terms.noise;
  const order = noise.kind === "additive" ? solver.order.additive : solver.order.diagonal;
  if (!order) throw new ArgumentError(`solver ${solver.name} does not support ${noise.kind} noise`);
  const k = order + 0.5;
  const n = solver.stateSize, dim = solver.terms.dim, wasm = rt.wasm;
  const state = rt.arena.alloc(n * 4);
  const full = rt.arena.alloc(n * 4);
  const half = rt.arena.alloc(n * 4);
  const err = rt.arena.alloc(dim * 4);
  const reader = new NoiseReader(rt, bm, solver.needsLevyArea);
  const copy = (dst: Ptr, src: Ptr) => wasm.sde_lincomb(dst, src, n, 0, 0, 0, 0, 0, 0);
  solver.init(t0, y0, state);

  let t = t0;
  let dt = Math.min(opts.dt0 ?? (t1 - t0) / 64, dtMax);
  let errPrev = 1;
  let accepted = 0, rejected = 0;
  const times = [t0];
  while (t < t1) {
    if (accepted + rejected >= maxSteps) {
      throw new NumericalError(`adaptive solve exceeded maxSteps = ${maxSteps} at t = ${t} (dt = ${dt}); loosen rtol/atol or raise maxSteps`);
    }
    const last = t + dt >= t1 || t1 - (t + dt) < dtMin;
    const h = last ? t1 - t : dt;
    const tm = t + h / 2, tn = last ? t1 : t + h;
    copy(full, state);
    solver.step(t, tn - t, full, reader.read(t, tn));
    copy(half, state);
    solver.step(t, tm - t, half, reader.read(t, tm));
    solver.step(tm, tn - tm, half, reader.read(tm, tn));
    wasm.sde_lincomb(err, half, dim, -1, full, 0, 0, 0, 0);
    const e = wasm.sde_error_norm(err, state, half, dim, rtol, atol);
    if (!Number.isFinite(e)) throw new NumericalError(`adaptive solve: non-finite state at t = ${t} with dt = ${h}`);
    if (e <= 1 || h <= dtMin) {
      copy(state, half);
      t = tn;
      times.push(t);
      accepted++;
      dt = Math.min(dtMax, Math.max(dtMin, h * wasm.sde_pi_factor(e, errPrev, k, safety, 1)));
      errPrev = e;
    } else {
      rejected++;
      dt = Math.max(dtMin, h * wasm.sde_pi_factor(e, errPrev, k, safety, 0));
    }
  }
  return { state, accepted, rejected, times };
}
