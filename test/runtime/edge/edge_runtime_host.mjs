// Vercel's Edge Runtime (npm `edge-runtime`, the sandbox behind `vercel dev` and Next.js edge
// routes) serving a function bundled by bundleVercelFunction() on 127.0.0.1; prints {"port"}.
//   node edge_runtime_host.mjs <bundle.js> <asset root>
// What Vercel's platform does is done here: the function's `.wasm?module` import is a
// WebAssembly.Module compiled by the host and bound as a global of the sandbox (edge code cannot
// compile wasm itself), and assets (the checkpoint) are served over HTTP from <asset root>, at the
// URL the bundle gets for `import.meta.url`.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join, normalize } from "node:path";
import { EdgeRuntime, runServer } from "edge-runtime";
import { FUNCTION_URL_GLOBAL, WASM_GLOBAL } from "./vercel_bundle.mjs";

const [bundleFile, assetRoot] = process.argv.slice(2);

const assets = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (path.includes("..") || !path.endsWith(".safetensors")) return void res.writeHead(404).end();
  try {
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(join(assetRoot, path)));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => assets.listen(0, "127.0.0.1", r));

const runtime = new EdgeRuntime();
runtime.context[FUNCTION_URL_GLOBAL] = `http://127.0.0.1:${assets.address().port}/examples/edge/vercel.mjs`;
runtime.context[WASM_GLOBAL] = await runtime.evaluate("WebAssembly").compile(readFileSync(join(assetRoot, "dist/sdebnn.wasm")));
runtime.evaluate(`${readFileSync(bundleFile, "utf8")}
addEventListener("fetch", (event) => event.respondWith(__edge.default(event.request)));`);
const server = await runServer({ runtime, host: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ port: Number(new URL(server.url).port) }));
