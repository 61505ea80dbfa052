import type { Ptr } from "../runtime/abi.js";
import type { BrownianPath } from "./brownian/path.js";

/**
 * An SDE  dy = f(t, y) dt + g(t, y) dW  over a flat f32 state of `dim` entries in wasm memory.
 * The Brownian motion has `noiseDim` components and drives the state slice
 * [noiseOffset, noiseOffset + noiseDim) one-to-one (diagonal noise); other entries are noise-free.
 */
export interface SdeTerms {
  readonly dim: number;
  readonly noiseOffset: number;
  readonly noiseDim: number;
  readonly noise: AdditiveNoise | DiagonalNoise;
  /**
   * Entries [0, errorDim) enter an adaptive solve's local error estimate (default: all `dim`).
   * Trailing accumulators that nothing depends on (the in-path KL with its stepTerm, an Ito sum
   * of strong order 1/2) are left out so that they do not dictate the step size.
   */
  readonly errorDim?: number;
  /** out <- f(t, y); `out` never aliases `y`. */
  drift(t: number, y: Ptr, out: Ptr): void;
  /**
   * outY <- v^T df/dy (t, y) (overwrite), and v^T df/dtheta ADDED to the terms' own parameter
   * gradient. Needed only for gradients.
   */
  driftVjp?(t: number, y: Ptr, v: Ptr, outY: Ptr): void;
  /**
   * An extra Ito term of each step that no other component depends on (the STL martingale term of
   * the in-path KL): after the step [t, t + dt] the solver calls it with the state at t (`before`)
   * and adds its contribution to `after`.
   */
  stepTerm?(t: number, dt: number, before: Ptr, dW: Ptr, after: Ptr): void;
  /** Adjoint of stepTerm: ADDS to `adjBefore` the derivative w.r.t. the state at t. */
  stepTermVjp?(t: number, dt: number, before: Ptr, dW: Ptr, adjAfter: Ptr, adjBefore: Ptr): void;
}

/** g = sigma, constant: Ito and Stratonovich coincide. */
export interface AdditiveNoise {
  readonly kind: "additive";
  readonly sigma: number;
}

/**
 * g(t, y) elementwise on the noise slice; read as Ito by Euler-Maruyama, as Stratonovich by
 * reversible Heun. Terms that state their `calculus` are refused by a solver reading the other one.
 */
export interface DiagonalNoise {
  readonly kind: "diagonal";
  readonly calculus?: "ito" | "stratonovich";
  /** out[i] <- g_i(t, y) for i < noiseDim. */
  diffusion(t: number, y: Ptr, out: Ptr): void;
}

/**
 * The Brownian motion driving an SDE: one interface, BrownianPath (./brownian/path.ts).
 * @deprecated use BrownianPath; kept as an alias of it for existing imports.
 */
export type BrownianSource = BrownianPath;
