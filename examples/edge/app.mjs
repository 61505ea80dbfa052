// An edge inference endpoint: `createHandler(...)` returns a standard `{ fetch(request) -> Response }`
// handler (Deno Deploy, Cloudflare Workers, Bun, Vercel Edge, Deno.serve). No Node APIs. The wasm
// and the checkpoint are bytes, a compiled WebAssembly.Module or URLs (fetched on the first request).
// Entries per runtime, each giving it the wasm and the checkpoint its own way: handler.mjs (Deno,
// Bun: file URLs), worker.mjs (Cloudflare Workers: module imports), vercel.mjs (Vercel Edge).
//
// Image models (kind "image", one channel):
//   POST /predict  {"image": [[28 rows of 28 values in [0, 1]]] or 784 values, "samples": 1..32}
//     -> 200 {"probabilities": [10], "prediction", "entropy", "mutualInformation", "samples", "step"}
// Tabular models (kind "tabular"; tabular.mjs): JSON rows of raw values, keyed by column name:
//   POST /predict  {"rows": [{"size": 70, "area": "south"}, ...], "samples": 1..32}
//     -> 200 {"predictions": [{"mean", "std", "epistemicStd", "aleatoricStd", "lower95", "upper95"}
//             or {"class", "probabilities": {name: p}, "entropy", "mutualInformation"}], "samples", "step"}
//     a row the model cannot encode -> 400 {"error": {"code": "bad_row", "message": the DataError's text}}
//   GET  /         -> 200 {"model": {...}, "usage": "..."}
//   errors         -> 4xx {"error": {"code", "message"}}; 503 model_unavailable while the checkpoint
//                     cannot be loaded (retried on the next request); 500 internal otherwise. A 5xx
//                     body never carries the cause (it may name server paths): that goes to `log`.
// In a deployment import from "sdebnn/infer"; here the repository's build.
import { init, loadModel } from "../../dist/infer.js";
import { describeTabular, predictTabular, requestRows } from "./tabular.mjs";

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_SAMPLES = 32;

class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });

async function bytesOf(source) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const response = await fetch(source);
  if (!response.ok) throw new Error(`fetching ${source} failed: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Reads the body up to `limit` bytes (413 beyond it, whatever Content-Length claims). */
async function readBody(request, limit) {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new HttpError(413, "body_too_large", `request body is ${declared} bytes, the limit is ${limit}`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      reader.cancel().catch(() => {}); // not awaited: some hosts (edge-runtime) settle it only once the client stops sending
      throw new HttpError(413, "body_too_large", `request body exceeds the limit of ${limit} bytes`);
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return new TextDecoder().decode(all);
}

function parseJson(body) {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new HttpError(400, "bad_json", `request body is not valid JSON: ${e.message}`);
  }
}

/** The image of a request as f32 values in [0, 1] (one channel, height x width). */
function parseImage(value, height, width) {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("image" in value)) {
    throw new HttpError(422, "bad_request", `expected a JSON object {"image": [...], "samples"?: n}`);
  }
  const image = value.image;
  const rowsOk = Array.isArray(image) && image.length === height && image.every((r) => Array.isArray(r) && r.length === width);
  const flat = rowsOk ? image.flat() : image;
  if (!Array.isArray(flat) || flat.length !== height * width || flat.some((v) => Array.isArray(v))) {
    const got = Array.isArray(image) ? (Array.isArray(image[0]) ? `${image.length} rows of ${image[0].length}` : `${image.length} values`) : typeof image;
    throw new HttpError(422, "bad_image", `image: expected ${height} rows of ${width} values or ${height * width} values, got ${got}`);
  }
  const bad = flat.findIndex((v) => typeof v !== "number" || !(v >= 0 && v <= 1));
  if (bad >= 0) throw new HttpError(422, "bad_image", `image: value ${bad} is ${JSON.stringify(flat[bad])}, expected a number in [0, 1]`);
  return { pixels: Float32Array.from(flat), samples: value.samples };
}

/** `application/json`, with or without parameters (`; charset=utf-8`); media types are case-insensitive. */
export const isJson = (type) => /^application\/json[ \t]*(?:;|$)/i.test(type.trim());

export function createHandler({ wasm, checkpoint, samples: defaultSamples = 8, log = (e) => console.error(e) }) {
  let model = null;
  // One load shared by concurrent requests; a failed one is forgotten, so the next request tries again.
  const load = () => (model ??= (async () => loadModel(await init(wasm), await bytesOf(checkpoint)))().catch((e) => {
    model = null;
    log(e);
    throw new HttpError(503, "model_unavailable", "the model could not be loaded; try again later", { "retry-after": "1" });
  }));

  /** The samples of a request: the handler's default, or an integer in [1, MAX_SAMPLES]. */
  function samplesOf(samples = defaultSamples) {
    if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES) {
      throw new HttpError(422, "bad_samples", `samples: expected an integer in [1, ${MAX_SAMPLES}], got ${JSON.stringify(samples)}`);
    }
    return samples;
  }

  function describe(clf) {
    if (clf.kind === "tabular") return { model: describeTabular(clf), usage: 'POST /predict {"rows": [{column: value, ...}], "samples": 8}' };
    const { channels, height, width, classes } = clf.config.model;
    return { model: { channels, height, width, classes, step: clf.step }, usage: 'POST /predict {"image": [[...]], "samples": 8}' };
  }

  function predictImage(clf, value) {
    const { channels, height, width, classes } = clf.config.model;
    if (channels !== 1) throw new HttpError(500, "model", "this example serves single-channel models");
    const { pixels, samples: asked } = parseImage(value, height, width);
    const samples = samplesOf(asked);
    const p = clf.predict(pixels, { samples });
    const probabilities = Array.from(p.probs);
    let prediction = 0;
    for (let k = 1; k < classes; k++) if (probabilities[k] > probabilities[prediction]) prediction = k;
    return { probabilities, prediction, entropy: p.entropy[0], mutualInformation: p.mutualInformation[0], samples, step: clf.step };
  }

  function predictRows(clf, value) {
    const rows = requestRows(value, (code, message) => new HttpError(422, code, message));
    const samples = samplesOf(value.samples);
    const predictions = predictTabular(clf, rows, samples, (message) => new HttpError(400, "bad_row", message));
    return { predictions, samples, step: clf.step };
  }

  async function handle(request) {
    const path = new URL(request.url).pathname;
    const clf = await load();
    if (clf.kind !== "image" && clf.kind !== "tabular") throw new HttpError(500, "model", "this example serves image and tabular models");
    if (path === "/") {
      if (request.method !== "GET") throw new HttpError(405, "method_not_allowed", `${request.method} / is not allowed; use GET`, { allow: "GET" });
      return json(200, describe(clf));
    }
    if (path !== "/predict") throw new HttpError(404, "not_found", `no route ${path}; use POST /predict`);
    if (request.method !== "POST") throw new HttpError(405, "method_not_allowed", `${request.method} /predict is not allowed; use POST`, { allow: "POST" });
    const type = request.headers.get("content-type") ?? "";
    if (!isJson(type)) throw new HttpError(415, "unsupported_media_type", `content-type must be application/json, got ${JSON.stringify(type)}`);
    const value = parseJson(await readBody(request, MAX_BODY_BYTES));
    return json(200, clf.kind === "tabular" ? predictRows(clf, value) : predictImage(clf, value));
  }

  return {
    async fetch(request) {
      try {
        return await handle(request);
      } catch (e) {
        if (e instanceof HttpError) return json(e.status, { error: { code: e.code, message: e.message } }, e.headers);
        log(e);
        return json(500, { error: { code: "internal", message: "internal error; the server log has the details" } });
      }
    },
  };
}
