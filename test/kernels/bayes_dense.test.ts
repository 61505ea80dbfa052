// Mean-field Bayesian dense layer: sample, forward, gradients through the reparameterisation and
// the closed-form Gaussian KL, all against f64 references and central differences.
import { beforeAll, describe, expect, it } from "vitest";
import { freshRuntime } from "../helpers/wasm.js";
import type { Runtime } from "../../src/runtime/load.js";
import { F32Buffer } from "../../src/runtime/memory.js";
import { BAYES_INIT_LOGSTD, bayesDenseBackward, bayesDenseForward, bayesDenseLocalForward, bayesSample, gaussianKl, gaussianKlBackward } from "../../src/nn/bayes_dense.js";
import { ODD_SIZES, buf, expectClose, expectGradClose, f64, finiteDiff, nanBuf, rng, uniform } from "./helpers.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

/** Standard normals by Box-Muller from the seeded uniform generator (test inputs only). */
function normals(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

function forwardRef(x: ArrayLike<number>, muW: ArrayLike<number>, lsW: ArrayLike<number>, eW: ArrayLike<number>,
                    muB: ArrayLike<number>, lsB: ArrayLike<number>, eB: ArrayLike<number>, rows: number, nin: number, nout: number): Float64Array {
  const y = new Float64Array(rows * nout);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < nout; o++) {
      let s = muB[o]! + Math.exp(lsB[o]!) * eB[o]!;
      for (let i = 0; i < nin; i++) {
        const k = i * nout + o;
        s += x[r * nin + i]! * (muW[k]! + Math.exp(lsW[k]!) * eW[k]!);
      }
      y[r * nout + o] = s;
    }
  }
  return y;
}

const klRef = (mu: ArrayLike<number>, ls: ArrayLike<number>, s: number) => {
  let k = 0;
  for (let i = 0; i < mu.length; i++) k += Math.log(s) - ls[i]! + (Math.exp(2 * ls[i]!) + mu[i]! ** 2) / (2 * s * s) - 0.5;
  return k;
};

describe("Bayesian dense layer", () => {
  for (const [k, rows] of ODD_SIZES.entries()) {
    const nin = ODD_SIZES[(k + 1) % 6]!, nout = ODD_SIZES[(k + 4) % 6]!;
    it(`rows=${rows} in=${nin} out=${nout}: sample, forward, d(mu), d(logstd), dx`, () => {
      rt.arena.scoped(() => {
        const shape = { rows, inputs: nin, outputs: nout }, nw = nin * nout;
        const xs = uniform(rows * nin, k + 1), muWs = uniform(nw, k + 2), lsWs = uniform(nw, k + 3, -3, 0.5);
        const eWs = normals(nw, k + 4), muBs = uniform(nout, k + 5), lsBs = uniform(nout, k + 6, -3, 0.5), eBs = normals(nout, k + 7);
        const x = buf(rt, xs), muW = buf(rt, muWs), logstdW = buf(rt, lsWs), epsW = buf(rt, eWs);
        const muB = buf(rt, muBs), logstdB = buf(rt, lsBs), epsB = buf(rt, eBs);
        const Ws = nanBuf(rt, nw), bs = nanBuf(rt, nout), y = nanBuf(rt, rows * nout);
        bayesDenseForward(rt, shape, { x, muW, logstdW, epsW, muB, logstdB, epsB, Ws, bs, y });
        expectClose(Ws.view, Array.from(muWs, (m, i) => m + Math.exp(lsWs[i]!) * eWs[i]!), "sampled W", 1e-6, 1e-2);
        expectClose(y.view, forwardRef(xs, muWs, lsWs, eWs, muBs, lsBs, eBs, rows, nin, nout), "forward", 1e-5, 1e-1);

        const dys = uniform(rows * nout, k + 8);
        const dy = buf(rt, dys), dx = nanBuf(rt, rows * nin);
        const dmuW = nanBuf(rt, nw), dlogstdW = nanBuf(rt, nw), dmuB = nanBuf(rt, nout), dlogstdB = nanBuf(rt, nout);
        const scratch = nanBuf(rt, nw + nout);
        bayesDenseBackward(rt, shape, { x, logstdW, epsW, logstdB, epsB, Ws, dy, dx, dmuW, dlogstdW, dmuB, dlogstdB, scratch });
        const v = { x: f64(xs), muW: f64(muWs), lsW: f64(lsWs), muB: f64(muBs), lsB: f64(lsBs) };
        const loss = () => { const o = forwardRef(v.x, v.muW, v.lsW, eWs, v.muB, v.lsB, eBs, rows, nin, nout); let s = 0; for (let i = 0; i < o.length; i++) s += dys[i]! * o[i]!; return s; };
        expectGradClose(dx.view, finiteDiff(v.x, loss), "dx");
        expectGradClose(dmuW.view, finiteDiff(v.muW, loss), "dmuW");
        expectGradClose(dlogstdW.view, finiteDiff(v.lsW, loss), "dlogstdW");
        expectGradClose(dmuB.view, finiteDiff(v.muB, loss), "dmuB");
        expectGradClose(dlogstdB.view, finiteDiff(v.lsB, loss), "dlogstdB");
      });
    });
  }

  for (const [k, rows] of ODD_SIZES.entries()) {
    const nin = ODD_SIZES[(k + 2) % 6]!, nout = ODD_SIZES[(k + 3) % 6]!, S = 1 + (k % 3);
    it(`samples=${S} rows=${rows} in=${nin} out=${nout}: local reparameterisation against the f64 closed form`, () => {
      rt.arena.scoped(() => {
        const nw = nin * nout, n = S * rows;
        const xs = uniform(n * nin, k + 11), muWs = uniform(nw, k + 12), lsWs = uniform(nw, k + 13, -3, 0.5);
        const muBs = uniform(nout, k + 14), lsBs = uniform(nout, k + 15, -3, 0.5), es = normals(S * nout, k + 16);
        const y = nanBuf(rt, n * nout);
        bayesDenseLocalForward(rt, { rows, inputs: nin, outputs: nout }, {
          x: buf(rt, xs), muW: buf(rt, muWs), logstdW: buf(rt, lsWs), muB: buf(rt, muBs), logstdB: buf(rt, lsBs), eps: buf(rt, es), y,
        }, S);
        // y[s, r, o] = m + sqrt(v) eps[s, o] (shared by the rows of sample s): m = x mu + mu_b,
        // v = sum_i x_i^2 exp(2 ls_io) + exp(2 ls_b), in f64
        const want = new Float64Array(n * nout);
        for (let r = 0; r < n; r++) {
          for (let o = 0; o < nout; o++) {
            let m = muBs[o]!, v = Math.exp(2 * lsBs[o]!);
            for (let i = 0; i < nin; i++) { const xi = xs[r * nin + i]!; m += xi * muWs[i * nout + o]!; v += xi * xi * Math.exp(2 * lsWs[i * nout + o]!); }
            want[r * nout + o] = m + Math.sqrt(v) * es[Math.floor(r / rows) * nout + o]!;
          }
        }
        expectClose(y.view, want, "local forward", 1e-5, 1e-1);
      });
    });
  }

  it("local reparameterisation: the same per-row distribution as drawing the weights (4000 draws each, fixed seeds)", () => {
    // y = x W + b for one row; weight draws (bayesDenseForward) against logit draws
    // (bayesDenseLocalForward). Mean: |difference| < 4 standard errors; variance: ratio within
    // 4 standard errors of 1 (sd of a sample-variance ratio ~ sqrt(4 / n) for Gaussians); every
    // output also against the closed-form mean and variance.
    rt.arena.scoped(() => {
      const nin = 9, nout = 4, nw = nin * nout, N = 4000;
      const xs = uniform(nin, 21), muWs = uniform(nw, 22), lsWs = uniform(nw, 23, -2, 0), muBs = uniform(nout, 24), lsBs = uniform(nout, 25, -2, 0);
      const x = buf(rt, xs), muW = buf(rt, muWs), logstdW = buf(rt, lsWs), muB = buf(rt, muBs), logstdB = buf(rt, lsBs);
      const shape = { rows: 1, inputs: nin, outputs: nout };
      const eW = normals(N * nw, 26), eB = normals(N * nout, 27), eL = normals(N * nout, 28);
      const a: number[][] = Array.from({ length: nout }, () => []), b: number[][] = Array.from({ length: nout }, () => []);
      const Ws = rt.arena.f32(nw), bs = rt.arena.f32(nout), y = rt.arena.f32(nout);
      for (let n = 0; n < N; n++) {
        rt.arena.scoped(() => {
          bayesDenseForward(rt, shape, { x, muW, logstdW, epsW: buf(rt, eW.subarray(n * nw, (n + 1) * nw)), muB, logstdB,
            epsB: buf(rt, eB.subarray(n * nout, (n + 1) * nout)), Ws, bs, y });
          y.view.forEach((v, o) => a[o]!.push(v));
          bayesDenseLocalForward(rt, shape, { x, muW, logstdW, muB, logstdB, eps: buf(rt, eL.subarray(n * nout, (n + 1) * nout)), y });
          y.view.forEach((v, o) => b[o]!.push(v));
        });
      }
      const mean = (v: number[]) => v.reduce((s, q) => s + q, 0) / v.length;
      const vari = (v: number[]) => { const m = mean(v); return v.reduce((s, q) => s + (q - m) ** 2, 0) / (v.length - 1); };
      for (let o = 0; o < nout; o++) {
        let m = muBs[o]!, v = Math.exp(2 * lsBs[o]!);
        for (let i = 0; i < nin; i++) { m += xs[i]! * muWs[i * nout + o]!; v += xs[i]! ** 2 * Math.exp(2 * lsWs[i * nout + o]!); }
        for (const [name, d] of [["weight draws", a[o]!], ["logit draws", b[o]!]] as const) {
          expect(Math.abs(mean(d) - m), `${name} mean, output ${o}`).toBeLessThan(4 * Math.sqrt(v / N));
          expect(Math.abs(vari(d) / v - 1), `${name} variance, output ${o}`).toBeLessThan(4 * Math.sqrt(2 / N));
        }
        expect(Math.abs(mean(a[o]!) - mean(b[o]!)), `mean difference, output ${o}`).toBeLessThan(4 * Math.sqrt(2 * v / N));
        expect(Math.abs(vari(a[o]!) / vari(b[o]!) - 1), `variance ratio, output ${o}`).toBeLessThan(4 * Math.sqrt(4 / N));
      }
    });
  });

  it("scratch may start at the sample buffer; accumulate adds into all four gradients", () => {
    rt.arena.scoped(() => {
      const rows = 5, nin = 3, nout = 7, nw = nin * nout, shape = { rows, inputs: nin, outputs: nout };
      const mk = (n: number, s: number) => buf(rt, uniform(n, s, -1, 0));
      const x = mk(rows * nin, 1), muW = mk(nw, 2), logstdW = mk(nw, 3), epsW = buf(rt, normals(nw, 4));
      const muB = mk(nout, 5), logstdB = mk(nout, 6), epsB = buf(rt, normals(nout, 7));
      const sample = rt.arena.f32(nw + nout); // Ws followed by bs, reused as scratch
      const Ws = new F32Buffer(rt.memory, sample.ptr, nw);
      const bs = rt.arena.f32(nout), y = rt.arena.f32(rows * nout), dy = mk(rows * nout, 8);
      bayesDenseForward(rt, shape, { x, muW, logstdW, epsW, muB, logstdB, epsB, Ws, bs, y });
      const WsCopy = buf(rt, Ws.view);
      const g1 = { dmuW: rt.arena.f32(nw), dlogstdW: rt.arena.f32(nw), dmuB: rt.arena.f32(nout), dlogstdB: rt.arena.f32(nout) };
      const dx1 = rt.arena.f32(rows * nin);
      bayesDenseBackward(rt, shape, { x, logstdW, epsW, logstdB, epsB, Ws: WsCopy, dy, dx: dx1, ...g1, scratch: rt.arena.f32(nw + nout) });
      const g2 = { dmuW: rt.arena.f32(nw), dlogstdW: rt.arena.f32(nw), dmuB: rt.arena.f32(nout), dlogstdB: rt.arena.f32(nout) };
      const dx2 = rt.arena.f32(rows * nin);
      bayesDenseBackward(rt, shape, { x, logstdW, epsW, logstdB, epsB, Ws, dy, dx: dx2, ...g2, scratch: sample });
      expect(Array.from(dx2.view)).toEqual(Array.from(dx1.view));
      for (const k of Object.keys(g1) as (keyof typeof g1)[]) expect(Array.from(g2[k].view)).toEqual(Array.from(g1[k].view));
      bayesDenseBackward(rt, shape, { x, logstdW, epsW, logstdB, epsB, Ws: WsCopy, dy, ...g2, scratch: rt.arena.f32(nw + nout) }, true);
      for (const k of Object.keys(g1) as (keyof typeof g1)[]) expectClose(g2[k].view, Array.from(g1[k].view, (v) => 2 * v), `accumulated ${k}`, 1e-6, 1e-3);
    });
  });

  it("bayesSample draws N(mu, exp(logstd)^2): 200k standard normals give the right mean and sd", () => {
    rt.arena.scoped(() => {
      const n = 200_000;
      const mu = buf(rt, new Float32Array(n).fill(0.3)), ls = buf(rt, new Float32Array(n).fill(BAYES_INIT_LOGSTD));
      const eps = buf(rt, normals(n, 99)), w = rt.arena.f32(n);
      bayesSample(rt, mu, ls, eps, w);
      let m = 0, q = 0;
      for (const v of w.view) { m += v; q += v * v; }
      m /= n;
      const sd = Math.sqrt(q / n - m * m);
      // mean: 5 standard errors (sd / sqrt(n)); sd: 2 %, far outside its ~0.2 % sampling error
      expect(Math.abs(m - 0.3)).toBeLessThan((5 * Math.exp(-4)) / Math.sqrt(n));
      expect(Math.abs(sd / Math.exp(-4) - 1)).toBeLessThan(0.02);
    });
  });
});

describe("closed-form Gaussian KL against N(0, s^2)", () => {
  for (const n of [...ODD_SIZES, 10007]) {
    it(`n=${n}: value against f64 and gradients against central differences`, () => {
      rt.arena.scoped(() => {
        const mus = uniform(n, n, -0.5, 0.5), lss = uniform(n, n + 1, -5, 0);
        const mu = buf(rt, mus), ls = buf(rt, lss);
        const s = 0.1;
        const kl = gaussianKl(rt, mu, ls, s);
        expectClose([kl], [klRef(mus, lss, s)], "KL", 2e-6);
        const dmu = nanBuf(rt, n), dls = nanBuf(rt, n);
        const scale = 0.7;
        gaussianKlBackward(rt, mu, ls, s, scale, dmu, dls);
        if (n <= 31) {
          const mv = f64(mus), lv = f64(lss);
          const loss = () => scale * klRef(mv, lv, s);
          expectGradClose(dmu.view, finiteDiff(mv, loss), "dKL/dmu");
          expectGradClose(dls.view, finiteDiff(lv, loss), "dKL/dlogstd");
        } else {
          expectClose(dmu.view, Array.from(mus, (m) => scale * m / (s * s)), "dKL/dmu", 1e-6);
          expectClose(dls.view, Array.from(lss, (l) => scale * (Math.exp(2 * l) / (s * s) - 1)), "dKL/dlogstd", 1e-5, 1e-1);
        }
      });
    });
  }
  it("is zero when q equals the prior and grows with |mu|", () => {
    rt.arena.scoped(() => {
      const ls = buf(rt, new Float32Array(5).fill(Math.log(0.1)));
      expect(Math.abs(gaussianKl(rt, buf(rt, new Float32Array(5)), ls, 0.1))).toBeLessThan(1e-6);
      expect(gaussianKl(rt, buf(rt, new Float32Array(5).fill(0.1)), ls, 0.1)).toBeCloseTo(5 * 0.5, 5);
    });
  });
});
