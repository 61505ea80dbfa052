// onnxruntime-web peer of bench/infer_peers.mjs: the PyTorch peer's mnist model exported to ONNX by
// bench/peers/onnx_export.py (10 Euler steps unrolled, the Brownian increments and the head noise
// as inputs), run by onnxruntime-web's wasm backend (SIMD; --threads 1 or 2) in Node. One JSON line
// out: the 16-sample latency of one image and the batch-256 (1 sample) throughput. The noise inputs
// are drawn once, before timing (ours draws its normals inside every timed prediction).
//   node bench/peers/ort_sdebnn.mjs --models DIR [--threads 1|2] [--reps 10]
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { median, timeCalls } from "../lib/measure.mjs";

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const DIR = arg("models"), THREADS = Number(arg("threads", 1)), REPS = Number(arg("reps", 10));
ort.env.wasm.numThreads = THREADS;
ort.env.wasm.simd = true;
ort.env.logLevel = "error";

/** Standard normals from a fixed-seed LCG + Box-Muller (bench inputs only). */
function normals(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297;
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())), a = 2 * Math.PI * u();
    out[i] = r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = r * Math.sin(a);
  }
  return out;
}

async function session(S, B) {
  const t0 = performance.now();
  const sess = await ort.InferenceSession.create(join(DIR, `sdebnn_s${S}_b${B}.onnx`), { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const D = sess.inputMetadata?.find?.((m) => m.name === "noise")?.shape?.[2] ?? Number(arg("D", 5982));
  const feeds = {
    x: new ort.Tensor("float32", new Float32Array(B * 784).fill(0.5), [B, 1, 28, 28]),
    noise: new ort.Tensor("float32", normals(10 * S * D, 1), [10, S, D]),
    headW: new ort.Tensor("float32", normals(S * 2352 * 10, 2), [S, 2352, 10]),
    headB: new ort.Tensor("float32", normals(S * 10, 3), [S, 10]),
  };
  return { sess, feeds, createMs: performance.now() - t0 };
}

/** Median wall and CPU ms of s.sess.run (the CPU time counts every thread of the process). */
async function time(s, warm, reps) {
  const t = await timeCalls(async () => {
    const r = await s.sess.run(s.feeds);
    if (!Number.isFinite(r.probs.data[0])) throw new Error("onnxruntime-web returned a non-finite probability");
  }, warm, reps);
  return [median(t.ms), median(t.cpuMs)];
}

const lat = await session(16, 1);
const [latency16Ms, latency16CpuMs] = await time(lat, 2, REPS);
const thr = await session(1, 256);
const [batch256Ms, batch256CpuMs] = await time(thr, 1, Math.max(3, REPS >> 2));
console.log(JSON.stringify({
  impl: `onnxruntime-web ${ort.env.versions?.web ?? ""} (wasm SIMD, ${THREADS} thread${THREADS > 1 ? "s" : ""})`.replace("  ", " "), threads: THREADS,
  infer: { latency16Ms, batch256Ms, batch256PerSec: 256 / (batch256Ms / 1000), latency16CpuMs, batch256CpuMs, sessionCreateMs: [lat.createMs, thr.createMs] },
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
}));
