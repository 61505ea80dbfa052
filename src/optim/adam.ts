// Adam over one flat parameter block (wasm: assembly/optim/adam.ts): params, grads and the two
// moment blocks have the same length; moments start at zero and `step` counts updates from 1.
import type { Runtime } from "../runtime/load.js";
import type { F32Buffer } from "../runtime/memory.js";
import { checkBuffer, checkRange, checkSize } from "../nn/validate.js";

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** 0 by default. */
  weightDecay?: number;
  /** true: decoupled weight decay (AdamW); false: L2 penalty added to the gradient (Adam). */
  decoupled?: boolean;
}

export interface AdamBlocks { params: F32Buffer; grads: F32Buffer; m: F32Buffer; v: F32Buffer }

/** One bias-corrected Adam update of `params` in place (m, v updated too). */
export function adamStep(rt: Runtime, blocks: AdamBlocks, options: AdamOptions, step: number): void {
  const fn = "adamStep";
  const n = checkBuffer(fn, "params", blocks?.params, (blocks?.params as F32Buffer | undefined)?.length ?? -1, "params.length").length;
  checkBuffer(fn, "grads", blocks.grads, n, "params.length");
  checkBuffer(fn, "m", blocks.m, n, "params.length");
  checkBuffer(fn, "v", blocks.v, n, "params.length");
  const lr = checkRange(fn, "lr", options?.lr, 0, Infinity, { lo: true });
  const beta1 = checkRange(fn, "beta1", options.beta1 ?? 0.9, 0, 1, { lo: true });
  const beta2 = checkRange(fn, "beta2", options.beta2 ?? 0.999, 0, 1, { lo: true });
  const eps = checkRange(fn, "eps", options.eps ?? 1e-8, 0, Infinity, { lo: true });
  const wd = checkRange(fn, "weightDecay", options.weightDecay ?? 0, 0, Infinity, { lo: true });
  checkSize(fn, "step", step);
  rt.wasm.adam_step(blocks.params.ptr, blocks.grads.ptr, blocks.m.ptr, blocks.v.ptr, n, lr, beta1, beta2, eps, wd,
    options.decoupled ? 1 : 0, step);
}
