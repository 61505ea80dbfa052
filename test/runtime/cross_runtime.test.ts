// The same dist/ in Node, Deno, Bun, headless Chromium and (the inference case) Cloudflare's
// workerd: same wasm bytes, same output bits; and the bits recorded in golden/expected.json.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { Server } from "node:http";
import { ROOT } from "../helpers/wasm.js";
import { launchChromium, pageResult, serveRoot } from "../helpers/browser.js";
import { runDenoJson } from "../helpers/deno.js";
import { readMnist } from "../../src/node/mnist.js";
// @ts-expect-error plain ESM test module without types
import { goldenRun, mnistFixture, mnistFixtureBytes, GOLDEN_TOY1D, GOLDEN_MNIST } from "./golden/cases.mjs";
// @ts-expect-error plain ESM test module without types
import { cpuModel } from "./golden/cpu.mjs";
// @ts-expect-error plain ESM test module without types
import { bunPath } from "./edge/binaries.mjs";
// @ts-expect-error plain ESM test module without types
import { startProcess, workerdLaunch } from "./edge/runtimes.mjs";

type Golden = { wasmSha256: string; results: Record<string, string>; samples: Record<string, number[]>;
  outputs?: Record<string, Uint8Array>; defaultInit?: number; error?: string; runtime?: string };
type Expected = { recordedOn: { cpu: string; date: string; runtime: string }; results: Record<string, string> };

const EXPECTED_FILE = "test/runtime/golden/expected.json";
const expected = JSON.parse(readFileSync(join(ROOT, EXPECTED_FILE), "utf8")) as Expected;
const PREDICTIONS = `${GOLDEN_MNIST} / predictions`;

let node: Golden;
let deno: Golden;
let bun: Golden;
let browserRun: Golden;
let workerd: { sha256?: string; samples?: number[]; runtime?: string; error?: string };
let server: Server;
let browser: Browser;

function runBunJson<T>(script: string): T {
  const r = spawnSync(bunPath(), [script], { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } });
  if (r.status !== 0) throw new Error(`bun ${script} failed (${r.status}): ${r.stderr || r.error}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}

beforeAll(async () => {
  // the first 128 MNIST training images + labels, read here and handed to the other runtimes as a file
  const fixture = mnistFixtureBytes(readMnist("train"));
  mkdirSync(join(ROOT, "build/golden"), { recursive: true });
  writeFileSync(join(ROOT, "build/golden/mnist128.bin"), fixture);

  const distAdvanced = "../../dist/advanced.js";
  const sdebnn = (await import(distAdvanced)) as typeof import("../../src/advanced.js");
  node = await goldenRun(sdebnn, new Uint8Array(readFileSync(join(ROOT, "dist/sdebnn.wasm"))), { mnist: mnistFixture(fixture) }, { keep: true });
  // the MNIST golden checkpoint, for workerd's inference case (a Data module of its bundle)
  writeFileSync(join(ROOT, "build/golden/mnist-golden.safetensors"), node.outputs![`${GOLDEN_MNIST} / checkpoint`]!);

  deno = runDenoJson<Golden>(join(ROOT, "test/runtime/golden/main.mjs"));
  bun = runBunJson<Golden>(join(ROOT, "test/runtime/golden/main.mjs"));

  const worker = await startProcess("workerd", await workerdLaunch({
    entry: join(ROOT, "test/runtime/golden/workerd_main.mjs"), outDir: join(ROOT, "build/golden/workerd") }));
  try {
    workerd = (await (await fetch(`${worker.base}/`)).json()) as typeof workerd;
  } finally {
    await worker.stop();
  }

  const served = await serveRoot();
  server = served.server;
  browser = await launchChromium();
  browserRun = await pageResult<Golden>(browser, `${served.url}/test/runtime/golden/page.html`, "__golden", 60_000);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe("cross-runtime", () => {
  it("each runtime ran without error", () => {
    expect(deno.error).toBeUndefined();
    expect(bun.error).toBeUndefined();
    expect(browserRun.error).toBeUndefined();
    expect(workerd.error).toBeUndefined();
    expect(deno.runtime).toMatch(/^deno 2\./);
    expect(bun.runtime).toMatch(/^bun 1\./);
    expect(browserRun.runtime).toMatch(/Chrome\/\d+/);
    expect(workerd.runtime).toBe("Cloudflare-Workers");
  });

  it("all four loaded the same wasm bytes", () => {
    expect(node.wasmSha256).toMatch(/^[0-9a-f]{64}$/);
    for (const other of [deno, bun, browserRun]) expect(other.wasmSha256).toBe(node.wasmSha256);
  });

  it("every golden case gives identical output bits in Node, Deno, Bun and Chromium", () => {
    expect(Object.keys(node.results).length).toBeGreaterThan(0);
    expect(deno.results).toEqual(node.results);
    expect(bun.results).toEqual(node.results);
    expect(browserRun.results).toEqual(node.results);
    expect(deno.samples).toEqual(node.samples);
    expect(bun.samples).toEqual(node.samples);
  });

  it("golden training runs (toy1d, MNIST subset): same checkpoint SHA-256 and predictions in Node, Deno, Bun and Chromium", () => {
    const keys = [GOLDEN_TOY1D, GOLDEN_MNIST].flatMap((n: string) => [`${n} / checkpoint`, `${n} / predictions`]);
    for (const k of keys) {
      expect(node.results[k], k).toMatch(/^[0-9a-f]{64}$/);
      expect(deno.results[k], `${k} (Deno)`).toBe(node.results[k]);
      expect(bun.results[k], `${k} (Bun)`).toBe(node.results[k]);
      expect(browserRun.results[k], `${k} (Chromium)`).toBe(node.results[k]);
    }
    expect(node.results[keys[0]!]).not.toBe(node.results[keys[2]!]);
    // the MNIST predictions end with 8 mutual informations: finite, non-negative, not all equal
    const mi = node.samples[PREDICTIONS]!;
    expect(mi.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(new Set(mi).size).toBeGreaterThan(1);
    expect(browserRun.samples[PREDICTIONS]).toEqual(mi);
  });

  it("workerd runs the golden inference case (sdebnn/infer on the MNIST golden checkpoint): Node's bits", () => {
    expect(workerd.sha256).toBe(node.results[PREDICTIONS]);
    expect(workerd.samples).toEqual(node.samples[PREDICTIONS]);
  });

  it(`Node reproduces the golden bits recorded on ${expected.recordedOn.cpu} (${EXPECTED_FILE})`, () => {
    const moved = Object.keys({ ...expected.results, ...node.results }).filter((k) => expected.results[k] !== node.results[k]);
    expect(moved, [
      `${moved.length} golden SHA-256 value(s) differ from ${EXPECTED_FILE}, recorded on ${expected.recordedOn.cpu} ` +
        `(${expected.recordedOn.runtime}, ${expected.recordedOn.date}); this machine: ${cpuModel()}, Node ${process.versions.node}.`,
      ...moved.map((k) => `  ${k}: recorded ${expected.results[k] ?? "(no such case)"}, got ${node.results[k] ?? "(case gone)"}`),
      "If a deliberate kernel change moved them: run `node scripts/build.mjs && node scripts/record_golden.mjs`,",
      "commit the new expected.json in the same commit as the change, and say why in its message.",
      "If nothing was meant to change, this machine or runtime computes different bits: a determinism bug to fix, not to re-record.",
    ].join("\n")).toEqual([]);
  });

  it("the default init() source works in Deno and Bun (file: URL) and Chromium (HTTP)", () => {
    expect(deno.defaultInit).toBe(14);
    expect(bun.defaultInit).toBe(14);
    expect(browserRun.defaultInit).toBe(14);
  });
});
