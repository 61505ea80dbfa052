// A Vercel Edge Function: Vercel's bundler turns a `?module` import of a .wasm file into a compiled
// WebAssembly.Module (edge functions cannot compile wasm from fetched bytes), and serves the
// checkpoint as a static asset fetched from `new URL(..., import.meta.url)`.
// In a deployment import from "sdebnn/sdebnn.wasm?module" and "sdebnn/infer"; here the repository's build.
import wasm from "../../dist/sdebnn.wasm?module";
import { createHandler } from "./app.mjs";

export const config = { runtime: "edge" };

const handler = createHandler({ wasm, checkpoint: new URL("../../demo/mnist-small.safetensors", import.meta.url) });

export default (request) => handler.fetch(request);
