// The runtime-agnostic halves of data-parallel training: the worker side (a message handler
// that owns its own instance of the wasm binary and computes shards) and the host side (an
// executor that sends ShardTasks over a message port). Node worker_threads (src/node/) and Web
// Workers (Deno, browsers: src/workers/) only adapt their message ports to these.
import { loadRuntime, type Runtime } from "../runtime/load.js";
import { SdebnnError } from "../runtime/errors.js";
import { kindOf, type RunConfig } from "../models/registry.js";
import type { KindModel, SampleRange } from "../models/kind.js";
import type { SampleExecutor } from "../models/predict.js";
import { computeShardOn, type ShardExecutor, type ShardResult, type ShardTask } from "./trainer.js";

export interface ShardInit { wasm: WebAssembly.Module | Uint8Array; cfg: RunConfig }
/** A sample range of a prediction of `rows` inputs, with these parameters (null: the executor's current ones). */
export interface PredictTask { x: Float32Array; rows: number; range: SampleRange; params: Float32Array | null }
export interface ShardMessage { init?: ShardInit; task?: ShardTask; predict?: PredictTask }
export interface ShardReply { ready?: true; result?: ShardResult; probs?: Float32Array; error?: { name: string; code?: string; message: string } }
export type PostReply = (reply: ShardReply, transfer: ArrayBuffer[]) => void;

/** The worker side: returns the handler of one incoming message. */
export function shardService(post: PostReply): (msg: ShardMessage) => Promise<void> {
  let state: { rt: Runtime; model: KindModel; cfg: RunConfig } | null = null;
  return async (msg) => {
    try {
      if (msg.init) {
        const rt = await loadRuntime(msg.init.wasm);
        const model = kindOf(msg.init.cfg).build(rt, msg.init.cfg);
        state = { rt, model, cfg: msg.init.cfg };
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
      const r = computeShardOn(state.rt, state.model, state.cfg.train.samples, msg.task);
      post({ result: r }, [r.grads.buffer as ArrayBuffer]);
    } catch (e) {
      post({ error: { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message } }, []);
    }
  };
}

/** A sample range of a prediction on `model` with the task's parameters: samples x rows x outputs. */
export function predictRange(rt: Runtime, model: KindModel, task: PredictTask): Float32Array {
  if (task.params) model.space.allocated.params.view.set(task.params);
  return rt.arena.scoped(() => {
    const x = rt.arena.f32From(task.x);
    return model.predictSamples(x.ptr, task.rows, task.range);
  });
}

/** What the host needs of a worker's message port. */
export interface ShardPort {
  post(msg: ShardMessage, transfer: ArrayBuffer[]): void;
  onReply(handler: (reply: ShardReply) => void): void;
  onError(handler: (e: Error) => void): void;
}

/** The host side of one worker: training shards and prediction ranges, answered in order. */
export class PortExecutor implements ShardExecutor, SampleExecutor {
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
  async predictSamples(x: Float32Array, rows: number, range: SampleRange, params: Float32Array): Promise<Float32Array> {
    return (await this.send({ predict: { x, rows, range, params } }, [x.buffer as ArrayBuffer, params.buffer as ArrayBuffer])).probs!;
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
