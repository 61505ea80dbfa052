// Bump arena over linear memory: every kernel works on pointers handed out here.
// The region is [base, limit); limit == 0 means "grow linear memory on demand".
// Allocation never traps: when memory cannot grow (the engine's or the user's ceiling),
// it returns 0 and the host raises a typed error.

export const ARENA_ALIGN: usize = 64; // one cache line; also satisfies v128 alignment

let arenaBase: usize = 0;
let arenaTop: usize = 0;
let arenaLimit: usize = 0;
let arenaPeak: usize = 0;

@inline function alignUp(x: usize, a: usize): usize {
  return (x + a - 1) & ~(a - 1);
}

/** (Re)initialises the arena over [base, limit); base 0 means "just above the static data". */
export function arena_init(base: usize, limit: usize): void {
  arenaBase = alignUp(base == 0 ? __heap_base : base, ARENA_ALIGN);
  arenaTop = arenaBase;
  arenaPeak = arenaBase;
  arenaLimit = limit;
}

function ensureCapacity(end: usize): bool {
  if (arenaLimit != 0) return end <= arenaLimit;
  const have = (<usize>memory.size()) << 16;
  if (end <= have) return true;
  const pages = <i32>((end - have + 0xffff) >>> 16);
  return memory.grow(pages) >= 0;
}

/** Returns a 64-byte aligned block of `bytes` bytes, or 0 when memory cannot grow. */
export function arena_alloc(bytes: usize): usize {
  if (arenaBase == 0) arena_init(0, 0);
  const ptr = arenaTop;
  const end = alignUp(ptr + bytes, ARENA_ALIGN);
  if (end < ptr || !ensureCapacity(end)) return 0; // end < ptr: address overflow
  arenaTop = end;
  if (end > arenaPeak) arenaPeak = end;
  return ptr;
}

/** Like arena_alloc, but the block is zero-filled. */
export function arena_alloc_zeroed(bytes: usize): usize {
  const ptr = arena_alloc(bytes);
  if (ptr != 0) memory.fill(ptr, 0, bytes);
  return ptr;
}

/** The current top: pass it to arena_reset to free everything allocated after it. */
export function arena_mark(): usize {
  if (arenaBase == 0) arena_init(0, 0);
  return arenaTop;
}

/** Frees every block allocated after `mark` (a value returned by arena_mark). */
export function arena_reset(mark: usize): void {
  if (mark >= arenaBase && mark <= arenaTop) arenaTop = mark;
}

export function arena_base(): usize { return arenaBase; }
export function arena_used(): usize { return arenaTop - arenaBase; }
export function arena_peak(): usize { return arenaPeak - arenaBase; }
