// The baseline for bench/edge.mjs: the same handler in plain Node (node:http, each request turned
// into a fetch Request and the Response written back), the wasm and checkpoint (argv[2], default
// the MNIST demo) read from disk; prints {"port"}.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { createHandler } from "../../../examples/edge/app.mjs";

const file = (path) => new Uint8Array(readFileSync(new URL(path, import.meta.url)));
const checkpoint = process.argv[2] ? new Uint8Array(readFileSync(process.argv[2])) : file("../../../demo/mnist-small.safetensors");
const handler = createHandler({ wasm: file("../../../dist/sdebnn.wasm"), checkpoint });

const server = createServer(async (req, res) => {
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : Readable.toWeb(req);
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body, duplex: "half" });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
