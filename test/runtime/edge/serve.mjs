// Serves examples/edge/handler.mjs with Deno.serve on 127.0.0.1 (a free port); prints {"port"}.
import handler from "../../../examples/edge/handler.mjs";

Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) }, handler.fetch);
