// Exponential moving average of a flat parameter block (wasm: assembly/optim/ema.ts).
import type { Runtime } from "../runtime/load.js";
import type { F32Buffer } from "../runtime/memory.js";
import { checkBuffer, checkDisjoint, checkRange } from "../nn/validate.js";

/** ema = decay * ema + (1 - decay) * params, in place. */
export function emaUpdate(rt: Runtime, ema: F32Buffer, params: F32Buffer, decay: number): void {
  const fn = "emaUpdate";
  const n = checkBuffer(fn, "params", params, (params as F32Buffer | null)?.length ?? -1, "params.length").length;
  checkBuffer(fn, "ema", ema, n, "params.length");
  checkRange(fn, "decay", decay, 0, 1, { lo: true, hi: true });
  checkDisjoint(fn, "ema", ema, "params", params);
  rt.wasm.ema_update(ema.ptr, params.ptr, n, decay);
}
