// NODE-ONLY: worker threads computing shards of each training step (data parallelism). The shard
// split and the order of the gradient sum are fixed by the config, so 1 or N workers give the same bits.
import { Worker } from "node:worker_threads";
import type { RunConfig } from "../models/registry.js";
import { PortExecutor, initShardWorker, type ShardPort, type ShardReply } from "../train/shard_service.js";

function nodePort(w: Worker): ShardPort {
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onReply: (handler) => { w.on("message", (m: ShardReply) => handler(m)); },
    onError: (handler) => { w.on("error", handler); },
  };
}

/** `workers - 1` worker threads (the calling thread is executor 0). */
export class ShardPool {
  private constructor(readonly executors: PortExecutor[], private readonly workers: Worker[]) {}

  static async start(workers: number, wasm: WebAssembly.Module, cfg: RunConfig,
                     script = new URL("./shard_worker.js", import.meta.url)): Promise<ShardPool> {
    const ws: Worker[] = [], executors: PortExecutor[] = [];
    for (let i = 1; i < workers; i++) {
      const w = new Worker(script), port = nodePort(w);
      ws.push(w);
      await initShardWorker(port, { wasm, cfg });
      executors.push(new PortExecutor(port));
    }
    return new ShardPool(executors, ws);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
