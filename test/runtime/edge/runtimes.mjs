// Starts the edge handler (examples/edge/) under each runtime users deploy to, on 127.0.0.1, and
// drives it with real HTTP requests. Shared by test/runtime/edge_runtimes.test.ts (correctness)
// and bench/edge.mjs (cold start and latency). Node module, no test framework.
import { spawn } from "node:child_process";
import { createServer, connect } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bunPath, denoPath, packageVersion, workerdPath } from "./binaries.mjs";
import { prepareWorkerd } from "./workerd.mjs";
import { bundleVercelFunction } from "./vercel_bundle.mjs";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const RUNTIMES = ["deno", "bun", "workerd", "edge-runtime"];

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer().once("error", reject);
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const canConnect = (port) => new Promise((resolve) => {
  const c = connect(port, "127.0.0.1");
  c.once("connect", () => { c.destroy(); resolve(true); }).once("error", () => resolve(false));
});

/** workerd serving the worker `entry` (bundled into `outDir`) on a free port of 127.0.0.1. */
export async function workerdLaunch({ entry, outDir }) {
  const port = await freePort();
  const config = await prepareWorkerd({ entry, outDir, port });
  return { command: workerdPath(), args: ["serve", config], knownPort: port, version: `workerd ${packageVersion("workerd")}` };
}

/** The entry module of each app (the MNIST digit model, or the tabular house-price model) per kind of runtime. */
export const APPS = {
  mnist: { handler: "examples/edge/handler.mjs", worker: "examples/edge/worker.mjs", vercel: "examples/edge/vercel.mjs", checkpoint: "demo/mnist-small.safetensors" },
  houses: { handler: "examples/edge/handler_houses.mjs", worker: "examples/edge/worker_houses.mjs", vercel: "examples/edge/vercel_houses.mjs", checkpoint: "demo/houses-small.safetensors" },
};

/** How each runtime (and the Node baseline) is launched: its command, and how its port is learnt (printed, or polled). */
const LAUNCH = {
  deno: async (app) => ({
    command: denoPath(),
    args: ["serve", "--no-prompt", `--allow-read=${ROOT}`, "--host", "127.0.0.1", "--port", "0", join(ROOT, APPS[app].handler)],
    port: (out) => /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1],
    version: `deno ${packageVersion("deno")}`,
  }),
  bun: async (app) => ({
    command: bunPath(), args: [join(ROOT, "test/runtime/edge/serve_bun.mjs"), join(ROOT, APPS[app].handler)],
    port: (out) => /\{"port":(\d+)\}/.exec(out)?.[1],
    version: `bun ${packageVersion("bun")}`,
  }),
  workerd: (app) => workerdLaunch({ entry: join(ROOT, APPS[app].worker), outDir: join(ROOT, `build/edge/workerd-${app}`) }),
  // not an edge runtime: the baseline bench/edge.mjs compares them with
  node: async (app) => ({
    command: process.execPath, args: [join(ROOT, "test/runtime/edge/serve_node.mjs"), join(ROOT, APPS[app].checkpoint)],
    port: (out) => /\{"port":(\d+)\}/.exec(out)?.[1],
    version: `node ${process.versions.node}`,
  }),
  "edge-runtime": async (app) => {
    const bundle = join(ROOT, `build/edge/edge-runtime-${app}/function.js`);
    await bundleVercelFunction({ entry: join(ROOT, APPS[app].vercel), outfile: bundle });
    return {
      command: process.execPath, args: [join(ROOT, "test/runtime/edge/edge_runtime_host.mjs"), bundle, ROOT],
      port: (out) => /\{"port":(\d+)\}/.exec(out)?.[1],
      version: `edge-runtime ${packageVersion("edge-runtime")} (Node ${process.versions.node})`,
    };
  },
};

/**
 * Starts the edge handler under `name` (one of RUNTIMES) serving `options.app` (a key of APPS,
 * default "mnist") and resolves once it listens:
 * { name, version, base, spawnedAt (performance.now()), listeningMs, log() (its stdout + stderr
 * so far), stop() }. Rejects if it exits or is not listening within `timeoutMs`.
 */
export async function startRuntime(name, { app = "mnist", ...options } = {}) {
  return startProcess(name, await LAUNCH[name](app), options);
}

/**
 * Spawns `how.command how.args` and waits until it listens on 127.0.0.1: on `how.knownPort`, or on
 * the port `how.port(output)` finds in its output. Resolves to the handle described at startRuntime.
 */
export async function startProcess(name, how, { timeoutMs = 60_000 } = {}) {
  const spawnedAt = performance.now();
  const child = spawn(how.command, how.args, {
    cwd: ROOT, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" },
  });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(`${name} exited (${code ?? signal}): ${out}`)));
  const deadline = Date.now() + timeoutMs;
  let port;
  while (!port) {
    if (Date.now() > deadline) { child.kill(); throw new Error(`${name} was not listening after ${timeoutMs} ms: ${out}`); }
    const gone = await Promise.race([exited, new Promise((r) => setTimeout(r, 10))]);
    if (typeof gone === "string") throw new Error(gone);
    port = how.knownPort ? ((await canConnect(how.knownPort)) && how.knownPort) : Number(how.port(out)) || undefined;
  }
  return {
    name, version: how.version, base: `http://127.0.0.1:${port}`, spawnedAt, listeningMs: performance.now() - spawnedAt,
    log: () => out,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill();
    }),
  };
}

/** POST /predict with a JSON body. */
export const postPredict = (base, body, headers = { "content-type": "application/json" }) =>
  fetch(`${base}/predict`, { method: "POST", headers, body });

/**
 * Sends `requests` POST /predict requests, `concurrency` at a time, the i-th with bodies[i % n];
 * returns { status[], text[], ms[] } per request, in request order.
 */
export async function drive(base, bodies, { requests, concurrency }) {
  const status = new Array(requests), text = new Array(requests), ms = new Array(requests);
  let next = 0;
  async function lane() {
    for (let i = next++; i < requests; i = next++) {
      const t0 = performance.now();
      const res = await postPredict(base, bodies[i % bodies.length]);
      text[i] = await res.text();
      ms[i] = performance.now() - t0;
      status[i] = res.status;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { status, text, ms };
}

/** The q-quantile (0..1) of `values` by the nearest-rank method. */
export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/**
 * `count` POST /predict bodies (MNIST test images 0.., as 28 rows of 28 values in [0, 1], with
 * 1..4 samples) and the answer for each computed in this Node process by the built package
 * (dist/), to compare the runtimes' answers with: { body, expected, label }.
 */
export async function predictionCases({ count = 16, samples = (k) => 1 + (k % 4) } = {}) {
  const sdebnn = await import(join(ROOT, "dist/node.js"));
  const test = sdebnn.loadData(await sdebnn.init(), sdebnn.configOf("mnist")).test.images;
  const clf = await sdebnn.loadModel(await sdebnn.init(), readFileSync(join(ROOT, "demo/mnist-small.safetensors")));
  return Array.from({ length: count }, (_, k) => {
    const pixels = Array.from(test.pixels.subarray(k * 784, (k + 1) * 784), (b) => b / 255);
    const n = samples(k);
    const p = clf.predict(Float32Array.from(pixels), { samples: n });
    const probabilities = Array.from(p.probs);
    const prediction = probabilities.indexOf(Math.max(...probabilities));
    const rows = Array.from({ length: 28 }, (_, r) => pixels.slice(r * 28, r * 28 + 28));
    return {
      body: JSON.stringify({ image: rows, samples: n }), label: test.labels[k],
      expected: { probabilities, prediction, entropy: p.entropy[0], mutualInformation: p.mutualInformation[0], samples: n, step: clf.step },
    };
  });
}

/** Rows of the demo house-price table (raw values, the columns in any order, numbers as text too). */
export const HOUSE_ROWS = [
  { size: 50, rooms: 2, area: "north" }, { size: "140", rooms: 5, area: "south" }, { area: "east", rooms: 3, size: 95.5 },
  { size: 75, rooms: 3, area: "south" }, { size: 120, rooms: 4, area: "north" }, { size: 42, rooms: 1, area: "east" },
];

/**
 * `count` POST /predict bodies for the tabular app (1..3 rows of HOUSE_ROWS, 1..4 samples) and the
 * answer for each computed in this Node process by the built sdebnn/infer: { body, expected }.
 */
export async function tabularPredictionCases({ count = 16, samples = (k) => 1 + (k % 4) } = {}) {
  const infer = await import(join(ROOT, "dist/infer.js"));
  const model = await infer.loadModel(await infer.init(), new Uint8Array(readFileSync(join(ROOT, APPS.houses.checkpoint))));
  return Array.from({ length: count }, (_, k) => {
    const rows = HOUSE_ROWS.slice(k % HOUSE_ROWS.length).concat(HOUSE_ROWS).slice(0, 1 + (k % 3)), n = samples(k);
    const p = model.predict(rows, { samples: n });
    const predictions = rows.map((_, i) => ({ mean: p.mean[i], std: p.std[i], epistemicStd: p.epistemicStd[i], aleatoricStd: p.aleatoricStd[i], lower95: p.lower[i], upper95: p.upper[i] }));
    return { body: JSON.stringify({ rows, samples: n }), expected: { predictions, samples: n, step: model.step } };
  });
}
