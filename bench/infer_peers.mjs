// Inference peers of the `mnist` model: sdebnn (1 thread; 2 workers for the 16-sample latency)
// against onnxruntime-web (wasm SIMD backend, 1 and 2 threads, in Node) and PyTorch (1 thread),
// all running the same network: onnxruntime-web runs the PyTorch peer's model
// (bench/peers/torch_sdebnn.py), 10 Euler steps unrolled and exported by torch.onnx
// by bench/peers/onnx_export.py into build/onnx/ here, when the files are missing or were exported
// from other sources (SHA-256 of the two Python files). The Brownian increments and head noise are
// inputs, drawn once before timing.
// Measures the 16-sample prediction of one image (latency) and batch 256 x 1 sample (throughput);
// each implementation in its own process, one after another; ratios from this run.
//   node scripts/build.mjs && node bench/infer_peers.mjs [--reps 10]
// Writes bench/results/infer_peers.json and bench/results/infer_peers.md.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const argv = process.argv.slice(2);
const REPS = Number(argv[argv.indexOf("--reps") + 1] ?? 0) || 10;
const PY = "/usr/bin/python3";
const here = (p) => new URL(p, import.meta.url).pathname;
const ONNX_DIR = here("../build/onnx/");
const MODELS = ["sdebnn_s16_b1.onnx", "sdebnn_s1_b256.onnx"];

function run(cmd, args, label) {
  process.stderr.write(`running ${label} ...\n`);
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) return { impl: label, error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split("\n").slice(-6).join("\n") };
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

const havePy = spawnSync(PY, ["-c", "import torch"]).status === 0;
if (!havePy) console.log("PyTorch not installed (apt-get install python3-torch): no ONNX export, no PyTorch peer");
// the models are re-exported when the SHA-256 of the two Python sources differs from the one
// stored beside them (content, not modification times: a checkout or rebase touches files)
const sourceHash = createHash("sha256");
for (const p of [here("./peers/onnx_export.py"), here("./peers/torch_sdebnn.py")]) sourceHash.update(readFileSync(p));
const digest = sourceHash.digest("hex"), stamp = ONNX_DIR + "sources.sha256";
const fresh = MODELS.every((m) => existsSync(ONNX_DIR + m)) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === digest;
let exportMs = 0;
if (havePy && !fresh) {
  process.stderr.write("exporting the ONNX models (torch.onnx, a few minutes) ...\n");
  mkdirSync(ONNX_DIR, { recursive: true });
  const t0 = performance.now();
  const r = spawnSync(PY, [here("./peers/onnx_export.py"), ONNX_DIR], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ONNX export failed:\n${r.stderr}`);
  exportMs = performance.now() - t0;
  writeFileSync(stamp, digest + "\n");
}

const ours = run(process.execPath, [here("./peers/ours_sdebnn.mjs"), "--model", "mnist", "--steps", "0", "--warmup", "0"], "sdebnn");
const ours2 = run(process.execPath, [here("./peers/ours_sdebnn.mjs"), "--model", "mnist", "--steps", "0", "--warmup", "0", "--workers", "2"], "sdebnn (2 workers)");
const results = [ours, ours2];
if (havePy) {
  for (const threads of [1, 2]) {
    results.push(run(process.execPath, [here("./peers/ort_sdebnn.mjs"), "--models", ONNX_DIR, "--threads", String(threads), "--reps", String(REPS)], `onnxruntime-web (${threads} thread${threads > 1 ? "s" : ""})`));
  }
  results.push(run(PY, [here("./peers/torch_sdebnn.py"), "--model", "mnist", "--infer-only"], "pytorch"));
}

const fmt = (x, d = 1) => (x === undefined || x === null || !Number.isFinite(x) ? "-" : x.toFixed(d));
const o = ours.infer, o2 = ours2.infer;
const date = new Date().toISOString();
const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
const lines = [
  `Inference (mnist model, 10 Euler steps), ${date.slice(0, 10)}; ${cpu}, ${availableParallelism()} CPUs, Node ${process.version}. Command: \`node bench/infer_peers.mjs\`.`,
  "Latency: one image, 16 MC samples (sdebnn with 2 workers: samples split over two threads). Throughput: batch 256, 1 sample. Medians.",
  "ours/peer: sdebnn's images/s over the peer's; latency ratio: the peer's 16-sample latency over sdebnn's (1 thread against 1-thread peers, 2 workers against 2 threads).",
  "CPU columns: process CPU time (all threads), the steadier measure on a shared machine; ratios on it for one-thread runs only.", "",
  "| implementation | 16-sample latency ms | batch-256 ms | images/s | ours/peer (images/s) | peer/ours (latency) | latency CPU ms | batch-256 CPU ms | peer/ours (CPU latency) | peer/ours (CPU batch 256) |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const r of results) {
  if (r.error) { lines.push(`| ${r.impl} | failed: ${r.error.replace(/\n/g, " ").replace(/\|/g, "/").slice(0, 300)} | | | | | | | | |`); continue; }
  const two = /2 (workers|threads)/.test(r.impl), mine = r === ours || r === ours2;
  const ratio = r.infer.batch256PerSec && !mine ? fmt(o.batch256PerSec / r.infer.batch256PerSec, 2) : mine && r.infer.batch256PerSec ? "1.00" : "-";
  const lat = mine ? "-" : fmt(r.infer.latency16Ms / (two ? o2.latency16Ms : o.latency16Ms), 2);
  const oneThread = !two && !mine;
  const cpuLat = oneThread ? fmt(r.infer.latency16CpuMs / o.latency16CpuMs, 2) : "-", cpuThr = oneThread && r.infer.batch256CpuMs ? fmt(r.infer.batch256CpuMs / o.batch256CpuMs, 2) : "-";
  lines.push(`| ${r.impl} | ${fmt(r.infer.latency16Ms)} | ${fmt(r.infer.batch256Ms)} | ${fmt(r.infer.batch256PerSec)} | ${ratio} | ${lat} | ${fmt(r.infer.latency16CpuMs)} | ${fmt(r.infer.batch256CpuMs)} | ${cpuLat} | ${cpuThr} |`);
}
if (exportMs) lines.push("", `ONNX export (torch.onnx, both models): ${(exportMs / 1000).toFixed(0)} s`);
const md = lines.join("\n") + "\n";
console.log(md);
mkdirSync(here("./results/"), { recursive: true });
writeFileSync(here("./results/infer_peers.json"), JSON.stringify({ date, node: process.version, cpu, cpus: availableParallelism(), reps: REPS, results }, null, 2) + "\n");
writeFileSync(here("./results/infer_peers.md"), md);
