// Mean-field Bayesian dense layer (wasm: assembly/nn/bayes_dense.ts). Each weight and bias is
// N(mu, exp(logstd)^2); one reparameterised sample w = mu + exp(logstd) eps per forward pass with
// eps ~ N(0, 1) supplied by the caller; closed-form KL against the prior N(0, priorStd^2).
import type { Runtime } from "../runtime/load.js";
import type { F32Buffer } from "../runtime/memory.js";
import { checkBuffer, checkDisjoint, checkFinite, checkRange, checkSize, optionalBuffer } from "./validate.js";
import { checkDenseShape, type DenseShape } from "./dense.js";

/** Initial log standard deviation of every weight (SPEC section 2). */
export const BAYES_INIT_LOGSTD = -4;

/** w = mu + exp(logstd) * eps elementwise. */
export function bayesSample(rt: Runtime, mu: F32Buffer, logstd: F32Buffer, eps: F32Buffer, w: F32Buffer): void {
  const fn = "bayesSample";
  const n = checkBuffer(fn, "mu", mu, (mu as F32Buffer | null)?.length ?? -1, "mu.length").length;
  checkBuffer(fn, "logstd", logstd, n, "mu.length");
  checkBuffer(fn, "eps", eps, n, "mu.length");
  checkBuffer(fn, "w", w, n, "mu.length");
  rt.wasm.bayes_sample(mu.ptr, logstd.ptr, eps.ptr, w.ptr, n);
}

export interface BayesParams { muW: F32Buffer; logstdW: F32Buffer; muB: F32Buffer; logstdB: F32Buffer }
export interface BayesNoise { epsW: F32Buffer; epsB: F32Buffer }

function checkParams(fn: string, p: Partial<BayesParams & BayesNoise>, inputs: number, outputs: number): void {
  for (const k of ["muW", "logstdW", "epsW"] as const) checkBuffer(fn, k, p[k], inputs * outputs, "inputs*outputs");
  for (const k of ["muB", "logstdB", "epsB"] as const) checkBuffer(fn, k, p[k], outputs, "outputs");
}

export interface BayesForwardBuffers extends BayesParams, BayesNoise {
  x: F32Buffer;
  /** Receive the sampled weights [inputs x outputs] and bias [outputs] (backward needs Ws). */
  Ws: F32Buffer; bs: F32Buffer;
  y: F32Buffer;
}

/** Samples (Ws, bs) and computes y = x Ws + bs. */
export function bayesDenseForward(rt: Runtime, shape: DenseShape, buf: BayesForwardBuffers): void {
  const fn = "bayesDenseForward";
  const { rows, inputs, outputs } = checkDenseShape(fn, shape);
  checkBuffer(fn, "x", buf.x, rows * inputs, "rows*inputs");
  checkParams(fn, buf, inputs, outputs);
  checkBuffer(fn, "Ws", buf.Ws, inputs * outputs, "inputs*outputs");
  checkBuffer(fn, "bs", buf.bs, outputs, "outputs");
  checkBuffer(fn, "y", buf.y, rows * outputs, "rows*outputs");
  checkDisjoint(fn, "y", buf.y, "x", buf.x);
  checkDisjoint(fn, "y", buf.y, "Ws", buf.Ws);
  rt.wasm.bayes_dense_forward(buf.x.ptr, buf.muW.ptr, buf.logstdW.ptr, buf.epsW.ptr, buf.muB.ptr, buf.logstdB.ptr,
    buf.epsB.ptr, buf.Ws.ptr, buf.bs.ptr, buf.y.ptr, rows, inputs, outputs);
}

export interface BayesLocalBuffers extends BayesParams {
  /** samples x rows rows. */
  x: F32Buffer;
  /** samples x outputs standard normals: sample s's are shared by its rows. */
  eps: F32Buffer;
  y: F32Buffer;
}

/**
 * The local reparameterisation of bayesDenseForward (prediction only), for `samples` blocks of
 * shape.rows rows: y[s, r, o] = m + sqrt(v) eps[s, o] with m = x mu_W + mu_b and
 * v = (x . x) exp(2 logstd_W) + exp(2 logstd_b): per row the law of a weight draw (wasm
 * bayes_dense_local_forward).
 */
export function bayesDenseLocalForward(rt: Runtime, shape: DenseShape, buf: BayesLocalBuffers, samples = 1): void {
  const fn = "bayesDenseLocalForward";
  const { rows, inputs, outputs } = checkDenseShape(fn, shape);
  checkSize(fn, "samples", samples);
  const n = samples * rows;
  checkBuffer(fn, "x", buf.x, n * inputs, "samples*rows*inputs");
  for (const k of ["muW", "logstdW"] as const) checkBuffer(fn, k, buf[k], inputs * outputs, "inputs*outputs");
  for (const k of ["muB", "logstdB"] as const) checkBuffer(fn, k, buf[k], outputs, "outputs");
  checkBuffer(fn, "eps", buf.eps, samples * outputs, "samples*outputs");
  checkBuffer(fn, "y", buf.y, n * outputs, "samples*rows*outputs");
  checkDisjoint(fn, "y", buf.y, "x", buf.x);
  rt.arena.scoped(() => {
    const scratch = rt.arena.alloc(rt.wasm.bayes_dense_local_scratch(n, inputs, outputs) * 4);
    rt.wasm.bayes_dense_local_forward(buf.x.ptr, buf.muW.ptr, buf.logstdW.ptr, buf.muB.ptr, buf.logstdB.ptr, buf.eps.ptr,
      buf.y.ptr, samples, rows, inputs, outputs, scratch);
  });
}

export interface BayesBackwardBuffers extends BayesNoise {
  x: F32Buffer; logstdW: F32Buffer; logstdB: F32Buffer;
  /** The sampled weights of the forward pass. */
  Ws: F32Buffer;
  dy: F32Buffer;
  dx?: F32Buffer | null;
  dmuW: F32Buffer; dlogstdW: F32Buffer; dmuB: F32Buffer; dlogstdB: F32Buffer;
  /** inputs*outputs + outputs floats; may start at Ws (the sample is then overwritten). */
  scratch: F32Buffer;
}

/** Gradients w.r.t. mu and logstd (added with `accumulate`, else overwritten) and x (optional). */
export function bayesDenseBackward(rt: Runtime, shape: DenseShape, buf: BayesBackwardBuffers, accumulate = false): void {
  const fn = "bayesDenseBackward";
  const { rows, inputs, outputs } = checkDenseShape(fn, shape);
  const nw = inputs * outputs;
  checkBuffer(fn, "x", buf.x, rows * inputs, "rows*inputs");
  checkBuffer(fn, "logstdW", buf.logstdW, nw, "inputs*outputs");
  checkBuffer(fn, "epsW", buf.epsW, nw, "inputs*outputs");
  checkBuffer(fn, "logstdB", buf.logstdB, outputs, "outputs");
  checkBuffer(fn, "epsB", buf.epsB, outputs, "outputs");
  checkBuffer(fn, "Ws", buf.Ws, nw, "inputs*outputs");
  checkBuffer(fn, "dy", buf.dy, rows * outputs, "rows*outputs");
  const dx = optionalBuffer(fn, "dx", buf.dx, rows * inputs, "rows*inputs");
  checkBuffer(fn, "dmuW", buf.dmuW, nw, "inputs*outputs");
  checkBuffer(fn, "dlogstdW", buf.dlogstdW, nw, "inputs*outputs");
  checkBuffer(fn, "dmuB", buf.dmuB, outputs, "outputs");
  checkBuffer(fn, "dlogstdB", buf.dlogstdB, outputs, "outputs");
  checkBuffer(fn, "scratch", buf.scratch, nw + outputs, "inputs*outputs + outputs");
  checkDisjoint(fn, "scratch", buf.scratch, "x", buf.x);
  checkDisjoint(fn, "scratch", buf.scratch, "dy", buf.dy);
  if (buf.dx) { checkDisjoint(fn, "dx", buf.dx, "Ws", buf.Ws); checkDisjoint(fn, "dx", buf.dx, "dy", buf.dy); }
  rt.wasm.bayes_dense_backward(buf.x.ptr, buf.logstdW.ptr, buf.epsW.ptr, buf.logstdB.ptr, buf.epsB.ptr, buf.Ws.ptr,
    buf.dy.ptr, dx, buf.dmuW.ptr, buf.dlogstdW.ptr, buf.dmuB.ptr, buf.dlogstdB.ptr, buf.scratch.ptr,
    rows, inputs, outputs, accumulate ? 1 : 0);
}

/** sum KL(N(mu, exp(logstd)^2) || N(0, priorStd^2)) over the elements (closed form). */
export function gaussianKl(rt: Runtime, mu: F32Buffer, logstd: F32Buffer, priorStd: number): number {
  const fn = "gaussianKl";
  const n = checkBuffer(fn, "mu", mu, (mu as F32Buffer | null)?.length ?? -1, "mu.length").length;
  checkBuffer(fn, "logstd", logstd, n, "mu.length");
  checkRange(fn, "priorStd", priorStd, 0, Infinity);
  return rt.wasm.gaussian_kl(mu.ptr, logstd.ptr, n, priorStd);
}

/** dmu = scale * dKL/dmu, dlogstd = scale * dKL/dlogstd (added with `accumulate`). */
export function gaussianKlBackward(rt: Runtime, mu: F32Buffer, logstd: F32Buffer, priorStd: number, scale: number,
                                   dmu: F32Buffer, dlogstd: F32Buffer, accumulate = false): void {
  const fn = "gaussianKlBackward";
  const n = checkBuffer(fn, "mu", mu, (mu as F32Buffer | null)?.length ?? -1, "mu.length").length;
  checkBuffer(fn, "logstd", logstd, n, "mu.length");
  checkRange(fn, "priorStd", priorStd, 0, Infinity);
  checkFinite(fn, "scale", scale);
  checkBuffer(fn, "dmu", dmu, n, "mu.length");
  checkBuffer(fn, "dlogstd", dlogstd, n, "mu.length");
  rt.wasm.gaussian_kl_backward(mu.ptr, logstd.ptr, n, priorStd, scale, dmu.ptr, dlogstd.ptr, accumulate ? 1 : 0);
}
