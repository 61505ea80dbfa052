import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";

/**
 * Reparameterised mean-field weights w = mu + exp(logstd) eps: given g = dL/dw of one draw w,
 * adds dL/dmu = g to dmu and dL/dlogstd = g (w - mu) to dlogstd (d w / d logstd = exp(logstd) eps
 * = w - mu). `scratch` holds n floats.
 */
export function meanFieldBackward(rt: Runtime, mu: Ptr, w: Ptr, g: Ptr, dmu: Ptr, dlogstd: Ptr, n: number, scratch: Ptr): void {
  rt.wasm.vec_axpy(1, g, dmu, n);
  rt.wasm.sde_lincomb(scratch, w, n, -1, mu, 0, 0, 0, 0);
  rt.wasm.sde_muladd(dlogstd, dlogstd, n, 1, g, scratch);
}
