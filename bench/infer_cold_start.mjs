// Cold start of sdebnn/infer in Node: fresh processes, each timing import of dist/infer.js, compile
// of dist/sdebnn.wasm, instantiation, loading the checkpoint (decode + SHA-256 check + model build)
// and the first prediction (one 28x28 image, 8 samples). Medians over the runs; also the gzipped
// size of the infer bundle (JS closure + wasm).
//   node scripts/build.mjs && node bench/infer_cold_start.mjs [runs=15] [checkpoint=demo/mnist-small.safetensors]
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { median } from "./lib/measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (process.argv[2] === "--child") {
  const t = [performance.now()];
  const infer = await import(join(root, "dist/infer.js"));
  t.push(performance.now());
  const wasm = readFileSync(join(root, "dist/sdebnn.wasm")), ck = new Uint8Array(readFileSync(process.argv[3]));
  t.push(performance.now());
  const module = await WebAssembly.compile(wasm);
  t.push(performance.now());
  const rt = await infer.init(module);
  t.push(performance.now());
  const clf = await infer.loadModel(rt, ck);
  t.push(performance.now());
  const p = clf.predict(new Uint8Array(clf.net.inputSize).fill(0).fill(255, 300, 320), { samples: 8 });
  t.push(performance.now());
  const d = (i) => t[i + 1] - t[i];
  console.log(JSON.stringify({ processStartToImportMs: t[0], importMs: d(0), readFilesMs: d(1), compileMs: d(2), instantiateMs: d(3),
    loadCheckpointMs: d(4), firstPredictionMs: d(5), compileToPredictionMs: t[6] - t[2], processStartToPredictionMs: t[6], top: p.probs[0] }));
  process.exit(0);
}

const runs = Number(process.argv[2] ?? 15);
const checkpoint = join(root, process.argv[3] ?? "demo/mnist-small.safetensors");
const samples = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", checkpoint], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  samples.push(JSON.parse(r.stdout));
}
const keys = Object.keys(samples[0]).filter((k) => k.endsWith("Ms"));
const medians = Object.fromEntries(keys.map((k) => [k, Number(median(samples.map((s) => s[k])).toFixed(2))]));

function closure(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const src = readFileSync(join(root, "dist", entry), "utf8");
  for (const m of src.matchAll(/(?:import|export)\s*(?:[^"';]*?from\s*)?["'](\.\/[^"']+)["']/g)) closure(m[1].slice(2), seen);
  return seen;
}
const files = [...closure("infer.js"), "sdebnn.wasm"];
const sizes = Object.fromEntries(files.map((f) => {
  const b = readFileSync(join(root, "dist", f));
  return [f, { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length }];
}));
const gzipTotal = Object.values(sizes).reduce((s, v) => s + v.gzip, 0);
const result = { node: process.version, runs, checkpoint: checkpoint.slice(root.length + 1), checkpointBytes: readFileSync(checkpoint).length,
  medianMs: medians, bundle: { files: sizes, gzipTotal, budget: 100 * 1024 } };
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(join(root, "bench/results/infer_cold_start.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
