// examples/edge/app.mjs in this process: a failed checkpoint load is retried on the next request
// (not cached), concurrent requests share one load, a 5xx body names no server path or URL (the
// cause goes to the log), and which Content-Type values count as JSON.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { ROOT, wasmBytes } from "../helpers/wasm.js";
// @ts-expect-error plain ESM example without types
import { createHandler, isJson } from "../../examples/edge/app.mjs";

type Handler = { fetch(r: Request): Promise<Response> };
const checkpoint = readFileSync(join(ROOT, "demo/mnist-small.safetensors"));

// The checkpoint's host: 404 until `available`, then the file; counts the requests it gets.
let available = false, hits = 0, server: Server, url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (!available) return void res.writeHead(404).end("no such object");
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(checkpoint);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/mnist-small.safetensors`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const predict = (h: Handler, body: BodyInit = JSON.stringify({ image: Array(784).fill(0.25), samples: 2 })) =>
  h.fetch(new Request("http://edge.test/predict", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit));

describe("edge handler robustness", () => {
  it("a failed checkpoint load is not cached: 503 while it fails (one load for concurrent requests), 200 once the file is there", async () => {
    const logged: unknown[] = [];
    const h: Handler = createHandler({ wasm: wasmBytes(), checkpoint: url, log: (e: unknown) => logged.push(e) });
    const failed = await Promise.all([predict(h), predict(h), predict(h)]);
    expect(hits).toBe(1);
    for (const res of failed) {
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: "model_unavailable", message: "the model could not be loaded; try again later" } });
      expect(text).not.toContain("127.0.0.1");
    }
    expect(logged.map(String)).toEqual([`Error: fetching ${url} failed: HTTP 404`]); // the cause, for the operator
    expect((await predict(h)).status).toBe(503);
    expect(hits).toBe(2);
    available = true;
    const ok = await predict(h);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { probabilities: number[] }).probabilities).toHaveLength(10);
    expect((await h.fetch(new Request("http://edge.test/"))).status).toBe(200);
    expect(hits).toBe(3); // loaded once it worked, then cached
  });

  it("a file: checkpoint that cannot be read: the 503 body does not show the path", async () => {
    const logged: unknown[] = [];
    const missing = new URL(`file://${ROOT}no/such/dir/model.safetensors`);
    const h: Handler = createHandler({ wasm: wasmBytes(), checkpoint: missing, log: (e: unknown) => logged.push(e) });
    const res = await predict(h);
    expect(res.status).toBe(503);
    const text = await res.text();
    for (const leak of ["file:", ROOT, "/no/such", "safetensors"]) expect(text).not.toContain(leak);
    expect(logged).toHaveLength(1);
  });

  it("an unexpected error is a 500 whose body carries no detail; the log has it", async () => {
    const logged: unknown[] = [];
    const h: Handler = createHandler({ wasm: wasmBytes(), checkpoint: new Uint8Array(checkpoint), log: (e: unknown) => logged.push(e) });
    // the request body fails mid-read (a client or proxy breaking off), with a message naming a server path
    const broken = new ReadableStream({ pull(c) { c.error(new Error("read failed at /srv/app/secret/cache")); } });
    const res = await predict(h, broken);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "internal error; the server log has the details" } });
    expect(text).not.toContain("/srv");
    expect(logged.map(String)).toEqual(["Error: read failed at /srv/app/secret/cache"]);
  });

  it("only application/json (with or without parameters, any case) counts as JSON", () => {
    for (const t of ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON;charset=UTF-8", " application/json ", "application/json\t; x=1"]) {
      expect(isJson(t), t).toBe(true);
    }
    for (const t of ["", "application/json-seq", "application/jsonp", "application/json+x", "text/json", "application/x-json",
      "application/problem+json", "text/plain; application/json", "application"]) {
      expect(isJson(t), t).toBe(false);
    }
  });
});
