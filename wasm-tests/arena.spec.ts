import {
  arena_init, arena_alloc, arena_alloc_zeroed, arena_mark, arena_reset, arena_used, arena_peak, arena_base,
} from "../assembly/memory/arena";

// as-pect's own runtime owns the heap, so the arena gets a private 64 KiB window [base, base + SIZE).
const SIZE: usize = 65536;
let region: usize = 0;

function fresh(): usize {
  if (region == 0) region = heap.alloc(SIZE + 64);
  const base = (region + 63) & ~63;
  arena_init(base, base + SIZE);
  return base;
}

describe("arena", () => {
  test("hands out 64-byte aligned blocks in order", () => {
    const base = fresh();
    expect(arena_base()).toBe(base);
    const a = arena_alloc(1);
    const b = arena_alloc(65);
    const c = arena_alloc(64);
    expect(a).toBe(base);
    expect(b).toBe(base + 64);
    expect(c).toBe(base + 192);
    expect(arena_used()).toBe(256);
  });

  test("mark / reset frees in bulk and keeps the peak", () => {
    fresh();
    arena_alloc(128);
    const m = arena_mark();
    arena_alloc(1024);
    arena_alloc(4096);
    expect(arena_used()).toBe(128 + 1024 + 4096);
    arena_reset(m);
    expect(arena_used()).toBe(128);
    expect(arena_peak()).toBe(128 + 1024 + 4096);
    expect(arena_alloc(8)).toBe(m);
  });

  test("reset ignores marks outside the live range", () => {
    const base = fresh();
    arena_alloc(256);
    arena_reset(base + 4096); // above the top: no effect
    expect(arena_used()).toBe(256);
    arena_reset(base - 64); // below the base: no effect
    expect(arena_used()).toBe(256);
  });

  test("returns 0 instead of trapping when the region is exhausted", () => {
    fresh();
    expect(arena_alloc(SIZE - 64)).not.toBe(0);
    expect(arena_alloc(128)).toBe(0);
    expect(arena_used()).toBe(SIZE - 64); // the failed request changed nothing
    expect(arena_alloc(64)).not.toBe(0);
  });

  test("an address-space overflow is refused", () => {
    fresh();
    expect(arena_alloc(<usize>0xffffffc0)).toBe(0);
  });

  test("zeroed blocks are zero even over reused memory", () => {
    fresh();
    const m = arena_mark();
    const p = arena_alloc(256);
    memory.fill(p, 0xab, 256);
    arena_reset(m);
    const q = arena_alloc_zeroed(256);
    expect(q).toBe(p);
    let nonzero = 0;
    for (let i: usize = 0; i < 256; i++) if (load<u8>(q + i) != 0) nonzero++;
    expect(nonzero).toBe(0);
  });
});
