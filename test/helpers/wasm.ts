// Shared test fixtures: the built binary and a fresh runtime over it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadRuntime, type InitOptions, type Runtime } from "../../src/runtime/load.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const WASM_PATH = fileURLToPath(new URL("../../dist/sdebnn.wasm", import.meta.url));

let cached: Uint8Array | null = null;
/** The bytes of dist/sdebnn.wasm (built by `npm test` before vitest starts). */
export function wasmBytes(): Uint8Array {
  cached ??= new Uint8Array(readFileSync(WASM_PATH));
  return cached;
}

/** A fresh instance of the binary with its own memory. */
export function freshRuntime(options?: InitOptions): Promise<Runtime> {
  return loadRuntime(wasmBytes(), options);
}
