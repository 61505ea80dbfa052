// One full training step (forward, backward, Adam) of the `mnist` and `toy1d` presets: sdebnn on
// 1 thread and with 2 workers (shard pool; must give the same loss bits), against a TensorFlow.js
// (wasm SIMD, 1 thread) and a PyTorch (1 thread) re-implementation of the same model, all on
// synthetic inputs. Also inference latency (16 samples of one image) and batch-256 throughput.
// Every implementation runs in its own process (its own peak RSS); they run one after another.
// Besides wall-clock medians, the CPU time of each one-thread process (its wall time on an idle
// machine; much steadier when other jobs share the cores) and the ratios on it.
//   node bench/train_step.mjs [--steps 10] [--no-peers] [--quick] [--peer-timeout 1800]
// Writes bench/results/train_step.json.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick"), PEERS = !argv.includes("--no-peers");
const STEPS = Number(argv[argv.indexOf("--steps") + 1] ?? 0) || (QUICK ? 2 : 10);
const WARMUP = QUICK ? 1 : 3;
const PY = "/usr/bin/python3";
const here = (p) => new URL(p, import.meta.url).pathname;

// a peer that fails or runs past --peer-timeout seconds is recorded and the bench goes on (ours must succeed)
const PEER_TIMEOUT_S = argv.includes("--peer-timeout") ? Number(argv[argv.indexOf("--peer-timeout") + 1]) : 1800;
if (!(PEER_TIMEOUT_S > 0)) throw new Error("--peer-timeout takes a positive number of seconds");
const failures = [];

function run(cmd, args, label) {
  process.stderr.write(`running ${label} ...\n`);
  const r = spawnSync(cmd, [...args, "--steps", String(STEPS), "--warmup", String(WARMUP)], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

function runPeer(cmd, args, label) {
  process.stderr.write(`running ${label} ...\n`);
  const r = spawnSync(cmd, [...args, "--steps", String(STEPS), "--warmup", String(WARMUP)], { encoding: "utf8", maxBuffer: 64 << 20, timeout: PEER_TIMEOUT_S * 1000 });
  if (r.status === 0) return [JSON.parse(r.stdout.trim().split("\n").at(-1))];
  const why = r.error?.code === "ETIMEDOUT" ? `timed out after ${PEER_TIMEOUT_S} s` : `exit ${r.status}${r.signal ? ` (${r.signal})` : ""}`;
  failures.push(`${label}: ${why}${r.stderr ? `: ${r.stderr.trim().split("\n").at(-1)}` : ""}`);
  return [];
}

const results = [];
for (const model of ["mnist", "toy1d"]) {
  results.push(run(process.execPath, [here("./peers/ours_sdebnn.mjs"), "--model", model], `sdebnn ${model}`));
  if (model === "mnist") results.push(run(process.execPath, [here("./peers/ours_sdebnn.mjs"), "--model", model, "--workers", "2"], `sdebnn ${model} 2 workers`));
  if (!PEERS) continue;
  results.push(...runPeer(process.execPath, [here("./peers/tfjs_sdebnn.mjs"), "--model", model], `tfjs ${model}`));
  if (spawnSync(PY, ["-c", "import torch"]).status === 0) results.push(...runPeer(PY, [here("./peers/torch_sdebnn.py"), "--model", model], `pytorch ${model}`));
  else if (model === "mnist") console.log("PyTorch not installed: skipped");
}

// checks: 1 vs 2 workers give the same loss bits; every implementation has our parameter count
const [one, two] = results.filter((r) => r.model === "mnist" && r.impl.startsWith("sdebnn"));
const sameBits = one.losses.length === two.losses.length && one.losses.every((l, i) => Object.is(l, two.losses[i]));
const paramsMatch = Object.fromEntries(["mnist", "toy1d"].map((m) => {
  const rs = results.filter((r) => r.model === m);
  return [m, rs.every((r) => r.params === rs[0].params)];
}));

const mb = (b) => (b / 2 ** 20).toFixed(0);
const fmt = (x, d = 1) => (x === undefined ? "-" : x.toFixed(d));
const lines = [
  `Training step, median of ${STEPS} steps after ${WARMUP} warm-up${QUICK ? " (--quick: not a measurement)" : ""}; ${availableParallelism()} CPUs, Node ${process.version}`, "",
  "| model | implementation | params | ms/step | examples/s | peak RSS MB | wasm arena peak MB | ours/peer (examples/s) | CPU ms/step | ours/peer (CPU) |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const r of results) {
  r.examplesPerSec = r.examplesPerStep / (r.medianMs / 1000);
  const ours = results.find((o) => o.model === r.model && o.impl === "sdebnn");
  r.oursOverThis = ours.examplesPerSec / r.examplesPerSec;
  // CPU time: one-thread implementations only (2 workers: the sum over threads is no latency)
  const cpuRatio = r.impl === "sdebnn" ? "1" : r.workers > 1 ? "-" : fmt(r.medianCpuMs / ours.medianCpuMs, 2);
  lines.push(`| ${r.model} | ${r.impl} | ${r.params} | ${fmt(r.medianMs)} | ${fmt(r.examplesPerSec)} | ${mb(r.maxRssBytes)} | ${r.arenaPeakBytes ? mb(r.arenaPeakBytes) : "-"} | ${r.impl === "sdebnn" ? "1" : fmt(r.oursOverThis, 2)} | ${r.workers > 1 ? "-" : fmt(r.medianCpuMs)} | ${cpuRatio} |`);
}
lines.push("", "Inference (mnist): one image with 16 samples (latency; with 2 workers the samples are split, predictParallel), batch 256 with 1 sample (throughput)", "",
  "| implementation | 16-sample latency ms | batch-256 ms | images/s | ours/peer (images/s) | latency CPU ms | batch-256 CPU ms | ours/peer (CPU, batch 256) |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const oursInf = results.find((r) => r.impl === "sdebnn" && r.infer)?.infer;
for (const r of results.filter((x) => x.infer)) {
  const ratio = r.infer.batch256PerSec ? fmt(oursInf.batch256PerSec / r.infer.batch256PerSec, 2) : "-";
  const cpuRatio = r.infer.batch256CpuMs ? fmt(r.infer.batch256CpuMs / oursInf.batch256CpuMs, 2) : "-";
  const cpuLat = /workers/.test(r.impl) ? "-" : fmt(r.infer.latency16CpuMs);
  lines.push(`| ${r.impl} | ${fmt(r.infer.latency16Ms)} | ${fmt(r.infer.batch256Ms)} | ${fmt(r.infer.batch256PerSec)} | ${ratio} | ${cpuLat} | ${fmt(r.infer.batch256CpuMs)} | ${cpuRatio} |`);
}
lines.push("", `1 vs 2 workers, same loss bits over ${one.losses.length} steps: ${sameBits ? "yes" : "NO"}`,
  `parameter counts match: ${Object.entries(paramsMatch).map(([m, ok]) => `${m} ${ok ? "yes" : "NO"}`).join(", ")}`);
console.log(lines.join("\n"));

mkdirSync(here("./results/"), { recursive: true });
writeFileSync(here("./results/train_step.json"), JSON.stringify({
  date: new Date().toISOString(), node: process.version, cpus: availableParallelism(), steps: STEPS, warmup: WARMUP, quick: QUICK,
  workersSameLossBits: sameBits, paramsMatch, peerFailures: failures, results,
}, null, 2) + "\n");
for (const f of failures) console.log(`peer failed: ${f}`);
if (!sameBits || !Object.values(paramsMatch).every(Boolean) || failures.length > 0) process.exitCode = 1;
