// Where init() finds the binary when it is given no source: a file: URL is read from disk (Node,
// Deno, Bun: fetch of file: URLs is not available everywhere), any other URL is fetched.
import type { WasmSource } from "./load.js";

interface DenoLike { readFile(path: URL): Promise<Uint8Array> }

export async function defaultWasm(url: URL): Promise<WasmSource> {
  if (url.protocol !== "file:") return url;
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno) return deno.readFile(url);
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node) {
    // a computed specifier: bundlers for the browser leave it alone (never reached there)
    const spec = ["node", "fs/promises"].join(":");
    const fs = (await import(/* webpackIgnore: true */ /* @vite-ignore */ spec)) as { readFile(p: URL): Promise<Uint8Array> };
    return fs.readFile(url);
  }
  return url;
}
