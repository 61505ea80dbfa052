// workerd side of the cross-runtime golden test: the golden inference case (sdebnn/infer on the
// MNIST golden checkpoint written by the Node side) as a Worker; GET / answers its SHA-256.
// The wasm, the checkpoint and the fixture are module imports (CompiledWasm, Data, Data), the
// only way a Worker gets them: it cannot compile wasm from bytes.
import wasm from "../../../dist/sdebnn.wasm";
import checkpoint from "../../../build/golden/mnist-golden.safetensors";
import fixture from "../../../build/golden/mnist128.bin";
import * as infer from "../../../dist/infer.js";
import { goldenInference, mnistFixture, sha256Hex } from "./cases.mjs";

export default {
  async fetch() {
    try {
      const rt = await infer.init(wasm);
      const out = await goldenInference(infer, rt, new Uint8Array(checkpoint), mnistFixture(new Uint8Array(fixture)).pixels);
      return Response.json({ sha256: await sha256Hex(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)),
        samples: Array.from(out.subarray(out.length - 4)), runtime: navigator.userAgent });
    } catch (e) {
      return Response.json({ error: String(e?.stack ?? e) });
    }
  },
};
