// A Cloudflare Worker (workerd): the wasm and the checkpoint are module imports, resolved by the
// bundler the way wrangler does it (`.wasm` -> a CompiledWasm module, i.e. a WebAssembly.Module;
// `.safetensors` -> a Data module, i.e. an ArrayBuffer; see docs/runtimes.md for the wrangler rules).
// Workers cannot compile wasm from bytes at run time, so the module import is the only way in.
// In a deployment import from "sdebnn/sdebnn.wasm" and "sdebnn/infer"; here the repository's build.
import wasm from "../../dist/sdebnn.wasm";
import checkpoint from "../../demo/mnist-small.safetensors";
import { createHandler } from "./app.mjs";

export default createHandler({ wasm, checkpoint });
