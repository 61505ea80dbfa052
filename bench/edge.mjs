// The edge handler under each runtime (Deno, Bun, Cloudflare workerd, Vercel's edge-runtime) on
// 127.0.0.1, each a fresh process: time to listen, the cold first request (wasm instantiation,
// checkpoint load and one prediction), then a bounded load of N requests, C at a time (MNIST test
// images, 8 samples each), with p50 / p99 latency and throughput. Every answer is checked against
// the bits computed in Node. Writes bench/results/edge.json and edge.md.
//   node scripts/build.mjs && node bench/edge.mjs [--requests 2000] [--concurrency 32] [--runtimes deno,bun]
import { mkdirSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { cpus } from "node:os";
import { RUNTIMES, startRuntime, drive, postPredict, predictionCases, quantile } from "../test/runtime/edge/runtimes.mjs";

const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const requests = Number(arg("requests", 2000)), concurrency = Number(arg("concurrency", 32));
const names = arg("runtimes", RUNTIMES.join(",")).split(",");
const cases = await predictionCases({ count: 16, samples: () => 8 });
const bodies = cases.map((c) => c.body);

const rows = [];
for (const name of names) {
  const rt = await startRuntime(name);
  try {
    const t0 = performance.now();
    const first = await postPredict(rt.base, bodies[0]);
    const firstOk = first.status === 200 && isDeepStrictEqual(await first.json(), cases[0].expected);
    const coldMs = performance.now() - t0;
    const spawnToFirstMs = performance.now() - rt.spawnedAt;
    const tLoad = performance.now();
    const run = await drive(rt.base, bodies, { requests, concurrency });
    const seconds = (performance.now() - tLoad) / 1000;
    const wrong = run.text.filter((t, i) => run.status[i] !== 200 || !isDeepStrictEqual(JSON.parse(t), cases[i % cases.length].expected)).length;
    rows.push({ runtime: name, version: rt.version, listeningMs: rt.listeningMs, firstRequestMs: coldMs, spawnToFirstAnswerMs: spawnToFirstMs,
      p50Ms: quantile(run.ms, 0.5), p99Ms: quantile(run.ms, 0.99), requestsPerSecond: requests / seconds, wrong: wrong + (firstOk ? 0 : 1) });
  } finally {
    await rt.stop();
  }
}

const f = (x) => x.toFixed(1);
const date = new Date().toISOString().slice(0, 10);
const md = [
  `Edge handler, ${date}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, shared with other jobs); ` +
    `\`node bench/edge.mjs --requests ${requests} --concurrency ${concurrency}\`. Client: Node's fetch in the same machine. ` +
    "Cold = the first POST /predict once the process listens (wasm instantiation + checkpoint load + one 8-sample prediction); " +
    "start = process spawn to listening. Load: MNIST test images, 8 samples each.",
  "",
  "| runtime | version | start (ms) | cold first request (ms) | spawn to first answer (ms) | p50 (ms) | p99 (ms) | req/s | wrong answers |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => `| ${r.runtime} | ${r.version} | ${f(r.listeningMs)} | ${f(r.firstRequestMs)} | ${f(r.spawnToFirstAnswerMs)} | ` +
    `${f(r.p50Ms)} | ${f(r.p99Ms)} | ${r.requestsPerSecond.toFixed(0)} | ${r.wrong} |`),
].join("\n");
console.log(md);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/edge.json", import.meta.url), JSON.stringify({ date, cpu: cpus()[0]?.model, requests, concurrency, rows }, null, 2) + "\n");
writeFileSync(new URL("./results/edge.md", import.meta.url), md + "\n");
if (rows.some((r) => r.wrong)) { console.error("some answers differ from Node's bits"); process.exit(1); }
