// Data-parallel training over Web Workers (WebShardPool) in Deno and headless Chromium: 1, 2 and 3
// threads give the same parameter bits, and the same bits as Node's single thread.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Server } from "node:http";
import { ROOT } from "../helpers/wasm.js";
import { launchChromium, pageResult, serveRoot } from "../helpers/browser.js";
import { runDenoJson } from "../helpers/deno.js";
// @ts-expect-error plain ESM test module without types
import { workerRun } from "./workers/cases.mjs";

interface Run { losses: number[]; params: string; predictions: string; threads: number }
interface WorkerResult { one: Run; two: Run | null; three: Run | null; runtime?: string; error?: string }

let node: WorkerResult, deno: WorkerResult, chromium: WorkerResult;
let server: Server | undefined;

beforeAll(async () => {
  const sdebnn = await import("../../dist/advanced.js" as string);
  node = await workerRun(sdebnn, new Uint8Array(readFileSync(join(ROOT, "dist/sdebnn.wasm"))), undefined, false);
  deno = runDenoJson<WorkerResult>(join(ROOT, "test/runtime/workers/deno_main.mjs"));
  const served = await serveRoot();
  server = served.server;
  const browser = await launchChromium();
  try {
    chromium = await pageResult<WorkerResult>(browser, `${served.url}/test/runtime/workers/page.html`, "__workers", 90_000);
  } finally {
    await browser.close();
  }
}, 120_000);

afterAll(async () => { await new Promise<void>((r) => (server ? server.close(() => r()) : r())); });

describe("WebShardPool", () => {
  it("runs in Deno and Chromium without error", () => {
    expect(deno.error).toBeUndefined();
    expect(chromium.error).toBeUndefined();
    expect(deno.runtime).toMatch(/^deno 2\./);
    expect(chromium.runtime).toMatch(/Chrome\/\d+/);
  });

  it("1, 2 and 3 threads give the same parameter bits, losses and split predictions, in Deno and in Chromium", () => {
    for (const r of [deno, chromium]) {
      expect([r.one.threads, r.two!.threads, r.three!.threads]).toEqual([1, 2, 3]);
      expect({ ...r.two, threads: 1 }).toEqual(r.one);
      expect({ ...r.three, threads: 1 }).toEqual(r.one);
      expect(r.one.losses.length).toBe(6);
      expect(r.one.losses.every(Number.isFinite)).toBe(true);
    }
  });

  it("the same bits as Node's single thread (training changed the parameters)", () => {
    expect(deno.one).toEqual(node.one);
    expect(chromium.one).toEqual(node.one);
    expect(node.one.losses[5]).not.toBe(node.one.losses[0]);
  });
});
