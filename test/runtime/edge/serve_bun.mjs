// Serves examples/edge/handler.mjs with Bun.serve on 127.0.0.1 (a free port); prints {"port"}.
import handler from "../../../examples/edge/handler.mjs";

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler.fetch });
console.log(JSON.stringify({ port: server.port }));
