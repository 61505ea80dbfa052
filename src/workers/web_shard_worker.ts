// A Web Worker (Deno, browsers; module worker) that computes training shards on its own instance
// of the wasm binary: the worker side of WebShardPool (src/train/shard_service.ts).
import { shardService, type ShardMessage } from "../train/shard_service.js";

interface WorkerScope {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: "message", listener: (e: { data: ShardMessage }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;
const handle = shardService((reply, transfer) => scope.postMessage(reply, transfer));
scope.addEventListener("message", (e) => { void handle(e.data); });
