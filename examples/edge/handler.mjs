// The edge handler with the repository's build and the demo checkpoint as file URLs next to this
// module (fetched on the first request): `deno serve examples/edge/handler.mjs`, or Bun
// (`Bun.serve({ fetch: handler.fetch })`). The handler itself is in app.mjs.
import { createHandler } from "./app.mjs";

export { createHandler, isJson, MAX_BODY_BYTES, MAX_SAMPLES } from "./app.mjs";

export default createHandler({
  wasm: new URL("../../dist/sdebnn.wasm", import.meta.url),
  checkpoint: new URL("../../demo/mnist-small.safetensors", import.meta.url),
});
