import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError, MemoryLimitError } from "../runtime/errors.js";
import type { ParamInit, ParamRef, ParamSpace } from "../nn/params.js";
import { BlockTerms, type HiddenDrift, type KlEstimator, type WeightDrift } from "./block_terms.js";
import { StackHiddenDrift } from "./drifts.js";
import { Stack } from "../nn/stack.js";
import { checkGrid } from "./integrate.js";
import type { BrownianPath, BrownianSpan } from "./brownian/path.js";
import { TREE_MAX_DEPTH } from "./brownian/tree.js";
import { ScaledBrownian } from "./brownian/scaled.js";
import type { Solver, SolverName } from "./solvers/solver.js";
import { EulerMaruyama } from "./solvers/euler.js";
import { Sra1 } from "./solvers/sra1.js";
import { ReversibleHeun } from "./solvers/reversible_heun.js";
import type { StepController } from "./controllers/controller.js";
import { ConstantSteps } from "./controllers/constant.js";
import { PiController, type PiOptions } from "./controllers/pi.js";
import { makeAdjoint, type Adjoint } from "./adjoints/index.js";
import { solve, type SolveRun } from "./solve.js";
import { meanFieldBackward } from "../nn/meanfield.js";

export type GradientMethod = "backprop" | "adjoint";

/**
 * Adaptive stepping of a block (`solver: "adaptive"`): step doubling with the PI controller on a
 * virtual Brownian tree. `method` is the one-step method (default reversible_heun with
 * gradient "adjoint", else euler); the first trial step is (t1 - t0) / steps.
 */
export interface AdaptiveStepping {
  method?: SolverName;
  /** Local error tolerances (default 1e-2 each: a training objective, not a reference solution). */
  rtol?: number;
  atol?: number;
  /** Shortest step (default (t1 - t0) / 1000); the tree resolves it: depth = smallest d with (t1 - t0) / 2^d <= dtMin / 4. */
  dtMin?: number;
  dtMax?: number;
  /** Trial steps per solve (accepted + rejected) before a NumericalError (default 1000). */
  maxSteps?: number;
  safety?: number;
}

export interface SdeBnnBlockOptions {
  /** Diffusion of the weight SDE, shared by prior and posterior (0: the ODE limit). */
  sigma: number;
  /** OU prior drift -theta w (default 1); no effect at sigma 0, where the weights stay w_0 (a neural ODE). */
  theta?: number;
  kl?: KlEstimator;
  /** A one-step method on the fixed grid of `steps`, or "adaptive" (see `adaptive`). */
  solver?: SolverName | "adaptive";
  /** Fixed grid: the number of steps. Adaptive: sets the first trial step (t1 - t0) / steps. */
  steps: number;
  /** Settings of `solver: "adaptive"` (ignored otherwise). */
  adaptive?: AdaptiveStepping;
  t0?: number;
  t1?: number;
  /**
   * "backprop" keeps step-boundary states; "adjoint" (reversible Heun only: its exact reverse
   * step over the accepted grid) keeps memory independent of the number of steps.
   */
  gradient?: GradientMethod;
  /**
   * Backprop only: bytes of the arena lent to keep the hidden drift's in-step activations from the
   * forward solve for the backward pass (default 256 MiB; 0 recomputes them). Evaluations that do
   * not fit are recomputed; the gradients are the same bits either way.
   */
  keepActivationsBytes?: number;
  /** Initial value of the learned point estimate w_0 (the mean of q(w_0) when mean-field). */
  w0Init: ParamInit;
  /**
   * "point": w_0 is a learned point estimate. "meanfield": q(w_0) = N(mu, exp(logstd)^2) per weight
   * with prior N(0, w0PriorStd^2); each Monte-Carlo sample draws its own w_0 and the closed-form
   * KL(q(w_0) || p(w_0)) joins the loss.
   */
  w0Mode?: "point" | "meanfield";
  w0PriorStd?: number;
  /** Initial log-std of q(w_0) (default -4, as the reference's mean-field layers). */
  w0LogStdInit?: number;
  /**
   * Per-weight diffusion scale s (D_w positive floats): weight i diffuses with sigma s_i in prior and
   * posterior alike (e.g. initDiffusionScales: each weight's init std). Absent: sigma for all.
   */
  diffusionScale?: Float32Array;
}

/** What forward() leaves for backward(). */
export interface BlockRun {
  /** h(T) of every sample: samples x rows x (features) floats inside `state` (valid until backward). */
  hOut: Ptr;
  /** The path-KL estimate of each sample. */
  klSamples: Float32Array;
  /** Their mean. */
  kl: number;
  readonly terms: BlockTerms;
  readonly solver: Solver;
  /** The solve (its grid, states and step counts). */
  readonly run: SolveRun;
  state: Ptr;
  brownian: BrownianPath;
  /** The augmented initial state (holds each sample's w_0 draw). */
  y0: Ptr;
  /** Made with training = true (a backward pass is possible). */
  training: boolean;
}

/** Function evaluations of a block's solves since construction (for diagnostics). */
export interface BlockEvaluations {
  /** Drift evaluations of forward solves (rejected trials and error estimates included). */
  forward: number;
  /** driftVjp calls (plus reverse-step drift evaluations of the reversible adjoint) of backward passes. */
  backward: number;
  /** Accepted and rejected trial steps of forward solves. */
  accepted: number;
  rejected: number;
}

export function makeSolver(rt: Runtime, name: SolverName, terms: BlockTerms): Solver {
  switch (name) {
    case "euler": return new EulerMaruyama(rt, terms);
    case "sra1": return new Sra1(rt, terms);
    case "reversible_heun": return new ReversibleHeun(rt, terms);
    default: throw new ArgumentError(`unknown solver '${String(name)}': expected euler, sra1 or reversible_heun`);
  }
}

/** f_h as a layer stack (evaluated on `rows` examples), or a factory for any batch size. */
export type HiddenDriftSource = Stack | ((rows: number) => HiddenDrift);

/**
 * One SDE-BNN block: h(0) -> h(T) through the augmented SDE of BlockTerms, with a learned point
 * w_0 in the model's parameter block. One weight path (one Brownian sample) is shared by the
 * whole batch held in h; S Monte-Carlo samples run side by side. The augmented terms and the
 * solver's scratch are built per call from the arena, so any batch size and sample count work
 * and everything is freed with the caller's arena mark.
 */
export class SdeBnnBlock {
  readonly w0: ParamRef;
  /** log-std of q(w_0) in "meanfield" mode, else null. */
  readonly w0LogStd: ParamRef | null;
  /** The Brownian paths the block needs: a fixed grid, or a virtual tree when adaptive. */
  readonly grid: BrownianSpan;
  readonly gradient: GradientMethod;
  readonly weightSize: number;
  readonly evaluations: BlockEvaluations = { forward: 0, backward: 0, accepted: 0, rejected: 0 };
  private readonly solverName: SolverName;
  private readonly adaptive: PiOptions | null;
  private readonly adjoint: Adjoint;
  private readonly makeHidden: (rows: number) => HiddenDrift;
  private priorOnly = false;

  constructor(private readonly rt: Runtime, space: ParamSpace, name: string, hidden: HiddenDriftSource,
              readonly net: WeightDrift | null, private opts: SdeBnnBlockOptions) {
    this.makeHidden = hidden instanceof Stack ? (rows) => new StackHiddenDrift(rt, hidden, rows) : hidden;
    this.weightSize = hidden instanceof Stack ? hidden.paramCount : hidden(1).weightSize;
    this.w0 = space.add(`${name}.w0`, [this.weightSize], opts.w0Init);
    this.w0LogStd = opts.w0Mode === "meanfield"
      ? space.add(`${name}.w0_logstd`, [this.weightSize], { kind: "constant", value: opts.w0LogStdInit ?? -4 })
      : null;
    if (opts.w0Mode === "meanfield" && !((opts.w0PriorStd ?? 0.1) > 0)) {
      throw new ArgumentError(`w0PriorStd must be > 0, got ${opts.w0PriorStd}`);
    }
    const t0 = opts.t0 ?? 0, t1 = opts.t1 ?? 1;
    checkGrid({ t0, t1, steps: opts.steps });
    this.gradient = opts.gradient ?? "backprop";
    if (this.gradient !== "backprop" && this.gradient !== "adjoint") {
      throw new ArgumentError(`gradient must be 'backprop' or 'adjoint', got '${String(this.gradient)}'`);
    }
    this.adjoint = makeAdjoint(this.gradient);
    if (opts.solver === "adaptive") {
      const a = opts.adaptive ?? {};
      this.solverName = a.method ?? (this.gradient === "adjoint" ? "reversible_heun" : "euler");
      const dtMin = a.dtMin ?? (t1 - t0) / 1000;
      this.adaptive = { rtol: a.rtol ?? 1e-2, atol: a.atol ?? 1e-2, dtMin, dtMax: a.dtMax, maxSteps: a.maxSteps ?? 1000,
        safety: a.safety, dt0: (t1 - t0) / opts.steps };
      new PiController(rt, this.adaptive); // validates the settings now
      let depth = 0;
      while (depth < TREE_MAX_DEPTH && (t1 - t0) / 2 ** depth > dtMin / 4) depth++;
      this.grid = { t0, t1, depth };
    } else {
      this.solverName = opts.solver ?? "euler";
      this.adaptive = null;
      this.grid = { t0, t1, steps: opts.steps };
    }
    if (!["euler", "sra1", "reversible_heun"].includes(this.solverName)) {
      throw new ArgumentError(`unknown solver '${String(this.solverName)}': expected euler, sra1, reversible_heun or adaptive`);
    }
    if (this.adjoint.needsReversible && this.solverName !== "reversible_heun") {
      throw new ArgumentError(`gradient 'adjoint' needs solver 'reversible_heun' (its exact reverse step), got '${this.solverName}'`);
    }
    if (net && net.dim !== this.weightSize) throw new ArgumentError(`the weight drift has dim ${net.dim}, expected D_w = ${this.weightSize}`);
    const ds = opts.diffusionScale;
    if (ds && (ds.length !== this.weightSize || !ds.every((v) => v > 0 && Number.isFinite(v)))) {
      throw new ArgumentError(`diffusionScale must hold D_w = ${this.weightSize} positive finite floats, got ${ds.length}`);
    }
  }

  /**
   * Runs `fn` with the posterior's drift correction NN switched off: forward passes inside it
   * follow the PRIOR weight SDE dw = -theta w dt + sigma dB from the same w_0 (the prior
   * predictive of the paper's Fig. 2; the path KL is then 0).
   */
  asPrior<T>(fn: () => T): T {
    const was = this.priorOnly;
    this.priorOnly = true;
    try { return fn(); } finally { this.priorOnly = was; }
  }

  /** The KL estimator of later forward passes (e.g. to compare estimators at the same weights). */
  setKlEstimator(kl: KlEstimator): void {
    this.opts = { ...this.opts, kl };
  }

  /**
   * h(0) of every sample (samples x hidden floats, `rows` examples each) -> h(T). The Brownian
   * source has samples x D_w dimensions: one independent weight path per sample, shared by the batch.
   */
  /** KL(q(w_0) || p(w_0)) in closed form (0 for a point estimate). */
  w0Kl(): number {
    if (!this.w0LogStd) return 0;
    return this.rt.wasm.gaussian_kl(this.w0.ptr, this.w0LogStd.ptr, this.weightSize, this.opts.w0PriorStd ?? 0.1);
  }

  /** Adds klWeight * d KL(q(w_0) || p(w_0)) to the gradients of mu and logstd. */
  w0KlBackward(klWeight: number): void {
    if (!this.w0LogStd) return;
    this.rt.wasm.gaussian_kl_backward(this.w0.ptr, this.w0LogStd.ptr, this.weightSize, this.opts.w0PriorStd ?? 0.1, klWeight,
      this.w0.grad, this.w0LogStd.grad, 1);
  }

  /**
   * h(0) of every sample (samples x hidden floats, `rows` examples each) -> h(T). With a mean-field
   * w_0, `w0Noise` holds samples x D_w standard normals (one w_0 draw per sample).
   */
  /** A fresh step controller for one solve. */
  private controller(): StepController {
    return this.adaptive ? new PiController(this.rt, this.adaptive) : new ConstantSteps(this.opts.steps);
  }

  forward(hIn: Ptr, rows: number, brownian: BrownianPath, samples = 1, training = true, w0Noise: Ptr = 0): BlockRun {
    const { rt } = this;
    const D = this.weightSize;
    const hidden = this.makeHidden(rows);
    const S = samples, H = hidden.hiddenSize;
    if (brownian.dim !== S * D) throw new ArgumentError(`the Brownian source has ${brownian.dim} dimensions, expected samples x D_w = ${S * D}`);
    // a per-weight diffusion scale: the solver integrates additive noise sigma on the path s (x) W
    const ds = this.opts.sigma > 0 ? this.opts.diffusionScale : undefined;
    let invScale2 = 0;
    if (ds) {
      const scale = rt.arena.alloc(S * D * 4);
      for (let s = 0; s < S; s++) new Float32Array(rt.memory.buffer, scale + s * D * 4, D).set(ds);
      invScale2 = rt.arena.f32From(ds.map((v) => 1 / (v * v))).ptr;
      brownian = new ScaledBrownian(rt, brownian, scale);
    }
    const terms = new BlockTerms(rt, hidden, this.priorOnly ? null : this.net, D, {
      sigma: this.opts.sigma, theta: this.opts.theta, kl: this.opts.kl, samples, invScale2,
    });
    const solver = makeSolver(rt, this.solverName, terms);
    const y0 = rt.arena.alloc(terms.dim * 4, true);
    rt.wasm.sde_lincomb(y0, hIn, S * H, 0, 0, 0, 0, 0, 0);
    if (this.w0LogStd) {
      if (!w0Noise) throw new ArgumentError("a mean-field w_0 needs w0Noise: samples x D_w standard normals");
      for (let s = 0; s < S; s++) rt.wasm.bayes_sample(this.w0.ptr, this.w0LogStd.ptr, w0Noise + s * D * 4, terms.wOf(y0, s), D);
    } else {
      for (let s = 0; s < S; s++) rt.wasm.sde_lincomb(terms.wOf(y0, s), this.w0.ptr, D, 0, 0, 0, 0, 0, 0);
    }
    // kept activations pay off on a fixed grid; an adaptive solve's error estimates would fill the region
    if (training && this.adjoint.keepsStates && !this.adaptive) this.lendTapeRegion(hidden, S);
    const run = solve(rt, solver, brownian, y0, {
      t0: this.grid.t0, t1: this.grid.t1, controller: this.controller(), adjoint: training ? this.adjoint : null,
    });
    const ev = this.evaluations;
    ev.forward += run.solverSteps * solver.evaluations.step;
    ev.accepted += run.accepted;
    ev.rejected += run.rejected;
    const { state } = run;
    const klSamples = new Float32Array(rt.memory.buffer, terms.klOf(state), S).slice();
    return { hOut: state, klSamples, kl: terms.klSum(state) / S, terms, solver, run, state, brownian, y0, training };
  }

  /** Lends the hidden drift a region for one forward evaluation per sample and step, if it fits. */
  private lendTapeRegion(hidden: HiddenDrift, samples: number): void {
    if (!hidden.keepTapes || !hidden.tapeBytes) return;
    const budget = this.opts.keepActivationsBytes ?? 256 * 2 ** 20;
    const bytes = Math.min(budget, hidden.tapeBytes * samples * this.opts.steps);
    if (this.grid.steps === undefined || bytes < hidden.tapeBytes) return;
    let region = 0;
    try { region = this.rt.arena.alloc(bytes); } catch (e) { if (!(e instanceof MemoryLimitError)) throw e; }
    if (region) hidden.keepTapes(region, bytes);
  }

  /**
   * Given dL/dh(T) (samples x hidden) and dL/dKL_s (the same for every sample), writes dL/dh(0)
   * into adjHIn and adds dL/dw_0 (summed over samples) to w_0's gradient; hypernetwork gradients
   * accumulate through its vjp.
   */
  backward(run: BlockRun, adjHOut: Ptr, klWeight: number, adjHIn: Ptr): void {
    const { rt } = this;
    const { terms, solver } = run;
    const S = terms.samples, H = terms.H, D = this.weightSize;
    rt.arena.scoped(() => {
      const adjT = rt.arena.alloc(terms.dim * 4, true);
      const adj0 = rt.arena.alloc(terms.dim * 4, true);
      rt.wasm.sde_lincomb(adjT, adjHOut, S * H, 0, 0, 0, 0, 0, 0);
      new Float32Array(rt.memory.buffer, terms.klOf(adjT), S).fill(klWeight);
      if (!run.training) throw new ArgumentError("backward() needs a forward() run made with training = true");
      this.adjoint.backward(run.run, adjT, adj0);
      terms.hidden?.releaseTapes?.();
      this.evaluations.backward += run.run.grid.steps * (solver.evaluations.stepVjp + (this.adjoint.needsReversible ? solver.evaluations.step : 0));
      rt.wasm.sde_lincomb(adjHIn, adj0, S * H, 0, 0, 0, 0, 0, 0);
      if (this.w0LogStd) {
        // w_0 = mu + exp(logstd) eps, one draw per sample
        const scratch = rt.arena.alloc(D * 4);
        for (let s = 0; s < S; s++) meanFieldBackward(rt, this.w0.ptr, terms.wOf(run.y0, s), terms.wOf(adj0, s), this.w0.grad, this.w0LogStd.grad, D, scratch);
      } else {
        for (let s = 0; s < S; s++) rt.wasm.vec_axpy(1, terms.wOf(adj0, s), this.w0.grad, D);
      }
    });
  }
}
