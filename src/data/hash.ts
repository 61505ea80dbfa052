// Integer hashing shared by the seeded shuffles and the generated data sets.

/** A 32-bit finaliser (lowbias32 with Wellons' improved constants): a bijection on u32. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

