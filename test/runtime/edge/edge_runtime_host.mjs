// Vercel's Edge Runtime (npm `edge-runtime`, the sandbox behind `vercel dev` and Next.js edge
// routes) serving examples/edge/vercel.mjs on 127.0.0.1; prints {"port"}. Node script.
// What Vercel's build does is done here: the function is bundled into one script, its
// `.wasm?module` import becomes a WebAssembly.Module compiled by the host and bound as a global of
// the sandbox (edge code cannot compile wasm itself), and the checkpoint is a static asset served
// over HTTP, fetched from the URL the bundle gets for `import.meta.url`.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { EdgeRuntime, runServer } from "edge-runtime";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const WASM_GLOBAL = "__sdebnn_wasm_module";

const assets = createServer((req, res) => {
  if (req.url !== "/demo/mnist-small.safetensors") return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(join(ROOT, "demo/mnist-small.safetensors")));
});
await new Promise((r) => assets.listen(0, "127.0.0.1", r));
const assetBase = `http://127.0.0.1:${assets.address().port}`;

const wasmModulePlugin = {
  name: "wasm-module",
  setup(b) {
    b.onResolve({ filter: /\.wasm\?module$/ }, (a) => ({ path: join(a.resolveDir, a.path.replace(/\?module$/, "")), namespace: "wasm-module" }));
    b.onLoad({ filter: /.*/, namespace: "wasm-module" }, () => ({ contents: `export default globalThis.${WASM_GLOBAL};`, loader: "js" }));
  },
};
const bundle = await build({
  entryPoints: [join(ROOT, "examples/edge/vercel.mjs")], bundle: true, format: "iife", globalName: "__edge", write: false,
  platform: "neutral", logLevel: "error", plugins: [wasmModulePlugin],
  define: { "import.meta.url": JSON.stringify(`${assetBase}/examples/edge/vercel.mjs`) },
});

const runtime = new EdgeRuntime();
runtime.context[WASM_GLOBAL] = await runtime.evaluate("WebAssembly").compile(readFileSync(join(ROOT, "dist/sdebnn.wasm")));
runtime.evaluate(`${bundle.outputFiles[0].text}
addEventListener("fetch", (event) => event.respondWith(__edge.default(event.request)));`);
const server = await runServer({ runtime, host: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ port: Number(new URL(server.url).port) }));
