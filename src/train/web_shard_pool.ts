// Data-parallel training over Web Workers (Deno, browsers, any runtime with module workers): the
// counterpart of the Node ShardPool, with the same fixed shards and summation order, so 1 or N
// workers give the same bits in every runtime.
import type { RunConfig } from "../models/registry.js";
import { ArgumentError } from "../runtime/errors.js";
import { PortExecutor, initShardWorker, type ShardPort, type ShardReply } from "./shard_service.js";

interface WebWorker {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: "message", listener: (e: { data: ShardReply }) => void): void;
  addEventListener(type: "error", listener: (e: { message?: string }) => void): void;
  terminate(): void;
}
type WorkerCtor = new (url: URL | string, options: { type: "module" }) => WebWorker;

function webPort(w: WebWorker): ShardPort {
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onReply: (handler) => w.addEventListener("message", (e) => handler(e.data)),
    onError: (handler) => w.addEventListener("error", (e) => handler(new Error(`shard worker error: ${e.message ?? "unknown"}`))),
  };
}

/**
 * `workers - 1` module Web Workers (the calling thread is executor 0) running
 * dist/web_shard_worker.js. `wasm` is the binary's bytes (or a compiled module where the
 * runtime can post one to a worker, as browsers can).
 */
export class WebShardPool {
  private constructor(readonly executors: PortExecutor[], private readonly workers: WebWorker[]) {}

  static async start(workers: number, wasm: WebAssembly.Module | Uint8Array, cfg: RunConfig,
                     script: URL | string = new URL("./web_shard_worker.js", import.meta.url)): Promise<WebShardPool> {
    const Ctor = (globalThis as { Worker?: WorkerCtor }).Worker;
    if (!Ctor) throw new ArgumentError("this runtime has no Web Worker (globalThis.Worker); in Node use ShardPool");
    if (!Number.isInteger(workers) || workers < 1) throw new ArgumentError(`workers must be a positive integer, got ${workers}`);
    const ws: WebWorker[] = [], executors: PortExecutor[] = [];
    for (let i = 1; i < workers; i++) {
      const w = new Ctor(script, { type: "module" }), port = webPort(w);
      ws.push(w);
      await initShardWorker(port, { wasm: wasm instanceof Uint8Array ? wasm.slice() : wasm, cfg });
      executors.push(new PortExecutor(port));
    }
    return new WebShardPool(executors, ws);
  }

  close(): void {
    for (const w of this.workers) w.terminate();
  }
}
