import type { ActivationName } from "./layers/activation.js";
import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";

/** How a parameter tensor is initialised; random kinds draw from the model's seeded generator. */
export type InitSpec =
  | { kind: "zeros" }
  | { kind: "constant"; value: number }
  /** U(-bound, bound) */
  | { kind: "uniform"; bound: number }
  /** N(0, std^2) */
  | { kind: "normal"; std: number };

/** One parameter tensor of a layer, laid out consecutively inside the layer's parameter segment. */
export interface ParamSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: InitSpec;
}

/** What every layer call sees: the runtime, the SDE time t (for time-conditioned layers), the batch rows. */
export interface LayerContext {
  readonly rt: Runtime;
  readonly t: number;
  readonly rows: number;
}

/**
 * A layer maps [rows x inSize] to [rows x outSize] with parameters at a base pointer (a segment of
 * the model's parameter block, or of the SDE weight state w_t). Forward and backward sit side by
 * side in each implementation; backward consumes the cache its forward wrote.
 */
export interface Layer {
  readonly kind: string;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: readonly ParamSlot[];
  /** Floats kept from forward for backward, per row. */
  readonly cachePerRow: number;
  forward(ctx: LayerContext, x: Ptr, p: Ptr, y: Ptr, cache: Ptr): void;
  /**
   * dx (may be 0: not needed) is overwritten; parameter gradients are ADDED to dp;
   * returns dL/dt. `dy` is not modified.
   */
  backward(ctx: LayerContext, x: Ptr, p: Ptr, y: Ptr, cache: Ptr, dy: Ptr, dx: Ptr, dp: Ptr): number;
  /**
   * Optional fused forward with the parameter-free activation that follows (convolutions): writes
   * this layer's output z and the activation's a = act(z), the same bits as the two forwards.
   * With `derivative` (softplus only), z is overwritten by act'(z) for Activation.backwardFromDerivative.
   */
  forwardActivation?(ctx: LayerContext, x: Ptr, p: Ptr, z: Ptr, a: Ptr, act: ActivationName, derivative?: boolean): void;
}

export function slotSize(slot: ParamSlot): number {
  return slot.shape.reduce((a, b) => a * b, 1);
}

/** Float offsets of each slot inside the layer's segment, and the segment size. */
export function slotOffsets(slots: readonly ParamSlot[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let size = 0;
  for (const s of slots) { offsets.push(size); size += slotSize(s); }
  return { offsets, size };
}
