// GFLOP/s of the GEMM and convolution kernels, forward and backward, single-threaded, against
// TensorFlow.js with @tensorflow/tfjs-backend-wasm 4.22 (XNNPACK, SIMD, 1 thread) and a plain JS
// loop, measured in the same run on the same shapes; plus the layout measurement (NCHW per image
// vs NHWC over the batch) behind the choice of NCHW. Prints medians and ratios (ours / peer).
//   node scripts/build.mjs && node bench/kernels.mjs [--samples 15] [--no-tfjs] [--no-js] [--json FILE]
// FLOPs are nominal: 2 M N K for a GEMM; for a convolution 2 B Cout Ho Wo (Cin + 1) k^2 (the time
// channel counted as an input channel, which is how a peer without the trick computes it); a
// backward pass (input and weight gradients) counts twice that.
import { writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { init, ConcatConv2d, ConcatConvTranspose2d } from "../dist/advanced.js";
import { medianRate } from "./lib/measure.mjs";

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const SAMPLES = Number(opt("samples", 15));
const TARGET_MS = 40;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function fill(n, seed) {
  const a = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; a[i] = x / 2 ** 32 - 0.5; }
  return a;
}

/** Median GFLOP/s of fn (flops per call). */
const measure = (fn, flops, samples = SAMPLES) => medianRate(fn, flops, { samples, targetMs: TARGET_MS }) / 1e6;

// ---- ours -------------------------------------------------------------------------------------
const rt = await init();
const w = rt.wasm;

function oursGemm(tA, tB, M, N, K) {
  const A = rt.arena.f32From(fill(M * K, 1)), B = rt.arena.f32From(fill(K * N, 2)), C = rt.arena.f32(M * N);
  return () => w.gemm(tA, tB, M, N, K, 1, A.ptr, tA ? M : K, B.ptr, tB ? K : N, 0, C.ptr, N);
}

/** forward and backward closures of one of our conv layers on a batch. */
function oursConv(layer, batch) {
  const ctx = { rt, t: 0.3, rows: batch };
  const nParams = layer.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  const x = rt.arena.f32From(fill(batch * layer.inSize, 3)), p = rt.arena.f32From(fill(nParams, 4).map((v) => v * 0.2));
  const y = rt.arena.f32(batch * layer.outSize), dy = rt.arena.f32From(fill(batch * layer.outSize, 5));
  const dx = rt.arena.f32(batch * layer.inSize), dp = rt.arena.f32(nParams);
  return {
    fwd: () => layer.forward(ctx, x.ptr, p.ptr, y.ptr),
    bwd: () => layer.backward(ctx, x.ptr, p.ptr, y.ptr, 0, dy.ptr, dx.ptr, dp.ptr),
  };
}

// ---- TensorFlow.js (wasm backend, XNNPACK, SIMD, one thread) ------------------------------------
let tf = null;
if (!args.includes("--no-tfjs")) {
  tf = await import("@tensorflow/tfjs-core");
  const backend = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  backend.setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/");
  backend.setThreadsCount(1);
  await tf.setBackend("wasm");
  await tf.ready();
  if (!tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) throw new Error("tfjs-backend-wasm did not load its SIMD binary");
}
/** Runs f (returning a tensor or tensors), waits for the data, frees everything. */
const tfRun = (f) => () => tf.tidy(() => { const r = f(); (Array.isArray(r) ? r : [r]).forEach((t) => t.dataSync()); });

function tfGemm(tA, tB, M, N, K) {
  const a = tf.tensor(fill(M * K, 1), tA ? [K, M] : [M, K]), b = tf.tensor(fill(K * N, 2), tB ? [N, K] : [K, N]);
  return tfRun(() => tf.matMul(a, b, !!tA, !!tB));
}

/**
 * The same convolution in tfjs (NHWC, the time channel concatenated as an input channel).
 * Backward: input gradient with Conv2DBackpropInput; the weight gradient with
 * Conv3DBackpropFilterV2 over a depth of 1 (tfjs-backend-wasm registers no Conv2DBackpropFilter).
 */
function tfConv(s, batch, transposed) {
  const { inChannels: Ci, outChannels: Co, height: H, width: W, kernel: k, stride } = s;
  const C1 = Ci + 1;
  if (!transposed) {
    const Ho = Math.floor((H + 2 - k) / stride) + 1, Wo = Math.floor((W + 2 - k) / stride) + 1;
    const x = tf.tensor(fill(batch * H * W * C1, 3), [batch, H, W, C1]), f = tf.tensor(fill(k * k * C1 * Co, 4), [k, k, C1, Co]);
    const dy = tf.tensor(fill(batch * Ho * Wo * Co, 5), [batch, Ho, Wo, Co]);
    const x5 = tf.reshape(x, [batch, 1, H, W, C1]), dy5 = tf.reshape(dy, [batch, 1, Ho, Wo, Co]);
    return {
      fwd: tfRun(() => tf.conv2d(x, f, stride, "same")),
      bwd: tfRun(() => [
        tf.conv2dTranspose(dy, f, [batch, H, W, C1], stride, "same"),
        tf.engine().runKernel("Conv3DBackpropFilterV2", { x: x5, dy: dy5 }, { strides: [1, stride, stride], pad: "same", filterShape: [1, k, k, C1, Co] }),
      ]),
    };
  }
  // transposed: [B, H, W, C1] -> [B, sH, sW, Co] (Conv2DBackpropInput of a stride-s conv)
  const Ho = H * stride, Wo = W * stride;
  const x = tf.tensor(fill(batch * H * W * C1, 3), [batch, H, W, C1]), f = tf.tensor(fill(k * k * Co * C1, 4), [k, k, Co, C1]);
  const dy = tf.tensor(fill(batch * Ho * Wo * Co, 5), [batch, Ho, Wo, Co]);
  const x5 = tf.reshape(x, [batch, 1, H, W, C1]), dy5 = tf.reshape(dy, [batch, 1, Ho, Wo, Co]);
  return {
    fwd: tfRun(() => tf.conv2dTranspose(x, f, [batch, Ho, Wo, Co], stride, "same")),
    bwd: tfRun(() => [
      tf.conv2d(dy, f, stride, "same"),
      tf.engine().runKernel("Conv3DBackpropFilterV2", { x: dy5, dy: x5 }, { strides: [1, stride, stride], pad: "same", filterShape: [1, k, k, Co, C1] }),
    ]),
  };
}

// ---- plain JS ----------------------------------------------------------------------------------
function jsGemm(tA, tB, M, N, K) {
  const a = fill(M * K, 1), b = fill(K * N, 2), c = new Float32Array(M * N);
  return () => {
    c.fill(0);
    for (let i = 0; i < M; i++) {
      for (let k = 0; k < K; k++) {
        const av = tA ? a[k * M + i] : a[i * K + k];
        const ci = i * N;
        if (tB) for (let j = 0; j < N; j++) c[ci + j] += av * b[j * K + k];
        else { const bk = k * N; for (let j = 0; j < N; j++) c[ci + j] += av * b[bk + j]; }
      }
    }
  };
}

/** Direct NCHW convolution (time channel included as an input channel): forward, and backward (dx, dW). */
function jsConv(s, batch) {
  const { inChannels: Ci, outChannels: Co, height: H, width: W, kernel: k, stride, padding: p } = s;
  const C1 = Ci + 1, Ho = Math.floor((H + 2 * p - k) / stride) + 1, Wo = Math.floor((W + 2 * p - k) / stride) + 1;
  const x = fill(batch * C1 * H * W, 3), f = fill(Co * C1 * k * k, 4), y = new Float32Array(batch * Co * Ho * Wo);
  const dy = fill(y.length, 5), dx = new Float32Array(x.length), df = new Float32Array(f.length);
  const loop = (body) => {
    for (let n = 0; n < batch; n++) for (let o = 0; o < Co; o++) for (let i = 0; i < C1; i++) for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) {
      const fi = ((o * C1 + i) * k + u) * k + v;
      for (let r = 0; r < Ho; r++) {
        const hy = r * stride - p + u;
        if (hy < 0 || hy >= H) continue;
        for (let c = 0; c < Wo; c++) {
          const wx = c * stride - p + v;
          if (wx >= 0 && wx < W) body(((n * C1 + i) * H + hy) * W + wx, fi, ((n * Co + o) * Ho + r) * Wo + c);
        }
      }
    }
  };
  return {
    fwd: () => { y.fill(0); loop((xi, fi, yi) => { y[yi] += x[xi] * f[fi]; }); },
    bwd: () => { dx.fill(0); df.fill(0); loop((xi, fi, yi) => { dx[xi] += dy[yi] * f[fi]; df[fi] += dy[yi] * x[xi]; }); },
  };
}

// ---- the table ---------------------------------------------------------------------------------
const rows = [];
function row(name, flops, ours, tfFn, jsFn) {
  const o = measure(ours, flops);
  const t = tfFn ? measure(tfFn, flops) : NaN;
  const j = jsFn && !args.includes("--no-js") ? measure(jsFn, flops, 3) : NaN;
  rows.push({ name, ours: o, tfjs: t, js: j });
  console.error(`  ${name}: ${o.toFixed(2)} vs tfjs ${t.toFixed(2)}, js ${j.toFixed(2)} GFLOP/s`);
}

console.error("GEMM ...");
for (const [tA, tB, M, N, K, name] of [
  [0, 0, 256, 256, 256, "GEMM 256^3 NN"], [0, 1, 256, 256, 256, "GEMM 256^3 NT"], [1, 0, 256, 256, 256, "GEMM 256^3 TN"],
  [0, 0, 64, 10, 2352, "head fwd 64x2352 . 2352x10"], [0, 1, 64, 2352, 10, "head dX 64x10 . (2352x10)^T"], [1, 0, 2352, 10, 64, "head dW (64x2352)^T . 64x10"],
]) {
  row(name, 2 * M * N * K, oursGemm(tA, tB, M, N, K), tf && tfGemm(tA, tB, M, N, K), jsGemm(tA, tB, M, N, K));
}

const B = 64;
const convs = [
  { name: "conv 3->16 28x28", s: { inChannels: 3, outChannels: 16, height: 28, width: 28, kernel: 3, stride: 1, padding: 1 } },
  { name: "conv 16->16 s2 28->14", s: { inChannels: 16, outChannels: 16, height: 28, width: 28, kernel: 3, stride: 2, padding: 1 } },
  { name: "convT 16->16 s2 14->28", s: { inChannels: 16, outChannels: 16, height: 14, width: 14, kernel: 3, stride: 2, padding: 1, outputPadding: 1 }, transposed: true },
  { name: "conv 16->3 28x28", s: { inChannels: 16, outChannels: 3, height: 28, width: 28, kernel: 3, stride: 1, padding: 1 } },
];
console.error("convolutions, batch 64 ...");
for (const { name, s, transposed } of convs) {
  const layer = transposed ? new ConcatConvTranspose2d(s) : new ConcatConv2d(s);
  // nominal FLOPs of the equivalent direct convolution (for the transposed one: of its adjoint)
  const big = transposed ? layer.outHeight * layer.outWidth : layer.outHeight * layer.outWidth;
  const flops = transposed
    ? 2 * B * s.outChannels * s.height * s.width * (s.inChannels + 1) * s.kernel * s.kernel
    : 2 * B * s.outChannels * big * (s.inChannels + 1) * s.kernel * s.kernel;
  const mark = rt.arena.mark();
  const ours = oursConv(layer, B);
  const peer = tf ? tfConv(s, B, !!transposed) : null;
  const js = transposed ? null : jsConv(s, B);
  row(`${name} fwd`, flops, ours.fwd, peer?.fwd, js?.fwd);
  row(`${name} bwd (dx, dW)`, 2 * flops, ours.bwd, peer?.bwd, js?.bwd);
  rt.arena.reset(mark);
}

// ---- layout: the same convolution GEMMs arranged for NCHW (per image) and NHWC (whole batch) ----
console.error("layout ...");
const layout = [];
for (const { name, s, transposed } of convs) {
  if (transposed) continue;
  const Ho = Math.floor((s.height + 2 - 3) / s.stride) + 1, P = Ho * Ho, K = (s.inChannels + 1) * 9, Co = s.outChannels;
  const flops = 2 * B * P * K * Co;
  const mark = rt.arena.mark();
  const Wt = rt.arena.f32From(fill(Co * K, 1)), col = rt.arena.f32From(fill(K * P * B, 2)), y = rt.arena.f32(Co * P * B);
  // NCHW: y_n [Co x P] = W [Co x K] col_n [K x P], per image; NHWC: y [B P x Co] = col [B P x K] W^T [K x Co]
  const nchw = measure(() => { for (let n = 0; n < B; n++) w.gemm(0, 0, Co, P, K, 1, Wt.ptr, K, col.ptr + n * K * P * 4, P, 0, y.ptr + n * Co * P * 4, P); }, flops);
  const nhwc = measure(() => w.gemm(0, 1, B * P, Co, K, 1, col.ptr, K, Wt.ptr, K, 0, y.ptr, Co), flops);
  layout.push({ name, nchw, nhwc });
  rt.arena.reset(mark);
}

const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : "-");
const r2 = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : "-");
console.log(`\nsdebnn kernels, single thread, median of ${SAMPLES} samples (GFLOP/s; ratio = ours / peer)\n`);
console.log("| kernel | ours | tfjs-wasm | plain JS | ours/tfjs | ours/JS |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${f2(r.ours)} | ${f2(r.tfjs)} | ${f2(r.js)} | ${r2(r.ours, r.tfjs)} | ${r2(r.ours, r.js)} |`);
console.log("\nLayout: the convolution GEMM as NCHW (per image, [Cout x K][K x HW]) vs NHWC (whole batch, [B HW x K][K x Cout])\n");
console.log("| conv | NCHW GFLOP/s | NHWC GFLOP/s | NCHW/NHWC |");
console.log("|---|---:|---:|---:|");
for (const l of layout) console.log(`| ${l.name} | ${f2(l.nchw)} | ${f2(l.nhwc)} | ${r2(l.nchw, l.nhwc)} |`);
const out = opt("json", join(root, "bench/results/kernels.json"));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ samples: SAMPLES, node: process.version, rows, layout }, null, 2) + "\n");
console.log(`\nwritten ${out}`);
