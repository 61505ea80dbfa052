// NODE-ONLY: a worker thread that computes training shards on its own instance of the wasm binary
// (see ShardPool and src/train/shard_service.ts).
import { parentPort } from "node:worker_threads";
import { shardService, type ShardMessage } from "../train/shard_service.js";

const handle = shardService((reply, transfer) => parentPort!.postMessage(reply, transfer));
parentPort!.on("message", (msg: ShardMessage) => { void handle(msg); });
