import type { Ptr, WasmExports } from "./abi.js";
import { ArgumentError, MemoryLimitError } from "./errors.js";

export const PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB; engines may allow less. */
export const MAX_PAGES = 65536;

/**
 * Host side of the wasm bump arena. Blocks are freed in bulk with `mark()` / `reset(mark)`.
 * Every allocation that would pass the memory ceiling throws MemoryLimitError instead of trapping.
 */
export class Arena {
  constructor(private readonly wasm: WasmExports, private readonly memory: WebAssembly.Memory,
              readonly limitBytes: number) {}

  alloc(bytes: number, zeroed = false): Ptr {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new ArgumentError(`arena allocation size must be a non-negative integer, got ${bytes}`);
    }
    // Sizes beyond the address space cannot be passed through a u32 without wrapping.
    if (bytes > this.limitBytes) throw new MemoryLimitError(bytes, this.limitBytes, this.used);
    const ptr = zeroed ? this.wasm.arena_alloc_zeroed(bytes) : this.wasm.arena_alloc(bytes);
    if (ptr === 0) throw new MemoryLimitError(bytes, this.limitBytes, this.used);
    return ptr >>> 0;
  }

  /** A live f32 buffer of `length` elements. */
  f32(length: number, zeroed = true): F32Buffer {
    return new F32Buffer(this.memory, this.alloc(length * 4, zeroed), length);
  }

  /** A live f32 buffer holding a copy of `values` (which may themselves be a view of wasm memory). */
  f32From(values: ArrayLike<number>): F32Buffer {
    // copy first: the allocation may grow memory and detach a view `values` lives in
    const copy = Float32Array.from(values);
    const b = this.f32(copy.length, false);
    b.view.set(copy);
    return b;
  }

  mark(): Ptr { return this.wasm.arena_mark() >>> 0; }
  reset(mark: Ptr): void { this.wasm.arena_reset(mark); }
  get used(): number { return this.wasm.arena_used() >>> 0; }
  get peak(): number { return this.wasm.arena_peak() >>> 0; }
  get memoryBytes(): number { return this.memory.buffer.byteLength; }

  /** Runs `fn` and frees everything it allocated from the arena, even when it throws. */
  scoped<T>(fn: () => T): T {
    const m = this.mark();
    try { return fn(); } finally { this.reset(m); }
  }
}

/**
 * A typed-array window onto wasm memory that stays valid when memory grows: growing detaches
 * the old ArrayBuffer, so the view is re-created whenever the buffer identity changes.
 */
export class F32Buffer {
  private cachedBuffer: ArrayBuffer | null = null;
  private cachedView: Float32Array | null = null;
  constructor(private readonly memory: WebAssembly.Memory, readonly ptr: Ptr, readonly length: number) {}

  get view(): Float32Array {
    const buf = this.memory.buffer as ArrayBuffer;
    if (buf !== this.cachedBuffer || this.cachedView === null) {
      this.cachedBuffer = buf;
      this.cachedView = new Float32Array(buf, this.ptr, this.length);
    }
    return this.cachedView;
  }

  get byteLength(): number { return this.length * 4; }

  /** A copy that no longer depends on wasm memory. */
  toArray(): Float32Array { return this.view.slice(); }
}
