// Deno side of the Web Worker test: prints one JSON line.
import * as sdebnn from "../../../dist/advanced.js";
import { workerRun } from "./cases.mjs";

const bytes = await Deno.readFile(new URL("../../../dist/sdebnn.wasm", import.meta.url));
const run = await workerRun(sdebnn, bytes, new URL("../../../dist/web_shard_worker.js", import.meta.url));
run.runtime = `deno ${Deno.version.deno}`;
console.log(JSON.stringify(run));
