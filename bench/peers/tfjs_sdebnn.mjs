// TensorFlow.js peer of bench/train_step.mjs: the same SDE-BNN training step (forward, backward,
// Adam) as sdebnn's `mnist` and `toy1d` presets, on synthetic inputs, with @tensorflow/tfjs-core +
// tfjs-backend-wasm (non-threaded SIMD binary read from node_modules, no network). One JSON line out.
//   node bench/peers/tfjs_sdebnn.mjs --model mnist|toy1d [--steps 10] [--warmup 3] [--no-infer]
// Layout NHWC (tfjs' native one). The wasm backend has no Conv2DBackpropFilter kernel, so the two
// convolutions are tf.customGrad ops whose filter gradient is the backend's Conv3DBackpropFilterV2
// on a depth-1 volume (same maths); everything else is tfjs' own autodiff through the solver.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { buildSync } from "esbuild";
import { median, timeCalls } from "../lib/measure.mjs";

// tfjs-core's Node entry (a CJS bundle) ships no gradient functions, and its ESM files use
// extensionless imports Node cannot load: bundle core (ESM build) + gradients + the wasm backend
// into one CommonJS file with esbuild, so that there is exactly one copy of tfjs-core.
const require = createRequire(import.meta.url);
const bundle = join(tmpdir(), `sdebnn-bench-tfjs-${process.pid}.cjs`);
buildSync({
  stdin: { resolveDir: dirname(new URL(import.meta.url).pathname), contents: `
    export * from "@tensorflow/tfjs-core";
    import "@tensorflow/tfjs-core/dist/register_all_gradients";
    export { setWasmPaths, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";` },
  bundle: true, platform: "node", format: "cjs", mainFields: ["module", "main"], outfile: bundle, logLevel: "error",
});
const tf = require(bundle);
const { setWasmPaths, setThreadsCount } = tf;
(await import("node:fs")).rmSync(bundle);

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const MODEL = arg("model", "mnist"), STEPS = Number(arg("steps", 10)), WARMUP = Number(arg("warmup", 3));

const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
setWasmPaths({ "tfjs-backend-wasm.wasm": join(dist, "tfjs-backend-wasm.wasm"),
  "tfjs-backend-wasm-simd.wasm": join(dist, "tfjs-backend-wasm-simd.wasm"),
  "tfjs-backend-wasm-threaded-simd.wasm": join(dist, "tfjs-backend-wasm-threaded-simd.wasm") });
tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false); // -> tfjs-backend-wasm-simd.wasm
setThreadsCount(1);
await tf.setBackend("wasm");
await tf.ready();

// ---- parameters: segments of flat vectors, He-normal weights, N(0, 0.01^2) biases ----
const cslSlots = (i, o, scale = 1) => [[[i, o], Math.sqrt(2 / i) * scale], ...[0, 1, 2, 3].map(() => [[o], 0.01 * scale])];
const size = (shape) => shape.reduce((a, b) => a * b, 1);
let seed = 10;
/** null std: swish slope 0.5; std 0: zeros (the hypernetwork's last layer). */
const initFlat = (slots) => tf.concat(slots.map(([shape, std]) => std === null ? tf.fill([size(shape)], 0.5)
  : std === 0 ? tf.zeros([size(shape)]) : tf.randomNormal([size(shape)], 0, std, "float32", seed++)));
/** Segments of v ([..., D]) reshaped to lead + slot shape. */
const split = (v, slots, lead = []) => tf.split(v, slots.map(([s]) => size(s)), -1).map((p, i) => tf.reshape(p, [...lead, ...slots[i][0]]));

const csl = (x, W, b, a, c, d, t) => tf.add(tf.mul(tf.add(tf.matMul(x, W), b), tf.sigmoid(tf.add(tf.mul(a, t), c))), tf.mul(d, t));

// ---- convolutions with a filter gradient the wasm backend can compute ----
function filterGrad(x, dy, fshape, s) {
  const [B, H, W, C] = x.shape, [, Ho, Wo, Co] = dy.shape;
  const g = tf.engine().runKernel("Conv3DBackpropFilterV2", { x: tf.reshape(x, [B, 1, H, W, C]), dy: tf.reshape(dy, [B, 1, Ho, Wo, Co]) },
    { strides: [1, s, s], pad: "valid", filterShape: [1, fshape[0], fshape[1], C, Co] });
  return tf.reshape(g, fshape);
}
const pad1 = (x) => tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
/** 3x3 convolution, padding 1, stride s; filter [3, 3, Cin, Cout]. */
const conv = (s) => tf.customGrad((x, f, save) => {
  const xp = pad1(x);
  save([xp, f]);
  return { value: tf.conv2d(xp, f, s, "valid"),
    gradFunc: (dy, [xp2, f2]) => [tf.slice(tf.conv2dTranspose(dy, f2, xp2.shape, s, "valid"), [0, 1, 1, 0], x.shape), filterGrad(xp2, dy, f2.shape, s)] };
});
/** 3x3 transposed convolution, stride 2, padding 1, output padding 1 (H -> 2H); filter [3, 3, Cout, Cin]. */
const convT2 = tf.customGrad((x, f, save) => {
  save([x, f]);
  const [B, H, W] = x.shape, out = [B, 2 * H, 2 * W, f.shape[2]];
  return { value: tf.conv2dTranspose(x, f, out, 2, 1),
    gradFunc: (dy, [x2, f2]) => [tf.conv2d(dy, f2, 2, 1), filterGrad(pad1(dy), x2, f2.shape, 2)] };
});
const conv1 = conv(1), conv2 = conv(2);

function gaussianKl(mu, ls, prior) {
  const v = tf.exp(tf.mul(ls, 2));
  return tf.sum(tf.sub(tf.add(tf.sub(Math.log(prior), ls), tf.div(tf.add(v, tf.square(mu)), 2 * prior * prior)), 0.5));
}

// ---- mnist preset: pad 1 -> 3 channels, one block of width 16, NN 2-16-2, mean-field Dense(10) ----
function imageModel({ C = 3, H = 28, W = 28, hidden = 16, bot = 2, nnh = 16, K = 10 } = {}) {
  const convSlots = (ci, co, transposed) => [[transposed ? [3, 3, co, ci + 1] : [3, 3, ci + 1, co], Math.sqrt(2 / ((ci + 1) * 9))], [[co], 0.01]];
  const fSlots = [...convSlots(C, hidden), ...convSlots(hidden, hidden), ...convSlots(hidden, hidden, true), ...convSlots(hidden, C)];
  const D = fSlots.reduce((a, [s]) => a + size(s), 0);
  const nnSlots = [...cslSlots(D, bot), ...cslSlots(bot, nnh), ...cslSlots(nnh, bot), ...cslSlots(bot, D, 0)];
  const Fdim = C * H * W, bound = 1 / Math.sqrt(Fdim);
  const v = {
    w0: tf.variable(initFlat(fSlots)), phi: tf.variable(initFlat(nnSlots)),
    muW: tf.variable(tf.randomUniform([Fdim, K], -bound, bound, "float32", 3)), muB: tf.variable(tf.randomUniform([K], -bound, bound, "float32", 4)),
    lsW: tf.variable(tf.fill([Fdim, K], -4)), lsB: tf.variable(tf.fill([K], -4)),
  };
  const withT = (x, t) => tf.concat([tf.fill([...x.shape.slice(0, 3), 1], t), x], 3); // time channel first
  function fh(h, t, w) {
    const [W1, b1, W2, b2, W3, b3, W4, b4] = split(w, fSlots);
    let x = tf.softplus(tf.add(conv1(withT(h, t), W1), b1));
    x = tf.softplus(tf.add(conv2(withT(x, t), W2), b2));
    x = tf.softplus(tf.add(convT2(withT(x, t), W3), b3));
    return tf.add(conv1(withT(x, t), W4), b4);
  }
  function nn(w, t, L) {
    let x = tf.softplus(csl(w, ...L.slice(0, 5), t));
    x = tf.softplus(csl(x, ...L.slice(5, 10), t));
    x = tf.softplus(csl(x, ...L.slice(10, 15), t));
    return csl(x, ...L.slice(15, 20), t);
  }
  /** x [B, H, W, 1] -> logits [S, B, K], mean path KL. */
  function forward(x, S, steps = 10, sigma = 0.2) {
    const B = x.shape[0], dt = 1 / steps, L = split(v.phi, nnSlots);
    const h0 = tf.pad(x, [[0, 0], [0, 0], [0, 0], [0, C - x.shape[3]]]);
    let hs = Array.from({ length: S }, () => h0), w = tf.tile(tf.reshape(v.w0, [1, D]), [S, 1]), kl = tf.zeros([S]);
    for (let k = 0; k < steps; k++) {
      const t = k * dt, u = nn(w, t, L), ws = S === 1 ? [tf.reshape(w, [D])] : tf.split(w, S, 0).map((r) => tf.reshape(r, [D])); // a 1-way split has no gradient in tfjs
      kl = tf.add(kl, tf.mul(tf.sum(tf.square(u), 1), (dt * 0.5) / (sigma * sigma)));
      hs = hs.map((h, s) => tf.add(h, tf.mul(fh(h, t, ws[s]), dt)));
      w = tf.add(tf.add(w, tf.mul(tf.sub(u, w), dt)), tf.randomNormal([S, D], 0, sigma * Math.sqrt(dt)));
    }
    const feat = tf.reshape(tf.stack(hs), [S, B, Fdim]);
    const Wh = tf.add(v.muW, tf.mul(tf.exp(v.lsW), tf.randomNormal([S, Fdim, K])));
    const bh = tf.add(v.muB, tf.mul(tf.exp(v.lsB), tf.randomNormal([S, 1, K])));
    return { logits: tf.add(tf.matMul(feat, Wh), bh), kl: tf.mean(kl) };
  }
  function loss(x, y1hot, N, klCoef = 1e-3) {
    const { logits, kl } = forward(x, 1);
    const nll = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(tf.reshape(logits, [x.shape[0], K])), y1hot), 1)));
    return tf.add(nll, tf.mul(tf.add(tf.add(kl, gaussianKl(v.muW, v.lsW, 0.1)), gaussianKl(v.muB, v.lsB, 0.1)), klCoef / N));
  }
  return { v, D, forward, loss };
}

// ---- toy1d preset: x -> [x, 0, 0], f_h CSL(64) swish CSL(64) swish CSL(3); NN CSL(64) swish CSL(64) swish CSL(D, zero) ----
function toyModel({ dim = 3, hidden = 64, nnh = 64 } = {}) {
  const sw = (n) => [[[n], null]];
  const fSlots = [...cslSlots(dim, hidden), ...sw(hidden), ...cslSlots(hidden, hidden), ...sw(hidden), ...cslSlots(hidden, dim)];
  const D = fSlots.reduce((a, [s]) => a + size(s), 0);
  const nnSlots = [...cslSlots(D, nnh, 0.1), ...sw(nnh), ...cslSlots(nnh, nnh, 0.1), ...sw(nnh), ...cslSlots(nnh, D, 0)];
  const v = { w0: tf.variable(initFlat(fSlots)), phi: tf.variable(initFlat(nnSlots)) };
  const swish = (x, beta) => tf.mul(x, tf.sigmoid(tf.mul(beta, x)));
  function fh(h, t, w) { // h [S, B, dim], w [S, D]: one weight vector per sample
    const S = w.shape[0], L = split(w, fSlots, [S]);
    const g = (i) => [L[i], ...L.slice(i + 1, i + 5).map((p) => tf.expandDims(p, 1))];
    let x = swish(csl(h, ...g(0), t), tf.expandDims(L[5], 1));
    x = swish(csl(x, ...g(6), t), tf.expandDims(L[11], 1));
    return csl(x, ...g(12), t);
  }
  function nn(w, t, L) {
    let x = swish(csl(w, ...L.slice(0, 5), t), L[5]);
    x = swish(csl(x, ...L.slice(6, 11), t), L[11]);
    return csl(x, ...L.slice(12, 17), t);
  }
  function loss(x, y, S = 10, steps = 19, sigma = 0.2, b = 0.1) {
    const B = x.shape[0], dt = 1 / steps, L = split(v.phi, nnSlots);
    let h = tf.tile(tf.pad(tf.reshape(tf.div(tf.sub(x, 4), 4), [1, B, 1]), [[0, 0], [0, 0], [0, dim - 1]]), [S, 1, 1]);
    let w = tf.tile(tf.reshape(v.w0, [1, D]), [S, 1]), kl = tf.zeros([S]);
    for (let k = 0; k < steps; k++) {
      const t = k * dt, u = nn(w, t, L);
      kl = tf.add(kl, tf.mul(tf.sum(tf.square(u), 1), (dt * 0.5) / (sigma * sigma)));
      h = tf.add(h, tf.mul(fh(h, t, w), dt));
      w = tf.add(tf.add(w, tf.mul(tf.sub(u, w), dt)), tf.randomNormal([S, D], 0, sigma * Math.sqrt(dt)));
    }
    const pred = tf.reshape(tf.slice(h, [0, 0, dim - 1], [S, B, 1]), [S, B]);
    return tf.add(tf.add(tf.div(tf.mean(tf.abs(tf.sub(pred, y))), b), Math.log(2 * b)), tf.mean(kl));
  }
  return { v, D, loss };
}

let model, lossFn, examples;
if (MODEL === "mnist") {
  model = imageModel();
  const B = 64, N = 1152; // N: the training-split size of the synthetic set in the sdebnn run (KL scaling only)
  const x = tf.randomUniform([B, 28, 28, 1], 0, 1, "float32", 1);
  const y = tf.oneHot(tf.randomUniform([B], 0, 10, "int32", 2), 10);
  lossFn = () => model.loss(x, y, N);
  examples = B;
} else {
  model = toyModel();
  const xs = tf.concat([tf.linspace(0, 2, 20), tf.linspace(6, 8, 20)]);
  const y = tf.add(tf.cos(xs), tf.randomNormal([40], 0, 0.1, "float32", 5));
  lossFn = () => model.loss(xs, y);
  examples = 40;
}
const vars = Object.values(model.v);
const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
const losses = [];
const step = () => tf.tidy(() => {
  const loss = opt.minimize(lossFn, true, vars);
  losses.push(loss.dataSync()[0]);
});
const { ms, cpuMs } = await timeCalls(step, WARMUP, STEPS);
const out = {
  impl: "tfjs-wasm", version: tf.version_core, backend: tf.getBackend(), model: MODEL,
  params: vars.reduce((a, t) => a + t.size, 0), D: model.D, examplesPerStep: examples, msPerStep: ms, medianMs: median(ms), medianCpuMs: median(cpuMs),
  lossFirst: losses[0], lossLast: losses.at(-1),
};
if (MODEL === "mnist" && !process.argv.includes("--no-infer")) {
  const one = tf.randomUniform([1, 28, 28, 1]), big = tf.randomUniform([256, 28, 28, 1]);
  const predict = (x, S) => tf.tidy(() => tf.mean(tf.softmax(model.forward(x, S).logits), 0).dataSync());
  const lat = await timeCalls(() => predict(one, 16), 2, 10), thr = await timeCalls(() => predict(big, 1), 1, 3);
  out.infer = { latency16Ms: median(lat.ms), batch256Ms: median(thr.ms), batch256PerSec: 256 / (median(thr.ms) / 1000),
    latency16CpuMs: median(lat.cpuMs), batch256CpuMs: median(thr.cpuMs) };
}
out.maxRssBytes = process.resourceUsage().maxRSS * 1024;
out.rssBytes = process.memoryUsage().rss;
console.log(JSON.stringify(out));
