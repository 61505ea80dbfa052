// Bundles a Vercel Edge Function (examples/edge/vercel.mjs) into one script, as Vercel's build
// does: `.wasm?module` imports read a global the host binds to a compiled WebAssembly.Module, and
// `import.meta.url` a global holding the function's URL (its assets are fetched relative to it).
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";

export const WASM_GLOBAL = "__sdebnn_wasm_module";
export const FUNCTION_URL_GLOBAL = "__function_url";

const wasmModulePlugin = {
  name: "wasm-module",
  setup(b) {
    b.onResolve({ filter: /\.wasm\?module$/ }, (a) => ({ path: join(a.resolveDir, a.path.replace(/\?module$/, "")), namespace: "wasm-module" }));
    b.onLoad({ filter: /.*/, namespace: "wasm-module" }, () => ({ contents: `export default globalThis.${WASM_GLOBAL};`, loader: "js" }));
  },
};

/** Writes the bundle of `entry` to `outfile` (an IIFE script exposing the module as `__edge`). */
export async function bundleVercelFunction({ entry, outfile }) {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({ entryPoints: [entry], bundle: true, format: "iife", globalName: "__edge", outfile, platform: "neutral",
    logLevel: "error", plugins: [wasmModulePlugin], define: { "import.meta.url": FUNCTION_URL_GLOBAL } });
}
