// The edge handler under each runtime (Deno, Bun, Cloudflare workerd, Vercel's edge-runtime) and,
// as the peer they are compared with, plain Node (node:http), on 127.0.0.1: time to listen and the cold first request (wasm instantiation, checkpoint load and
// one prediction), medians over fresh processes; then N/10 requests one at a time (the service
// time) and a bounded load of N requests, C at a time (MNIST test images, 8 samples each), with
// p50 / p99 latency and throughput. Every answer is checked against the bits computed in Node.
// Writes bench/results/edge.json and edge.md.
// --app houses serves the tabular demo model instead (demo/houses-small.safetensors: 1..3 JSON rows
// per request, predictions with intervals) and writes edge_houses.json / .md.
//   node scripts/build.mjs && node bench/edge.mjs [--requests 2000] [--concurrency 32] [--cold-runs 5] [--runtimes deno,bun] [--app houses]
import { mkdirSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { cpus } from "node:os";
import { median } from "./lib/measure.mjs";
import { RUNTIMES, startRuntime, drive, postPredict, predictionCases, tabularPredictionCases, quantile } from "../test/runtime/edge/runtimes.mjs";

const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const requests = Number(arg("requests", 2000)), concurrency = Number(arg("concurrency", 32)), coldRuns = Number(arg("cold-runs", 5));
// plain Node first: the peer the edge runtimes are compared with (the ratio columns)
const names = arg("runtimes", ["node", ...RUNTIMES].join(",")).split(",");
const app = arg("app", "mnist");
if (app !== "mnist" && app !== "houses") throw new Error(`--app: expected mnist or houses, got ${app}`);
const cases = app === "houses" ? await tabularPredictionCases({ count: 16, samples: () => 8 }) : await predictionCases({ count: 16, samples: () => 8 });
const bodies = cases.map((c) => c.body);

const rows = [];
for (const name of names) {
  // cold starts: `coldRuns` fresh processes (medians); the last one then takes the load
  const cold = [];
  let rt;
  for (let k = 0; k < coldRuns; k++) {
    if (rt) await rt.stop();
    rt = await startRuntime(name, { app });
    const t0 = performance.now();
    const first = await postPredict(rt.base, bodies[0]);
    const ok = first.status === 200 && isDeepStrictEqual(await first.json(), cases[0].expected);
    const now = performance.now();
    cold.push({ listeningMs: rt.listeningMs, firstRequestMs: now - t0, spawnToFirstAnswerMs: now - rt.spawnedAt, ok });
  }
  try {
    // one at a time first (the service time), then the load (latency includes queueing)
    const single = await drive(rt.base, bodies, { requests: Math.max(16, requests / 10), concurrency: 1 });
    const tLoad = performance.now();
    const run = await drive(rt.base, bodies, { requests, concurrency });
    const seconds = (performance.now() - tLoad) / 1000;
    const answers = { status: [...single.status, ...run.status], text: [...single.text, ...run.text] };
    const wrong = answers.text.filter((t, i) => answers.status[i] !== 200 || !isDeepStrictEqual(JSON.parse(t), cases[(i < single.text.length ? i : i - single.text.length) % cases.length].expected)).length;
    const med = (key) => median(cold.map((c) => c[key]));
    rows.push({ runtime: name, version: rt.version, coldRuns, listeningMs: med("listeningMs"), firstRequestMs: med("firstRequestMs"),
      spawnToFirstAnswerMs: med("spawnToFirstAnswerMs"), serialP50Ms: quantile(single.ms, 0.5), serialP99Ms: quantile(single.ms, 0.99), p50Ms: quantile(run.ms, 0.5), p99Ms: quantile(run.ms, 0.99),
      requestsPerSecond: requests / seconds, wrong: wrong + cold.filter((c) => !c.ok).length });
  } finally {
    await rt.stop();
  }
}

const f = (x) => x.toFixed(1);
const base = rows.find((r) => r.runtime === "node");
const ratio = (r, key) => (base ? `${(r[key] / base[key]).toFixed(2)}x` : "-");
for (const r of rows) { r.serialP50VsNode = base ? r.serialP50Ms / base.serialP50Ms : null; r.throughputVsNode = base ? r.requestsPerSecond / base.requestsPerSecond : null; }
const date = new Date().toISOString().slice(0, 10);
const md = [
  `Edge handler, ${date}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, shared with other jobs); ` +
    `\`node bench/edge.mjs --requests ${requests} --concurrency ${concurrency} --cold-runs ${coldRuns}${app === "houses" ? " --app houses" : ""}\`. Client: Node's fetch on the same machine. ` +
    "Cold = the first POST /predict once the process listens (wasm instantiation + checkpoint load + one 8-sample prediction); " +
    `start = process spawn to listening; both medians of ${coldRuns} fresh processes. Load: ${app === "houses" ? "1..3 rows of the demo house table (tabular, heteroscedastic head)" : "MNIST test images"}, 8 samples each.`,
  "",
  `| runtime | version | start (ms) | cold first request (ms) | spawn to first answer (ms) | p50 / p99, 1 at a time (ms) | p50 / p99, ${concurrency} at a time (ms) | req/s | 1-at-a-time p50 vs Node | req/s vs Node | wrong answers |`,
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => `| ${r.runtime} | ${r.version} | ${f(r.listeningMs)} | ${f(r.firstRequestMs)} | ${f(r.spawnToFirstAnswerMs)} | ` +
    `${f(r.serialP50Ms)} / ${f(r.serialP99Ms)} | ${f(r.p50Ms)} / ${f(r.p99Ms)} | ${r.requestsPerSecond.toFixed(0)} | ${ratio(r, "serialP50Ms")} | ${ratio(r, "requestsPerSecond")} | ${r.wrong} |`),
].join("\n");
console.log(md);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const stem = app === "houses" ? "edge_houses" : "edge";
writeFileSync(new URL(`./results/${stem}.json`, import.meta.url), JSON.stringify({ date, cpu: cpus()[0]?.model, app, requests, concurrency, rows }, null, 2) + "\n");
writeFileSync(new URL(`./results/${stem}.md`, import.meta.url), md + "\n");
if (rows.some((r) => r.wrong)) { console.error("some answers differ from Node's bits"); process.exit(1); }
