// The edge handler (examples/edge/) served by the runtimes users deploy to, each started here on
// 127.0.0.1: Deno (`deno serve`), Bun (Bun.serve), Cloudflare's workerd (the wasm and checkpoint as
// module imports, bundled as wrangler does) and Vercel's edge-runtime (the wasm as a `?module`
// binding, the checkpoint fetched as an asset). Real HTTP: a prediction with the same bits as Node,
// every specified bad request, and a bounded load (2000 requests, 32 at a time) whose every answer
// has Node's bits. Correctness only; timings are bench/edge.mjs's job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { isDeepStrictEqual } from "node:util";
// @ts-expect-error plain ESM module shared with bench/edge.mjs, without types
import { RUNTIMES, startRuntime, drive, postPredict, predictionCases } from "./edge/runtimes.mjs";

type Case = { body: string; label: number; expected: Record<string, unknown> };
type Running = { base: string; version: string; log(): string; stop(): Promise<void> };

const LOAD = { requests: 2000, concurrency: 32 };
let cases: Case[];
let loadCases: Case[];

beforeAll(async () => {
  cases = await predictionCases({ count: 16 }); // 1..4 samples
  loadCases = await predictionCases({ count: 16, samples: () => 1 }); // the load: 16 images, 1 sample each
});

async function expectError(res: Response, status: number, code: string, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
}

describe.each(RUNTIMES as string[])("edge handler under %s", (name) => {
  let rt: Running;
  const post = (body: string, headers?: Record<string, string>) => postPredict(rt.base, body, headers) as Promise<Response>;

  beforeAll(async () => { rt = await startRuntime(name); });
  afterAll(async () => { await rt?.stop(); });

  it("predicts MNIST test digits: the same bits as the built package in Node (rows or a flat list)", async () => {
    for (const c of cases.slice(0, 4)) {
      const res = await post(c.body);
      expect(res.status, rt.log()).toBe(200);
      const got = (await res.json()) as Record<string, unknown>;
      expect(got).toEqual(c.expected);
      expect(got.prediction).toBe(c.label); // the first test digits are classified correctly
    }
    const { image, samples } = JSON.parse(cases[0]!.body) as { image: number[][]; samples: number };
    const flat = await post(JSON.stringify({ image: image.flat(), samples }));
    expect(await flat.json()).toEqual(cases[0]!.expected);
  });

  it("GET / describes the model", async () => {
    const res = await fetch(`${rt.base}/`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: unknown }).model).toMatchObject({ channels: 1, height: 28, width: 28, classes: 10 });
  });

  it("application/json with parameters is JSON; look-alike media types are not", async () => {
    for (const type of ["application/json; charset=utf-8", "Application/JSON;charset=UTF-8", "application/json ; q=1"]) {
      const res = await post(cases[0]!.body, { "content-type": type });
      expect(res.status, type).toBe(200);
      expect(await res.json()).toEqual(cases[0]!.expected);
    }
    for (const type of ["application/json-seq", "application/jsonp", "text/json", "application/x-json", "multipart/form-data; x=application/json"]) {
      await expectError(await post(cases[0]!.body, { "content-type": type }), 415, "unsupported_media_type",
        new RegExp(`^content-type must be application/json, got "${type.replace(/[/+.;]/g, "\\$&")}"$`));
    }
  });

  it("bad requests get clear 4xx JSON errors", async () => {
    const get = await fetch(`${rt.base}/predict`);
    expect(get.headers.get("allow")).toBe("POST");
    await expectError(get, 405, "method_not_allowed", /^GET \/predict is not allowed; use POST$/);
    await expectError(await fetch(`${rt.base}/nope`), 404, "not_found", /no route \/nope/);
    await expectError(await post("{\"image\": [1, 2"), 400, "bad_json", /^request body is not valid JSON/);
    await expectError(await post(JSON.stringify({ image: [0.5, 0.5, 0.5] })), 422, "bad_image",
      /^image: expected 28 rows of 28 values or 784 values, got 3 values$/);
    await expectError(await post(JSON.stringify({ image: Array(28).fill(Array(27).fill(0)) })), 422, "bad_image", /got 28 rows of 27$/);
    await expectError(await post(JSON.stringify({ image: Array(784).fill(0).fill(3, 10, 11) })), 422, "bad_image",
      /^image: value 10 is 3, expected a number in \[0, 1\]$/);
    await expectError(await post(JSON.stringify({ pixels: [] })), 422, "bad_request", /expected a JSON object \{"image"/);
    await expectError(await post(JSON.stringify({ image: Array(784).fill(0), samples: 0 })), 422, "bad_samples",
      /^samples: expected an integer in \[1, 32\], got 0$/);
    await expectError(await post(JSON.stringify({ image: Array(784).fill(0) }), { "content-type": "text/plain" }), 415,
      "unsupported_media_type", /content-type must be application\/json, got "text\/plain"/);
    await expectError(await post(JSON.stringify({ image: Array(200_000).fill(0) })), 413, "body_too_large",
      /^request body is 400011 bytes, the limit is 65536$/);
    // without a Content-Length (chunked), the limit holds while reading
    // (a server may answer 413 and close before the client has sent everything: the client then
    // gets EPIPE on its remaining writes, which is not an error of the server's answer)
    const chunked = await postChunked(`${rt.base}/predict`, 9, 8192); // 72 KiB: fits the socket buffers, so the writes end before the answer
    await expectError(chunked, 413, "body_too_large", /exceeds the limit of 65536 bytes/);
  });

  it(`a bounded load (${LOAD.requests} requests, ${LOAD.concurrency} at a time): every answer has Node's bits`, async () => {
    const run = (await drive(rt.base, loadCases.map((c) => c.body), LOAD)) as { status: number[]; text: string[] };
    const wrong = run.text.flatMap((t, i) => (run.status[i] === 200 && isDeepStrictEqual(JSON.parse(t), loadCases[i % loadCases.length]!.expected) ? [] : [`#${i}: ${run.status[i]} ${t.slice(0, 200)}`]));
    expect(wrong.length, wrong.slice(0, 3).join("\n")).toBe(0);
    expect(run.status.length).toBe(LOAD.requests);
  });
});

/** POSTs `count` chunks of `size` spaces with Transfer-Encoding: chunked; resolves with the answer even when the server closes early. */
function postChunked(url: string, count: number, size: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res: IncomingMessage) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve(new Response(Buffer.concat(parts), { status: res.statusCode, headers: res.headers as Record<string, string> })));
      res.on("error", reject);
    });
    req.on("error", (e: Error) => { if (!answered) reject(e); });
    (async () => {
      for (let i = 0; i < count && !answered && !req.destroyed; i++) {
        if (!req.write(Buffer.alloc(size, 32))) await new Promise((r) => req.once("drain", r));
      }
      if (!req.destroyed) req.end();
    })().catch(() => {});
  });
}
