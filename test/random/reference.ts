// Independent f64 / integer references for the RNG tests, written from the published algorithms
// (Philox: Salmon et al. 2011; Box-Muller) and the documented coordinate mapping.

/** hi and lo 32-bit words of a * b for u32 a, b, exact in doubles (16-bit split). */
function mulhilo(a: number, b: number): [number, number] {
  const bl = b & 0xffff, bh = b >>> 16;
  const t = a * bl;                  // < 2^48
  const u = a * bh;                  // < 2^48, to be scaled by 2^16
  const low = (u % 65536) * 65536 + t; // < 2^49
  const hi = Math.floor(u / 65536) + Math.floor(low / 4294967296);
  return [hi >>> 0, low % 4294967296];
}

/** Philox4x32-10 of one counter block. */
export function philoxRef(k0: number, k1: number, c: readonly number[]): [number, number, number, number] {
  let [x0, x1, x2, x3] = c.map((v) => v >>> 0) as [number, number, number, number];
  let ka = k0 >>> 0, kb = k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    if (r > 0) { ka = (ka + 0x9e3779b9) >>> 0; kb = (kb + 0xbb67ae85) >>> 0; }
    const [hi0, lo0] = mulhilo(0xd2511f53, x0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, x2);
    [x0, x1, x2, x3] = [(hi1 ^ x1 ^ ka) >>> 0, lo1, (hi0 ^ x3 ^ kb) >>> 0, lo0];
  }
  return [x0, x1, x2, x3];
}

const F = Math.fround;
const PI_2M31 = F(Math.PI * 2 ** -31);

/**
 * The documented Box-Muller map with the kernel's input quantisation (u and theta rounded to f32
 * exactly as the kernel does) but exact f64 log / sqrt / cos / sin.
 */
export function boxMullerRef(xr: number, xa: number): [number, number] {
  const u = F(F(xr >>> 0) * 2 ** -32 + 2 ** -33);
  const r = Math.sqrt(Math.max(0, -2 * Math.log(u)));
  const q = xa >>> 30;
  const theta = F(F((xa & 0x3fffffff) - 0x20000000) * PI_2M31);
  const phi = q * (Math.PI / 2) + theta;
  return [r * Math.cos(phi), r * Math.sin(phi)];
}

/** Normal of element e at counter (e >> 2, c1, c2, c3), f64 reference. */
export function normalRef(k0: number, k1: number, c1: number, c2: number, c3: number, e: number): number {
  const w = philoxRef(k0, k1, [Math.floor(e / 4), c1, c2, c3]);
  const p = (e & 3) >> 1;
  const [zc, zs] = boxMullerRef(w[2 * p]!, w[2 * p + 1]!);
  return (e & 1) === 0 ? zc : zs;
}

/** Standard normal CDF via erfc (Numerical Recipes erfcc, fractional error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Sample variance (1/(n-1)). */
export function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return s / (x.length - 1);
}

/** Pearson correlation of x[i] and y[i]. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x), my = mean(y);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]! - mx, b = y[i]! - my;
    sxy += a * b; sxx += a * a; syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}
