// Serves an edge handler module (default examples/edge/handler.mjs; argv[2] another one) with
// Bun.serve on 127.0.0.1 (a free port); prints {"port"}.
const entry = process.argv[2] ?? new URL("../../../examples/edge/handler.mjs", import.meta.url).href;
const { default: handler } = await import(entry);

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler.fetch });
console.log(JSON.stringify({ port: server.port }));
