import type { Ptr } from "../runtime/abi.js";
import { ArgumentError } from "../runtime/errors.js";
import { slotOffsets, slotSize, type InitSpec, type Layer, type LayerContext } from "./layer.js";
import { Activation } from "./layers/activation.js";

export interface StackOptions {
  /**
   * Run a convolution and the activation after it as one fused kernel (default true). The tape
   * and the bits are those of the unfused path, kept as the reference (false).
   */
  fuse?: boolean;
}

/** Pointers a forward pass leaves for the backward pass. */
export interface Tape {
  readonly x: Ptr;
  /** The parameter segment the forward pass used. */
  readonly p: Ptr;
  readonly ys: Ptr[];
  readonly caches: Ptr[];
  /** derivatives[i]: ys[i] holds the derivative of activation i + 1 at its input, not the input. */
  readonly derivatives?: readonly boolean[];
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

  private readonly fuse: boolean;

  constructor(readonly layers: readonly Layer[], options: StackOptions = {}) {
    this.fuse = options.fuse ?? true;
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

  /**
   * Runs the stack; the last layer writes into `out` when given. Layer outputs and caches come
   * from `alloc` (default: the arena), scratch always from the arena. With `forBackward`, a fused
   * convolution + softplus keeps softplus' in place of the pre-activation (the tape is then only
   * for backward(): the pre-activation is gone), which saves the backward its exponentials.
   */
  forward(ctx: LayerContext, x: Ptr, p: Ptr, out: Ptr = 0, alloc?: (bytes: number) => Ptr, forBackward = false): Tape {
    const { rt, rows } = ctx;
    const take = alloc ?? ((bytes: number) => rt.arena.alloc(bytes));
    const ys: Ptr[] = [], caches: Ptr[] = [], derivatives: boolean[] = [];
    let cur = x;
    const n = this.layers.length;
    const output = (i: number, size: number) => (i === n - 1 && out ? out : take(rows * size * 4));
    for (let i = 0; i < n; i++) {
      const l = this.layers[i]!, next = this.layers[i + 1];
      if (this.fuse && l.forwardActivation && next instanceof Activation && l.cachePerRow === 0) {
        const z = output(i, l.outSize), a = output(i + 1, next.outSize), keep = forBackward && next.name === "softplus";
        l.forwardActivation(ctx, cur, p + this.offsets[i]! * 4, z, a, next.name, keep);
        ys.push(z, a);
        caches.push(0, 0);
        derivatives[i] = keep;
        cur = a;
        i++;
        continue;
      }
      const y = output(i, l.outSize);
      const cache = l.cachePerRow ? take(rows * l.cachePerRow * 4) : 0;
      l.forward(ctx, cur, p + this.offsets[i]! * 4, y, cache);
      ys.push(y);
      caches.push(cache);
      cur = y;
    }
    return { x, p, ys, caches, derivatives };
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
      if (i > 0 && tape.derivatives?.[i - 1] && l instanceof Activation) l.backwardFromDerivative(ctx, input, dcur, dprev);
      else dt += l.backward(ctx, input, tape.p + this.offsets[i]! * 4, tape.ys[i]!, tape.caches[i]!, dcur, dprev, dp + this.offsets[i]! * 4);
      dcur = dprev;
    }
    return dt;
  }
}
