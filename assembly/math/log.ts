// log(x) and log1p(x) in f32, scalar and f32x4 twins with the same bits.
// log: x = m 2^e with m in [sqrt(1/2), sqrt(2)), f = m - 1 exact (Sterbenz), Cephes logf
// polynomial for log(1 + f) - f + f^2/2, e ln2 added in two parts. Subnormal inputs are scaled
// by 2^23 first. Specials: log(+-0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
// log1p: Goldberg's u = 1 + x, log1p(x) = log(u) * (x / (u - 1)) (x itself when u == 1).
// Measured max errors: see test/kernels/math.test.ts and the README table.

const SQRTHF: f32 = 0.707106781186547524;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const MIN_NORMAL: f32 = 1.17549435e-38;
const TWO23: f32 = 8388608.0;
const Q0: f32 = 7.0376836292e-2;
const Q1: f32 = -1.1514610310e-1;
const Q2: f32 = 1.1676998740e-1;
const Q3: f32 = -1.2420140846e-1;
const Q4: f32 = 1.4249322787e-1;
const Q5: f32 = -1.6668057665e-1;
const Q6: f32 = 2.0000714765e-1;
const Q7: f32 = -2.4999993993e-1;
const Q8: f32 = 3.3333331174e-1;

// @ts-ignore: decorator
@inline export function log_f32(x: f32): f32 {
  const sub = x < MIN_NORMAL;
  const xs = select<f32>(x * TWO23, x, sub);
  const bits = reinterpret<i32>(xs);
  const m = reinterpret<f32>((bits & 0x007fffff) | 0x3f000000); // [0.5, 1)
  const lo = m < SQRTHF;
  const e = ((bits >> 23) & 0xff) - 126 - select<i32>(23, 0, sub) - select<i32>(1, 0, lo);
  const f = select<f32>((m + m) - <f32>1, m - <f32>1, lo);
  const fe = <f32>e;
  const z = f * f;
  let p = Q0 * f + Q1;
  p = p * f + Q2;
  p = p * f + Q3;
  p = p * f + Q4;
  p = p * f + Q5;
  p = p * f + Q6;
  p = p * f + Q7;
  p = p * f + Q8;
  let y = (p * f) * z;
  y = y + fe * LN2_LO;
  y = y - <f32>0.5 * z;
  let r = (f + y) + fe * LN2_HI;
  r = select<f32>(x, r, !(x < Infinity));      // +inf and NaN pass through
  r = select<f32>(-Infinity, r, x == 0);
  return select<f32>(NaN, r, x < 0);
}

// @ts-ignore: decorator
@inline export function log_v(x: v128): v128 {
  const sub = f32x4.lt(x, f32x4.splat(MIN_NORMAL));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(TWO23)), x, sub);
  const m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const lo = f32x4.lt(m, f32x4.splat(SQRTHF));
  let e = i32x4.sub(v128.and(i32x4.shr_s(xs, 23), i32x4.splat(0xff)), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(sub, i32x4.splat(23)));
  e = i32x4.sub(e, v128.and(lo, i32x4.splat(1)));
  const one = f32x4.splat(1);
  const f = v128.bitselect(f32x4.sub(f32x4.add(m, m), one), f32x4.sub(m, one), lo);
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  let p = f32x4.add(f32x4.mul(f32x4.splat(Q0), f), f32x4.splat(Q1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(Q2));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(Q3));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(Q4));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(Q5));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(Q6));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(Q7));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(Q8));
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(f32x4.splat(0.5), z));
  let r = f32x4.add(f32x4.add(f, y), f32x4.mul(fe, f32x4.splat(LN2_HI)));
  r = v128.bitselect(r, x, f32x4.lt(x, f32x4.splat(Infinity)));
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  return v128.bitselect(f32x4.splat(NaN), r, f32x4.lt(x, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline export function log1p_f32(x: f32): f32 {
  const u = x + <f32>1;
  const d = u - <f32>1;
  let r = log_f32(u) * (x / d);
  r = select<f32>(x, r, d == 0 || u == Infinity);
  return r;
}

// @ts-ignore: decorator
@inline export function log1p_v(x: v128): v128 {
  const one = f32x4.splat(1);
  const u = f32x4.add(x, one);
  const d = f32x4.sub(u, one);
  const r = f32x4.mul(log_v(u), f32x4.div(x, d));
  const keep = v128.or(f32x4.eq(d, f32x4.splat(0)), f32x4.eq(u, f32x4.splat(Infinity)));
  return v128.bitselect(x, r, keep);
}
