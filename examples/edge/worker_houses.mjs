// A Cloudflare Worker serving the demo tabular model (see worker.mjs for how the imports resolve).
import wasm from "../../dist/sdebnn.wasm";
import checkpoint from "../../demo/houses-small.safetensors";
import { createHandler } from "./app.mjs";

export default createHandler({ wasm, checkpoint });
