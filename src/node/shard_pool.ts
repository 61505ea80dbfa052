// NODE-ONLY: worker threads computing shards of each training step (data parallelism). The shard
// split and the order of the gradient sum are fixed by the config, so 1 or N workers give the same bits.
import { Worker } from "node:worker_threads";
import type { ImageRunConfig } from "../models/image_config.js";
import type { ShardExecutor, ShardResult, ShardTask } from "../train/image_trainer.js";
import { SdebnnError } from "../runtime/errors.js";

class WorkerExecutor implements ShardExecutor {
  private queue: { resolve: (r: ShardResult) => void; reject: (e: Error) => void }[] = [];
  constructor(private readonly worker: Worker) {
    worker.on("message", (m: { result?: ShardResult; error?: { name: string; code?: string; message: string }; ready?: boolean }) => {
      if (m.ready) return;
      const p = this.queue.shift();
      if (!p) return;
      if (m.error) p.reject(Object.assign(new SdebnnError(m.error.code ?? "E_WORKER", `shard worker: ${m.error.message}`), { name: m.error.name }));
      else p.resolve(m.result!);
    });
    worker.on("error", (e) => { for (const p of this.queue.splice(0)) p.reject(e); });
  }
  run(task: ShardTask): Promise<ShardResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.worker.postMessage({ task }, [task.x.buffer as ArrayBuffer, task.y.buffer as ArrayBuffer]);
    });
  }
}

/** `workers - 1` worker threads (the calling thread is executor 0). */
export class ShardPool {
  private constructor(readonly executors: ShardExecutor[], private readonly workers: Worker[]) {}

  static async start(workers: number, wasm: WebAssembly.Module, cfg: ImageRunConfig, datasetSize: number,
                     script = new URL("./shard_worker.js", import.meta.url)): Promise<ShardPool> {
    const ws: Worker[] = [];
    for (let i = 1; i < workers; i++) {
      const w = new Worker(script);
      await new Promise<void>((resolve, reject) => {
        const onMsg = (m: { ready?: boolean; error?: { message: string } }) => {
          w.off("message", onMsg);
          if (m.ready) resolve(); else reject(new Error(`shard worker failed to start: ${m.error?.message}`));
        };
        w.on("message", onMsg);
        w.once("error", reject);
        w.postMessage({ init: { wasm, cfg, datasetSize } });
      });
      ws.push(w);
    }
    return new ShardPool(ws.map((w) => new WorkerExecutor(w)), ws);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
