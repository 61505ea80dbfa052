// The same dist/ in Node, Deno and headless Chromium: same wasm bytes, same output bits.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { Server } from "node:http";
import { ROOT } from "../helpers/wasm.js";
import { launchChromium, serveRoot } from "../helpers/browser.js";
import { runDenoJson } from "../helpers/deno.js";
// @ts-expect-error plain ESM test module without types
import { goldenRun } from "./golden/cases.mjs";

type Golden = { wasmSha256: string; results: Record<string, string>; samples: Record<string, number[]>;
  defaultInit?: number; error?: string; runtime?: string };

let node: Golden;
let deno: Golden;
let browserRun: Golden;
let server: Server;
let browser: Browser;

beforeAll(async () => {
  const distNode = "../../dist/node.js";
  const sdebnn = (await import(distNode)) as typeof import("../../src/node.js");
  node = await goldenRun(sdebnn, new Uint8Array(readFileSync(join(ROOT, "dist/sdebnn.wasm"))));

  deno = runDenoJson<Golden>(join(ROOT, "test/runtime/golden/deno_main.mjs"));

  const served = await serveRoot();
  server = served.server;
  browser = await launchChromium();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${served.url}/test/runtime/golden/page.html`);
  await page.waitForFunction(() => (window as unknown as { __golden?: unknown }).__golden !== undefined, null, { timeout: 60_000 });
  browserRun = await page.evaluate(() => (window as unknown as { __golden: Golden }).__golden);
  if (errors.length) browserRun.error = errors.join("\n");
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

  it("the default init() source works in Deno (file: URL) and Chromium (HTTP)", () => {
    expect(deno.defaultInit).toBe(14);
    expect(browserRun.defaultInit).toBe(14);
  });
});
