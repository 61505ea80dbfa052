// NODE-ONLY: a worker thread that computes training shards on its own instance of the wasm binary
// (see ShardPool). Messages: {init: {wasm, cfg, datasetSize}} once, then ShardTask -> ShardResult.
import { parentPort } from "node:worker_threads";
import { loadRuntime, type Runtime } from "../runtime/load.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { ImageSdeBnn } from "../models/image.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { computeShardOn, type ShardTask } from "../train/image_trainer.js";

let state: { rt: Runtime; model: ImageSdeBnn; cfg: ImageRunConfig; datasetSize: number } | null = null;

parentPort!.on("message", (msg: { init?: { wasm: WebAssembly.Module; cfg: ImageRunConfig; datasetSize: number }; task?: ShardTask }) => {
  void (async () => {
    try {
      if (msg.init) {
        const rt = await loadRuntime(msg.init.wasm);
        const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, msg.init.cfg.seed), msg.init.cfg.model);
        state = { rt, model, cfg: msg.init.cfg, datasetSize: msg.init.datasetSize };
        parentPort!.postMessage({ ready: true });
        return;
      }
      if (!state || !msg.task) throw new Error("shard worker: a task arrived before init");
      const r = computeShardOn(state.rt, state.model, state.cfg, state.datasetSize, msg.task);
      parentPort!.postMessage({ result: r }, [r.grads.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ error: { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message } });
    }
  })();
});
