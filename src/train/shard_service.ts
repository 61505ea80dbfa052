// The runtime-agnostic halves of data-parallel training: the worker side (a message handler
// that owns its own instance of the wasm binary and computes shards) and the host side (an
// executor that sends ShardTasks over a message port). Node worker_threads (src/node/) and Web
// Workers (Deno, browsers: src/workers/) only adapt their message ports to these.
import { loadRuntime, type Runtime } from "../runtime/load.js";
import { SdebnnError } from "../runtime/errors.js";
import { PhiloxRandomness } from "../random/philox_randomness.js";
import { ImageSdeBnn } from "../models/image.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { computeShardOn, type ShardExecutor, type ShardResult, type ShardTask } from "./image_trainer.js";

export interface ShardInit { wasm: WebAssembly.Module | Uint8Array; cfg: ImageRunConfig; datasetSize: number }
/**
 * Samples first .. first + samples - 1 of a `total`-sample prediction of `rows` inputs, with these
 * parameters (null: the executor's current parameters, as in ShardTask).
 */
export interface PredictTask { x: Float32Array; rows: number; first: number; samples: number; total: number; draw: number; params: Float32Array | null }
export interface ShardMessage { init?: ShardInit; task?: ShardTask; predict?: PredictTask }
export interface ShardReply { ready?: true; result?: ShardResult; probs?: Float32Array; error?: { name: string; code?: string; message: string } }
export type PostReply = (reply: ShardReply, transfer: ArrayBuffer[]) => void;

/** The worker side: returns the handler of one incoming message. */
export function shardService(post: PostReply): (msg: ShardMessage) => Promise<void> {
  let state: { rt: Runtime; model: ImageSdeBnn; cfg: ImageRunConfig; datasetSize: number } | null = null;
  return async (msg) => {
    try {
      if (msg.init) {
        const rt = await loadRuntime(msg.init.wasm);
        const model = new ImageSdeBnn(rt, new PhiloxRandomness(rt, msg.init.cfg.seed), msg.init.cfg.model);
        state = { rt, model, cfg: msg.init.cfg, datasetSize: msg.init.datasetSize };
        post({ ready: true }, []);
        return;
      }
      if (!state) throw new Error("a task arrived before init");
      if (msg.predict) {
        const probs = predictRange(state.rt, state.model, msg.predict);
        post({ probs }, [probs.buffer as ArrayBuffer]);
        return;
      }
      if (!msg.task) throw new Error("a message with neither init, task nor predict");
      const r = computeShardOn(state.rt, state.model, state.cfg, state.datasetSize, msg.task);
      post({ result: r }, [r.grads.buffer as ArrayBuffer]);
    } catch (e) {
      post({ error: { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message } }, []);
    }
  };
}

/** A sample range of a prediction on `model` with the task's parameters: S x B x K probabilities. */
export function predictRange(rt: Runtime, model: ImageSdeBnn, task: PredictTask): Float32Array {
  if (task.params) model.space.allocated.params.view.set(task.params);
  return rt.arena.scoped(() => {
    const x = rt.arena.f32From(task.x);
    return model.predict(x.ptr, task.rows, task.samples, task.draw, { first: task.first, total: task.total }).sampleProbs;
  });
}

/** What the host needs of a worker's message port. */
export interface ShardPort {
  post(msg: ShardMessage, transfer: ArrayBuffer[]): void;
  onReply(handler: (reply: ShardReply) => void): void;
  onError(handler: (e: Error) => void): void;
}

/** The host side of one worker: training shards and prediction ranges, answered in order. */
export class PortExecutor implements ShardExecutor {
  private queue: { resolve: (r: ShardReply) => void; reject: (e: Error) => void }[] = [];
  constructor(private readonly port: ShardPort) {
    port.onReply((m) => {
      if (m.ready) return;
      const p = this.queue.shift();
      if (!p) return;
      if (m.error) p.reject(Object.assign(new SdebnnError(m.error.code ?? "E_WORKER", `shard worker: ${m.error.message}`), { name: m.error.name }));
      else p.resolve(m);
    });
    port.onError((e) => { for (const p of this.queue.splice(0)) p.reject(e); });
  }
  private send(msg: ShardMessage, transfer: ArrayBuffer[]): Promise<ShardReply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.port.post(msg, transfer);
    });
  }
  async run(task: ShardTask): Promise<ShardResult> {
    return (await this.send({ task }, [task.x.buffer as ArrayBuffer, task.y.buffer as ArrayBuffer])).result!;
  }
  async predict(task: PredictTask): Promise<Float32Array> {
    const transfer = [task.x.buffer as ArrayBuffer, ...(task.params ? [task.params.buffer as ArrayBuffer] : [])];
    return (await this.send({ predict: task }, transfer)).probs!;
  }
}

/** Sends init and waits for the worker's ready (or its error). */
export function initShardWorker(port: ShardPort, init: ShardInit): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    port.onReply((m) => {
      if (settled) return;
      settled = true;
      if (m.ready) resolve();
      else reject(new SdebnnError("E_WORKER", `shard worker failed to start: ${m.error?.message ?? "no reply"}`));
    });
    port.onError((e) => { if (!settled) { settled = true; reject(e); } });
    port.post({ init }, []);
  });
}
