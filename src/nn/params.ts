import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { F32Buffer } from "../runtime/memory.js";

/** How a parameter tensor starts: a constant, or values supplied by an initializer. */
export type ParamInit =
  | { kind: "constant"; value: number }
  | { kind: "values"; fill(out: Float32Array): void };

export interface ParamEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  /** Offset in floats inside the flat block. */
  readonly offset: number;
  readonly init: ParamInit;
}

/**
 * Every trainable parameter of a model lives in ONE contiguous f32 block; gradients (and the
 * optimizer's moments, EMA) in parallel blocks of the same layout. Components register their
 * tensors here first, then the block is allocated once and each component resolves its pointers.
 */
export class ParamSpace {
  private readonly entries: ParamEntry[] = [];
  private readonly byName = new Map<string, ParamEntry>();
  private total = 0;
  private block: { params: F32Buffer; grads: F32Buffer } | null = null;

  add(name: string, shape: readonly number[], init: ParamInit): ParamRef {
    if (this.block) throw new ArgumentError(`parameter '${name}' added after the parameter block was allocated`);
    if (this.byName.has(name)) throw new ArgumentError(`duplicate parameter name '${name}'`);
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ArgumentError(`parameter '${name}' has an invalid shape [${shape}]`);
    const size = shape.reduce((a, b) => a * b, 1);
    // 4-float alignment keeps every tensor 16-byte aligned for v128 loads
    const offset = Math.ceil(this.total / 4) * 4;
    const entry: ParamEntry = { name, shape: [...shape], size, offset, init };
    this.entries.push(entry);
    this.byName.set(name, entry);
    this.total = offset + size;
    return new ParamRef(this, entry);
  }

  get size(): number { return Math.ceil(this.total / 4) * 4; }
  get list(): readonly ParamEntry[] { return this.entries; }
  get(name: string): ParamEntry | undefined { return this.byName.get(name); }

  /** Allocates the parameter and gradient blocks and writes every initial value. */
  allocate(rt: Runtime): { params: F32Buffer; grads: F32Buffer } {
    if (this.block) return this.block;
    const params = rt.arena.f32(this.size);
    const grads = rt.arena.f32(this.size);
    for (const e of this.entries) {
      // fill a host copy: an initializer may allocate wasm memory, which can detach live views
      const values = new Float32Array(e.size);
      if (e.init.kind === "constant") values.fill(e.init.value);
      else e.init.fill(values);
      params.view.set(values, e.offset);
    }
    this.block = { params, grads };
    return this.block;
  }

  get allocated(): { params: F32Buffer; grads: F32Buffer } {
    if (!this.block) throw new ArgumentError("the parameter block has not been allocated yet");
    return this.block;
  }
}

/** A handle on one parameter tensor: valid pointers once the space is allocated. */
export class ParamRef {
  constructor(private readonly space: ParamSpace, readonly entry: ParamEntry) {}
  get ptr(): Ptr { return this.space.allocated.params.ptr + this.entry.offset * 4; }
  get grad(): Ptr { return this.space.allocated.grads.ptr + this.entry.offset * 4; }
  get size(): number { return this.entry.size; }
  get view(): Float32Array {
    return this.space.allocated.params.view.subarray(this.entry.offset, this.entry.offset + this.entry.size);
  }
  get gradView(): Float32Array {
    return this.space.allocated.grads.view.subarray(this.entry.offset, this.entry.offset + this.entry.size);
  }
}
