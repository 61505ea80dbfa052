// A Vercel Edge Function serving the demo tabular model (see vercel.mjs for the wasm and asset rules).
import wasm from "../../dist/sdebnn.wasm?module";
import { createHandler } from "./app.mjs";

export const config = { runtime: "edge" };

const handler = createHandler({ wasm, checkpoint: new URL("../../demo/houses-small.safetensors", import.meta.url) });

export default (request) => handler.fetch(request);
