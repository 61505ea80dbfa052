import type { Ptr } from "../runtime/abi.js";
import { ArgumentError } from "../runtime/errors.js";
import { slotOffsets, slotSize, type InitSpec, type Layer, type LayerContext } from "./layer.js";

/** Pointers a forward pass leaves for the backward pass. */
export interface Tape {
  readonly x: Ptr;
  /** The parameter segment the forward pass used. */
  readonly p: Ptr;
  readonly ys: Ptr[];
  readonly caches: Ptr[];
}

export interface FlatSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: InitSpec;
  /** Float offset inside the stack's parameter segment. */
  readonly offset: number;
  readonly size: number;
}

/**
 * A sequence of layers whose parameters form ONE contiguous segment (layer after layer, each
 * layer's slots in its declared order): the SDE weight vector w_t for the hidden drift, or a range
 * of the model's parameter block for the hypernetwork and the head.
 */
export class Stack {
  readonly paramCount: number;
  readonly inSize: number;
  readonly outSize: number;
  private readonly offsets: number[] = [];

  constructor(readonly layers: readonly Layer[]) {
    if (layers.length === 0) throw new ArgumentError("a layer stack needs at least one layer");
    let off = 0;
    layers.forEach((l, i) => {
      if (i > 0 && layers[i - 1]!.outSize !== l.inSize) {
        throw new ArgumentError(`layer ${i} (${l.kind}) expects ${l.inSize} inputs but layer ${i - 1} (${layers[i - 1]!.kind}) gives ${layers[i - 1]!.outSize}`);
      }
      this.offsets.push(off);
      off += slotOffsets(l.params).size;
    });
    this.paramCount = off;
    this.inSize = layers[0]!.inSize;
    this.outSize = layers[layers.length - 1]!.outSize;
  }

  /** Every parameter tensor with its float offset in the segment. */
  slots(): FlatSlot[] {
    const out: FlatSlot[] = [];
    this.layers.forEach((l, i) => {
      const { offsets } = slotOffsets(l.params);
      l.params.forEach((s, j) => out.push({
        name: `${i}.${l.kind}.${s.name}`, shape: s.shape, init: s.init, offset: this.offsets[i]! + offsets[j]!, size: slotSize(s),
      }));
    });
    return out;
  }

  /** Runs the stack; the last layer writes into `out` when given. Buffers come from the arena. */
  forward(ctx: LayerContext, x: Ptr, p: Ptr, out: Ptr = 0): Tape {
    const { rt, rows } = ctx;
    const ys: Ptr[] = [], caches: Ptr[] = [];
    let cur = x;
    this.layers.forEach((l, i) => {
      const last = i === this.layers.length - 1;
      const y = last && out ? out : rt.arena.alloc(rows * l.outSize * 4);
      const cache = l.cachePerRow ? rt.arena.alloc(rows * l.cachePerRow * 4) : 0;
      l.forward(ctx, cur, p + this.offsets[i]! * 4, y, cache);
      ys.push(y);
      caches.push(cache);
      cur = y;
    });
    return { x, p, ys, caches };
  }

  /**
   * Reverse pass over a tape: dx (0: not needed) is overwritten, parameter gradients are ADDED
   * into the segment at dp, returns dL/dt. Consumes the tape's caches.
   */
  backward(ctx: LayerContext, tape: Tape, dy: Ptr, dx: Ptr, dp: Ptr): number {
    const { rt, rows } = ctx;
    let dt = 0;
    let dcur = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i]!;
      const input = i === 0 ? tape.x : tape.ys[i - 1]!;
      const dprev = i === 0 ? dx : rt.arena.alloc(rows * l.inSize * 4);
      dt += l.backward(ctx, input, tape.p + this.offsets[i]! * 4, tape.ys[i]!, tape.caches[i]!, dcur, dprev, dp + this.offsets[i]! * 4);
      dcur = dprev;
    }
    return dt;
  }
}
