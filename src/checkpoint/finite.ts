// Refusing non-finite numbers where they would otherwise be printed as results: weights read from a
// checkpoint (a run that diverged to NaN/Inf before its checkpoint) and predicted probabilities
// (finite weights that overflow on an input). `eval` and `predict` used to print "entropy 0.0000"
// and exit 0 for NaN weights. Checks only (Number.isFinite), no arithmetic.
import { NumericalError } from "../runtime/errors.js";
import type { Tensor } from "./safetensors.js";

/** Throws NumericalError naming the first floating-point tensor element that is NaN or infinite. */
export function assertFiniteTensors(tensors: Map<string, Tensor>, file: string): void {
  for (const [name, t] of tensors) {
    if (t.dtype !== "F32" && t.dtype !== "F64") continue;
    const d = t.data as Float32Array | Float64Array;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i]!)) {
        throw new NumericalError(`${file}: tensor '${name}' element ${i} is ${d[i]}: the run diverged before this checkpoint was written; ` +
          "use an earlier checkpoint or retrain (lower train.lr)");
      }
    }
  }
}

/** Throws NumericalError naming the first example whose `values` (per-example blocks of `per`) are not finite. */
export function assertFiniteOutputs(values: ArrayLike<number>, per: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new NumericalError(`${what} for example ${Math.floor(i / per)} is ${values[i]} (not finite): the model overflows on this input`);
    }
  }
}
