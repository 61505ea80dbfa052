// Mean-field Bayesian dense layer: every weight and bias is N(mu, exp(logstd)^2), sampled by
// reparameterisation w = mu + exp(logstd) * eps with eps ~ N(0, 1) supplied by the caller.
// Shapes as dense: x [rows x in], W [in x out], b [out]. KL against the prior N(0, s^2):
//   KL = sum log(s) - logstd + (exp(2 logstd) + mu^2) / (2 s^2) - 1/2   (closed form, per element)
import { exp_f32, exp_v } from "../math/exp";
import { log_f32 } from "../math/log";
import { dense_forward } from "./dense";
import { gemm } from "../linalg/gemm";
import { P } from "./rows";

/** w = mu + exp(logstd) * eps over n elements (w may alias eps). */
export function bayes_sample(mu: usize, logstd: usize, eps: usize, w: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(P(w, i), f32x4.add(v128.load(P(mu, i)), f32x4.mul(exp_v(v128.load(P(logstd, i))), v128.load(P(eps, i)))));
  }
  for (; i < n; i++) store<f32>(P(w, i), load<f32>(P(mu, i)) + exp_f32(load<f32>(P(logstd, i))) * load<f32>(P(eps, i)));
}

/** Samples Ws [in x out] and bs [out], then y = x Ws + bs. */
export function bayes_dense_forward(x: usize, muW: usize, lsW: usize, epsW: usize, muB: usize, lsB: usize,
                                    epsB: usize, Ws: usize, bs: usize, y: usize,
                                    rows: i32, nin: i32, nout: i32): void {
  bayes_sample(muW, lsW, epsW, Ws, nin * nout);
  bayes_sample(muB, lsB, epsB, bs, nout);
  dense_forward(x, Ws, bs, y, rows, nin, nout);
}

/** Scratch floats of bayes_dense_local_forward over n = samples x rows rows: weight variances, x^2, output variances. */
export function bayes_dense_local_scratch(n: i32, nin: i32, nout: i32): i32 {
  return nin * nout + nout + n * nin + n * nout;
}

/**
 * Local reparameterisation (Kingma, Salimans & Welling 2015) of y = x W + b with independent
 * W_ij ~ N(muW_ij, exp(lsW_ij)^2), b_j ~ N(muB_j, exp(lsB_j)^2): given a row x, each y_j is Gaussian,
 *   y_j = m_j + sqrt(v_j) eps_j,  m = x muW + muB,  v = (x . x) exp(2 lsW) + exp(2 lsB),
 * and the outputs of a row are independent (disjoint weight columns), so `nout` standard normals
 * give each row exactly the distribution of a weight draw. x holds `samples` blocks of `rows`
 * rows; block s uses eps[s x nout], shared by its rows: a row's value does not depend on the
 * other rows (identical rows, identical values), as with one shared weight draw; only the joint
 * law of several rows differs (their correlation). Two GEMMs over all samples x rows in fixed
 * order instead of in x out normals per sample.
 * scratch: bayes_dense_local_scratch(samples * rows, nin, nout) floats.
 */
export function bayes_dense_local_forward(x: usize, muW: usize, lsW: usize, muB: usize, lsB: usize, eps: usize,
                                          y: usize, samples: i32, rows: i32, nin: i32, nout: i32, scratch: usize): void {
  const n = samples * rows, nw = nin * nout, varW = scratch, varB = P(varW, nw), x2 = P(varB, nout), v = P(x2, n * nin);
  exp_twice(lsW, varW, nw);
  exp_twice(lsB, varB, nout);
  const nx = n * nin;
  let i = 0;
  for (; i + 4 <= nx; i += 4) { const a = v128.load(P(x, i)); v128.store(P(x2, i), f32x4.mul(a, a)); }
  for (; i < nx; i++) { const a = load<f32>(P(x, i)); store<f32>(P(x2, i), a * a); }
  dense_forward(x, muW, muB, y, n, nin, nout);
  dense_forward(x2, varW, varB, v, n, nin, nout);
  for (let r = 0; r < n; r++) {
    const yr = P(y, r * nout), vr = P(v, r * nout), e = P(eps, (r / rows) * nout);
    let o = 0;
    for (; o + 4 <= nout; o += 4) {
      v128.store(P(yr, o), f32x4.add(v128.load(P(yr, o)), f32x4.mul(f32x4.sqrt(v128.load(P(vr, o))), v128.load(P(e, o)))));
    }
    for (; o < nout; o++) store<f32>(P(yr, o), load<f32>(P(yr, o)) + sqrt<f32>(load<f32>(P(vr, o))) * load<f32>(P(e, o)));
  }
}

/** out = exp(2 l) elementwise (the variance of N(mu, exp(l)^2); as in gaussian_kl). */
function exp_twice(l: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) { const a = v128.load(P(l, i)); v128.store(P(out, i), exp_v(f32x4.add(a, a))); }
  for (; i < n; i++) { const a = load<f32>(P(l, i)); store<f32>(P(out, i), exp_f32(a + a)); }
}

// g = dL/dw for a sampled w: dmu (+)= g, dlogstd (+)= g * exp(logstd) * eps.
function sample_backward(g: usize, logstd: usize, eps: usize, dmu: usize, dls: usize, n: i32, accumulate: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gv = v128.load(P(g, i));
    let m = gv;
    let s = f32x4.mul(gv, f32x4.mul(exp_v(v128.load(P(logstd, i))), v128.load(P(eps, i))));
    if (accumulate) {
      m = f32x4.add(v128.load(P(dmu, i)), m);
      s = f32x4.add(v128.load(P(dls, i)), s);
    }
    v128.store(P(dmu, i), m);
    v128.store(P(dls, i), s);
  }
  for (; i < n; i++) {
    const gs = load<f32>(P(g, i));
    let m = gs;
    let s = gs * (exp_f32(load<f32>(P(logstd, i))) * load<f32>(P(eps, i)));
    if (accumulate) {
      m = load<f32>(P(dmu, i)) + m;
      s = load<f32>(P(dls, i)) + s;
    }
    store<f32>(P(dmu, i), m);
    store<f32>(P(dls, i), s);
  }
}

/**
 * VJP through the sample and the product. Ws: the sampled weights of the forward pass.
 * scratch: [in x out] (may alias Ws: dx is computed first) and [out] more floats after it for
 * the bias gradient, i.e. in*out + out floats. dx == 0 skips the input gradient.
 * accumulate != 0 adds into dmuW, dlsW, dmuB, dlsB.
 */
export function bayes_dense_backward(x: usize, lsW: usize, epsW: usize, lsB: usize, epsB: usize, Ws: usize,
                                     dy: usize, dx: usize, dmuW: usize, dlsW: usize, dmuB: usize, dlsB: usize,
                                     scratch: usize, rows: i32, nin: i32, nout: i32, accumulate: i32): void {
  if (dx) gemm(0, 1, rows, nin, nout, 1, dy, nout, Ws, nout, 0, dx, nin);
  const n = nin * nout;
  gemm(1, 0, nin, nout, rows, 1, x, nin, dy, nout, 0, scratch, nout);
  sample_backward(scratch, lsW, epsW, dmuW, dlsW, n, accumulate);
  const gb = P(scratch, n);
  memory.fill(gb, 0, <usize>nout << 2);
  for (let r = 0; r < rows; r++) {
    const dr = P(dy, r * nout);
    let o = 0;
    for (; o + 4 <= nout; o += 4) v128.store(P(gb, o), f32x4.add(v128.load(P(gb, o)), v128.load(P(dr, o))));
    for (; o < nout; o++) store<f32>(P(gb, o), load<f32>(P(gb, o)) + load<f32>(P(dr, o)));
  }
  sample_backward(gb, lsB, epsB, dmuB, dlsB, nout, accumulate);
}

/**
 * sum_i KL(N(mu_i, exp(logstd_i)^2) || N(0, prior_std^2)). Per-element terms in f32x4, summed
 * in f64 in index order (deterministic and accurate for large n).
 */
export function gaussian_kl(mu: usize, logstd: usize, n: i32, prior_std: f32): f32 {
  const inv2s2 = <f32>0.5 / (prior_std * prior_std);
  const c = log_f32(prior_std) - <f32>0.5;
  const iv = f32x4.splat(inv2s2), cv = f32x4.splat(c);
  let sum: f64 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const m = v128.load(P(mu, i)), l = v128.load(P(logstd, i));
    const v = exp_v(f32x4.add(l, l));
    const k = f32x4.add(f32x4.sub(cv, l), f32x4.mul(f32x4.add(v, f32x4.mul(m, m)), iv));
    sum += <f64>f32x4.extract_lane(k, 0);
    sum += <f64>f32x4.extract_lane(k, 1);
    sum += <f64>f32x4.extract_lane(k, 2);
    sum += <f64>f32x4.extract_lane(k, 3);
  }
  for (; i < n; i++) {
    const m = load<f32>(P(mu, i)), l = load<f32>(P(logstd, i));
    const v = exp_f32(l + l);
    sum += <f64>((c - l) + (v + m * m) * inv2s2);
  }
  return <f32>sum;
}

/** dmu (+)= scale * mu / s^2, dlogstd (+)= scale * (exp(2 logstd) / s^2 - 1). */
export function gaussian_kl_backward(mu: usize, logstd: usize, n: i32, prior_std: f32, scale: f32,
                                     dmu: usize, dlogstd: usize, accumulate: i32): void {
  const inv = <f32>1 / (prior_std * prior_std);
  const ms = scale * inv;
  const msv = f32x4.splat(ms), iv = f32x4.splat(inv), sv = f32x4.splat(scale), one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const l = v128.load(P(logstd, i));
    let gm = f32x4.mul(msv, v128.load(P(mu, i)));
    let gl = f32x4.mul(sv, f32x4.sub(f32x4.mul(exp_v(f32x4.add(l, l)), iv), one));
    if (accumulate) {
      gm = f32x4.add(v128.load(P(dmu, i)), gm);
      gl = f32x4.add(v128.load(P(dlogstd, i)), gl);
    }
    v128.store(P(dmu, i), gm);
    v128.store(P(dlogstd, i), gl);
  }
  for (; i < n; i++) {
    const l = load<f32>(P(logstd, i));
    let gm = ms * load<f32>(P(mu, i));
    let gl = scale * (exp_f32(l + l) * inv - <f32>1);
    if (accumulate) {
      gm = load<f32>(P(dmu, i)) + gm;
      gl = load<f32>(P(dlogstd, i)) + gl;
    }
    store<f32>(P(dmu, i), gm);
    store<f32>(P(dlogstd, i), gl);
  }
}
