// examples/edge/handler.mjs under Deno's HTTP server (Deno.serve on 127.0.0.1) with real HTTP
// requests: a prediction equal to the bits of the in-process classifier, and clear 4xx JSON errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, freshRuntime } from "../helpers/wasm.js";
import { denoPath } from "../helpers/deno.js";
import { loadClassifier } from "../../src/infer/classifier.js";
import { readMnist } from "../../src/node/mnist.js";

let deno: ChildProcess;
let base: string;
let stderr = "";

beforeAll(async () => {
  deno = spawn(denoPath(), ["run", "--no-prompt", `--allow-read=${ROOT}`, "--allow-net=127.0.0.1", join(ROOT, "test/runtime/edge/serve.mjs")],
    { env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  deno.stderr!.on("data", (d) => { stderr += String(d); });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    deno.stdout!.on("data", (d) => {
      out += String(d);
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    deno.on("exit", (code) => reject(new Error(`deno exited (${code}): ${stderr}`)));
  });
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => { deno?.kill(); });

const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(`${base}/predict`, { method: "POST", headers, body });

async function expectError(res: Response, status: number, code: string, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
}

describe("edge handler under Deno.serve", () => {
  it("predicts an MNIST test digit: the same bits as the classifier in Node", async () => {
    const test = readMnist("test");
    const pixels = Array.from(test.pixels.subarray(0, 784), (b) => b / 255);
    const rows = Array.from({ length: 28 }, (_, r) => pixels.slice(r * 28, r * 28 + 28));
    const res = await post(JSON.stringify({ image: rows, samples: 6 }));
    expect(res.status, stderr).toBe(200);
    const got = (await res.json()) as { probabilities: number[]; prediction: number; entropy: number; mutualInformation: number; samples: number; step: number };
    const clf = await loadClassifier(await freshRuntime(), new Uint8Array(readFileSync(join(ROOT, "demo/mnist-small.safetensors"))));
    const want = clf.predict(Float32Array.from(pixels), 6);
    expect(got.probabilities).toEqual(Array.from(want.probs));
    expect(got.entropy).toBe(want.entropy[0]);
    expect(got.mutualInformation).toBe(want.mutualInformation[0]);
    expect(got.prediction).toBe(test.labels[0]); // a 7, confidently
    expect([got.samples, got.step]).toEqual([6, clf.step]);
    // a flat list of 784 values is the same image
    const flat = (await (await post(JSON.stringify({ image: pixels, samples: 6 }))).json()) as { probabilities: number[] };
    expect(flat.probabilities).toEqual(got.probabilities);
  });

  it("GET / describes the model", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: unknown }).model).toMatchObject({ channels: 1, height: 28, width: 28, classes: 10 });
  });

  it("bad requests get clear 4xx JSON errors", async () => {
    const get = await fetch(`${base}/predict`);
    expect(get.headers.get("allow")).toBe("POST");
    await expectError(get, 405, "method_not_allowed", /^GET \/predict is not allowed; use POST$/);
    await expectError(await fetch(`${base}/nope`), 404, "not_found", /no route \/nope/);
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
    const chunks = new ReadableStream({ start(c) { for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(8192).fill(32)); c.close(); } });
    const chunked = await fetch(`${base}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: chunks, duplex: "half" } as RequestInit);
    await expectError(chunked, 413, "body_too_large", /exceeds the limit of 65536 bytes/);
  });
});
