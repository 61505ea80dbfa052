// The same dist/ in Node, Deno and headless Chromium: same wasm bytes, same output bits.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { Server } from "node:http";
import { ROOT } from "../helpers/wasm.js";
import { launchChromium, pageResult, serveRoot } from "../helpers/browser.js";
import { runDenoJson } from "../helpers/deno.js";
import { readMnist } from "../../src/node/mnist.js";
// @ts-expect-error plain ESM test module without types
import { goldenRun, mnistFixture, GOLDEN_TOY1D, GOLDEN_MNIST } from "./golden/cases.mjs";

type Golden = { wasmSha256: string; results: Record<string, string>; samples: Record<string, number[]>;
  defaultInit?: number; error?: string; runtime?: string };

let node: Golden;
let deno: Golden;
let browserRun: Golden;
let server: Server;
let browser: Browser;

beforeAll(async () => {
  // the first 128 MNIST training images + labels, read here and handed to Deno and the page as a file
  const mnist = readMnist("train");
  const fixture = new Uint8Array(128 * 785);
  fixture.set(mnist.pixels.subarray(0, 128 * 784));
  fixture.set(mnist.labels.subarray(0, 128), 128 * 784);
  mkdirSync(join(ROOT, "build/golden"), { recursive: true });
  writeFileSync(join(ROOT, "build/golden/mnist128.bin"), fixture);

  const distNode = "../../dist/node.js";
  const sdebnn = (await import(distNode)) as typeof import("../../src/node.js");
  node = await goldenRun(sdebnn, new Uint8Array(readFileSync(join(ROOT, "dist/sdebnn.wasm"))), { mnist: mnistFixture(fixture) });

  deno = runDenoJson<Golden>(join(ROOT, "test/runtime/golden/deno_main.mjs"));

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
    expect(browserRun.error).toBeUndefined();
    expect(deno.runtime).toMatch(/^deno 2\./);
    expect(browserRun.runtime).toMatch(/Chrome\/\d+/);
  });

  it("all three loaded the same wasm bytes", () => {
    expect(node.wasmSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(deno.wasmSha256).toBe(node.wasmSha256);
    expect(browserRun.wasmSha256).toBe(node.wasmSha256);
  });

  it("every golden case gives identical output bits in Node, Deno and Chromium", () => {
    expect(Object.keys(node.results).length).toBeGreaterThan(0);
    expect(deno.results).toEqual(node.results);
    expect(browserRun.results).toEqual(node.results);
    expect(deno.samples).toEqual(node.samples);
  });

  it("golden training runs (toy1d, MNIST subset): same checkpoint SHA-256 and predictions in Node, Deno and Chromium", () => {
    const keys = [GOLDEN_TOY1D, GOLDEN_MNIST].flatMap((n: string) => [`${n} / checkpoint`, `${n} / predictions`]);
    for (const k of keys) {
      expect(node.results[k], k).toMatch(/^[0-9a-f]{64}$/);
      expect(deno.results[k], `${k} (Deno)`).toBe(node.results[k]);
      expect(browserRun.results[k], `${k} (Chromium)`).toBe(node.results[k]);
    }
    expect(node.results[keys[0]!]).not.toBe(node.results[keys[2]!]);
    // the MNIST predictions end with 8 mutual informations: finite, non-negative, not all equal
    const mi = node.samples[`${GOLDEN_MNIST} / predictions`]!;
    expect(mi.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(new Set(mi).size).toBeGreaterThan(1);
    expect(browserRun.samples[`${GOLDEN_MNIST} / predictions`]).toEqual(mi);
  });

  it("the default init() source works in Deno (file: URL) and Chromium (HTTP)", () => {
    expect(deno.defaultInit).toBe(14);
    expect(browserRun.defaultInit).toBe(14);
  });
});
