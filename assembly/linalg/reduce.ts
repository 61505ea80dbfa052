// Reductions and vector updates with a FIXED evaluation order, so results are bit-identical
// in every engine: four f32x4 lanes accumulate elements i = 16q + 4l + j, the lanes are
// combined pairwise ((l0 + l1) + (l2 + l3)), then horizontally, then the scalar tail in order.

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) +
         (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** sum_i x[i] * y[i] */
export function vec_dot(x: usize, y: usize, n: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(x + o, 32), v128.load(y + o, 32)));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(x + o, 48), v128.load(y + o, 48)));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += load<f32>(x + o) * load<f32>(y + o);
  }
  return s;
}

/** sum_i x[i] */
export function vec_sum(x: usize, n: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    a0 = f32x4.add(a0, v128.load(x + o));
    a1 = f32x4.add(a1, v128.load(x + o, 16));
    a2 = f32x4.add(a2, v128.load(x + o, 32));
    a3 = f32x4.add(a3, v128.load(x + o, 48));
  }
  for (; i + 4 <= n; i += 4) a0 = f32x4.add(a0, v128.load(x + (<usize>i << 2)));
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; i < n; i++) s += load<f32>(x + (<usize>i << 2));
  return s;
}

/** y[i] += a * x[i] */
export function vec_axpy(a: f32, x: usize, y: usize, n: i32): void {
  const va = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** x[i] *= a */
export function vec_scale(a: f32, x: usize, n: i32): void {
  const va = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(x + o, f32x4.mul(va, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, a * load<f32>(x + o));
  }
}

/** 1 when the n 32-bit words at a and b are identical bit for bit, else 0 (NaNs compare by bits). */
export function vec_equal_bits(a: usize, b: usize, n: i32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    if (v128.any_true(v128.xor(v128.load(a + o), v128.load(b + o)))) return 0;
  }
  for (; i < n; i++) if (load<u32>(a + (<usize>i << 2)) != load<u32>(b + (<usize>i << 2))) return 0;
  return 1;
}
