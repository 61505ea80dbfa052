// Elementwise throughput of the wasm activation kernels (forward and backward) and Adam, against
// a plain JavaScript loop over Float32Array with Math.* measured in the same run, plus the f32x4
// math library against its own scalar twin. Prints medians (Melem/s) and ratios.
//   node scripts/build.mjs && node bench/nn_ops.mjs [--n 65536] [--samples 31]
import { init } from "../dist/node.js";
import { medianRate } from "./lib/measure.mjs";

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const N = opt("n", 65536);
const SAMPLES = opt("samples", 31);
const TARGET_MS = 15; // each sample runs the op repeatedly for about this long

const rt = await init();
const w = rt.wasm;

function hashInputs(n, seed, scale) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let x = (i + Math.imul(seed, 0x9e3779b9)) >>> 0;
    x ^= x >>> 16; x = Math.imul(x, 0x7feb352d); x ^= x >>> 15; x = Math.imul(x, 0x846ca68b); x ^= x >>> 16;
    out[i] = (((x >>> 8) - 8388608) / 8388608) * scale;
  }
  return out;
}

/** Median Melem/s of fn (which processes N elements per call). */
const measure = (fn) => medianRate(fn, N, { samples: SAMPLES, targetMs: TARGET_MS }) / 1e3;

const xs = hashInputs(N, 1, 6), dys = hashInputs(N, 2, 1);
const x = rt.arena.f32From(xs), dy = rt.arena.f32From(dys), y = rt.arena.f32(N), dx = rt.arena.f32(N);
const jx = Float32Array.from(xs), jdy = Float32Array.from(dys), jy = new Float32Array(N), jdx = new Float32Array(N);

const js = {
  softplus_forward() { for (let i = 0; i < N; i++) { const v = jx[i]; jy[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))); } },
  softplus_backward() { for (let i = 0; i < N; i++) jdx[i] = jdy[i] / (1 + Math.exp(-jx[i])); },
  sigmoid_forward() { for (let i = 0; i < N; i++) jy[i] = 1 / (1 + Math.exp(-jx[i])); },
  sigmoid_backward() { for (let i = 0; i < N; i++) { const s = 1 / (1 + Math.exp(-jx[i])); jdx[i] = jdy[i] * s * (1 - s); } },
  tanh_forward() { for (let i = 0; i < N; i++) jy[i] = Math.tanh(jx[i]); },
  tanh_backward() { for (let i = 0; i < N; i++) { const t = Math.tanh(jx[i]); jdx[i] = jdy[i] * (1 - t * t); } },
};

const rows = [];
for (const k of ["softplus", "sigmoid", "tanh"]) {
  for (const dir of ["forward", "backward"]) {
    const name = `${k}_${dir}`;
    const wasm = dir === "forward" ? () => w[name](x.ptr, y.ptr, N) : () => w[name](x.ptr, dy.ptr, dx.ptr, N);
    rows.push([name, measure(wasm), measure(js[name]), "JS loop + Math.*"]);
  }
}

// swish with a per-unit beta over [N/64 x 64].
{
  const units = 64, R = N / units;
  const beta = rt.arena.f32From(hashInputs(units, 6, 1)), db = rt.arena.f32(units);
  const jb = hashInputs(units, 6, 1), jdb = new Float32Array(units);
  rows.push(["swish_forward", measure(() => w.swish_forward(x.ptr, beta.ptr, y.ptr, R, units)),
    measure(() => { for (let i = 0; i < N; i++) { const v = jx[i]; jy[i] = v / (1 + Math.exp(-jb[i & 63] * v)); } }), "JS loop + Math.*"]);
  rows.push(["swish_backward", measure(() => w.swish_backward(x.ptr, beta.ptr, dy.ptr, dx.ptr, db.ptr, R, units, 0)),
    measure(() => {
      jdb.fill(0);
      for (let i = 0; i < N; i++) {
        const v = jx[i], b = jb[i & 63], s = 1 / (1 + Math.exp(-b * v)), ds = s * (1 - s), g = jdy[i];
        jdx[i] = g * (s + b * v * ds); jdb[i & 63] += g * v * v * ds;
      }
    }), "JS loop + Math.*"]);
}

// Adam over N parameters: wasm kernel vs the same update in a JS loop (f64 arithmetic).
{
  const p = rt.arena.f32From(hashInputs(N, 3, 1)), g = rt.arena.f32From(hashInputs(N, 4, 1)), m = rt.arena.f32(N), v = rt.arena.f32(N);
  const jp = hashInputs(N, 3, 1), jg = hashInputs(N, 4, 1), jm = new Float32Array(N), jv = new Float32Array(N);
  let step = 0, jstep = 0;
  const wasm = () => { step++; w.adam_step(p.ptr, g.ptr, m.ptr, v.ptr, N, 1e-3, 0.9, 0.999, 1e-8, 0, 0, step); };
  const jsAdam = () => {
    jstep++;
    const b1 = 0.9, b2 = 0.999, lr = 1e-3, eps = 1e-8;
    const ss = lr / (1 - b1 ** jstep), ib = 1 / Math.sqrt(1 - b2 ** jstep);
    for (let i = 0; i < N; i++) {
      const gi = jg[i];
      const mi = b1 * jm[i] + (1 - b1) * gi, vi = b2 * jv[i] + (1 - b2) * gi * gi;
      jm[i] = mi; jv[i] = vi;
      jp[i] -= (ss * mi) / (Math.sqrt(vi) * ib + eps);
    }
  };
  rows.push(["adam_step", measure(wasm), measure(jsAdam), "JS loop"]);
  const ema = rt.arena.f32From(p.toArray()), je = Float32Array.from(jp);
  rows.push(["ema_update", measure(() => w.ema_update(ema.ptr, p.ptr, N, 0.999)),
    measure(() => { for (let i = 0; i < N; i++) je[i] = 0.999 * je[i] + 0.001 * jp[i]; }), "JS loop"]);
}

// The math library: f32x4 path against its bit-identical scalar twin.
const pos = rt.arena.f32From(hashInputs(N, 5, 1).map((v) => Math.abs(v) * 100 + 1e-3));
for (const [fn, name, src] of [[0, "exp", x], [1, "log", pos], [2, "log1p", pos], [3, "sigmoid", x], [4, "tanh", x], [5, "softplus", x]]) {
  rows.push([`math ${name}`, measure(() => w.math_map(fn, src.ptr, y.ptr, N, 0)), measure(() => w.math_map(fn, src.ptr, y.ptr, N, 1)), "scalar twin (wasm)"]);
}

console.log(`nn_ops: ${N} f32 elements per call, median of ${SAMPLES} samples (~${TARGET_MS} ms each), Node ${process.version}`);
console.log("| op | sdebnn wasm Melem/s | peer Melem/s | ratio | peer |");
console.log("| --- | ---: | ---: | ---: | --- |");
for (const [name, a, b, peer] of rows) {
  console.log(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(2)}x | ${peer} |`);
}
