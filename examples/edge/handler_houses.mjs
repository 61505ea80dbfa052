// The edge handler serving the demo tabular model (demo/houses-small.safetensors: house prices from
// size, rooms and area, with per-row noise): `deno serve examples/edge/handler_houses.mjs`, or Bun.
// Same handler as handler.mjs (app.mjs picks the image or the tabular protocol from the checkpoint).
import { createHandler } from "./app.mjs";

export default createHandler({
  wasm: new URL("../../dist/sdebnn.wasm", import.meta.url),
  checkpoint: new URL("../../demo/houses-small.safetensors", import.meta.url),
});
