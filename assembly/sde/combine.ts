// Stage combinations of the SDE solvers, as single SIMD passes over flat state vectors.
// Each solver step is a short sequence of these (see src/sde/solvers/); keeping them as one
// generic kernel keeps every solver's arithmetic in wasm with a fixed evaluation order:
// out[i] = y[i] + c1*x1[i] + c2*x2[i] + c3*x3[i], terms added left to right; a null pointer
// (0) drops its term, a null `y` starts from zero. `out` may alias `y`.

@inline function term(acc: v128, c: v128, p: usize, o: usize): v128 {
  return f32x4.add(acc, f32x4.mul(c, v128.load(p + o)));
}

export function sde_lincomb(out: usize, y: usize, n: i32,
                            c1: f32, x1: usize, c2: f32, x2: usize, c3: f32, x3: usize): void {
  const v1 = f32x4.splat(c1), v2 = f32x4.splat(c2), v3 = f32x4.splat(c3);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let acc = y ? v128.load(y + o) : f32x4.splat(0);
    if (x1) acc = term(acc, v1, x1, o);
    if (x2) acc = term(acc, v2, x2, o);
    if (x3) acc = term(acc, v3, x3, o);
    v128.store(out + o, acc);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let acc: f32 = y ? load<f32>(y + o) : 0;
    if (x1) acc += c1 * load<f32>(x1 + o);
    if (x2) acc += c2 * load<f32>(x2 + o);
    if (x3) acc += c3 * load<f32>(x3 + o);
    store<f32>(out + o, acc);
  }
}

/** out[i] = y[i] + c * a[i] * b[i] (null `y`: from zero): diagonal noise terms g(y) * dW. */
export function sde_muladd(out: usize, y: usize, n: i32, c: f32, a: usize, b: usize): void {
  const vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const base = y ? v128.load(y + o) : f32x4.splat(0);
    v128.store(out + o, f32x4.add(base, f32x4.mul(vc, f32x4.mul(v128.load(a + o), v128.load(b + o)))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const base: f32 = y ? load<f32>(y + o) : 0;
    store<f32>(out + o, base + c * (load<f32>(a + o) * load<f32>(b + o)));
  }
}

/**
 * Weighted RMS of an error estimate for step-size control (Hairer's norm):
 * sqrt(mean_i (e_i / (atol + rtol * max(|y0_i|, |y1_i|)))^2), accumulated in f64 in index order.
 */
export function sde_error_norm(err: usize, y0: usize, y1: usize, n: i32, rtol: f64, atol: f64): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const sc = atol + rtol * Math.max(Math.abs(<f64>load<f32>(y0 + o)), Math.abs(<f64>load<f32>(y1 + o)));
    const r = <f64>load<f32>(err + o) / sc;
    s += r * r;
  }
  return n > 0 ? Math.sqrt(s / <f64>n) : 0;
}
