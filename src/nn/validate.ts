// Boundary checks shared by the kernel wrappers: every failure is an ArgumentError that names the
// function, the argument, what was expected and what was given.
import { ArgumentError } from "../runtime/errors.js";
import { F32Buffer } from "../runtime/memory.js";

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return `${typeof v} ${String(v)}`;
  return (v as object).constructor?.name ?? "object";
}

/** A positive integer size (>= 1), below 2^31 so it passes through an i32. */
export function checkSize(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 0x7fffffff) {
    throw new ArgumentError(`${fn}: '${name}' must be a positive integer, got ${describe(v)}`);
  }
  return v;
}

/** A finite number. */
export function checkFinite(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new ArgumentError(`${fn}: '${name}' must be a finite number, got ${describe(v)}`);
  }
  return v;
}

/** A number in the open interval (lo, hi) (or closed ends when asked). */
export function checkRange(fn: string, name: string, v: unknown, lo: number, hi: number,
                           closed: { lo?: boolean; hi?: boolean } = {}): number {
  const x = checkFinite(fn, name, v);
  const okLo = closed.lo ? x >= lo : x > lo;
  const okHi = closed.hi ? x <= hi : x < hi;
  if (!okLo || !okHi) {
    throw new ArgumentError(`${fn}: '${name}' must lie in ${closed.lo ? "[" : "("}${lo}, ${hi}${closed.hi ? "]" : ")"}, got ${x}`);
  }
  return x;
}

/** An F32Buffer of exactly `length` elements; `shape` says where the length comes from. */
export function checkBuffer(fn: string, name: string, b: unknown, length: number, shape: string): F32Buffer {
  if (!(b instanceof F32Buffer)) {
    throw new ArgumentError(`${fn}: '${name}' must be an F32Buffer, got ${describe(b)}`);
  }
  if (b.length !== length) {
    throw new ArgumentError(`${fn}: '${name}' must hold ${shape} = ${length} f32 values, got ${b.length}`);
  }
  return b;
}

/** Like checkBuffer, but null/undefined is allowed (returns pointer 0 then). */
export function optionalBuffer(fn: string, name: string, b: unknown, length: number, shape: string): number {
  if (b === null || b === undefined) return 0;
  return checkBuffer(fn, name, b, length, shape).ptr;
}

/** Two buffers must not overlap (a kernel writes one while reading the other). */
export function checkDisjoint(fn: string, nameA: string, a: F32Buffer, nameB: string, b: F32Buffer): void {
  if (a.ptr < b.ptr + b.byteLength && b.ptr < a.ptr + a.byteLength) {
    throw new ArgumentError(`${fn}: '${nameA}' and '${nameB}' must not overlap in wasm memory`);
  }
}
