// sdebnn: the runtime-neutral core (Node, Deno, browsers, edge). No Node built-ins here.
import { loadRuntime, type InitOptions, type Runtime, type WasmSource } from "./runtime/load.js";

export * from "./runtime/errors.js";
export { loadRuntime, Runtime, type InitOptions, type WasmSource } from "./runtime/load.js";
export { Arena, F32Buffer, PAGE_BYTES } from "./runtime/memory.js";
export { hasSimd, hasWebAssembly } from "./runtime/simd.js";
export { ABI_VERSION, type WasmExports, type Ptr } from "./runtime/abi.js";

/**
 * Loads the sdebnn binary. Without a source, fetches `sdebnn.wasm` next to this module
 * (browsers, Deno). Edge runtimes pass the bytes or a compiled WebAssembly.Module.
 */
export function init(source?: WasmSource, options?: InitOptions): Promise<Runtime> {
  return loadRuntime(source ?? new URL("./sdebnn.wasm", import.meta.url), options);
}

// Data formats, datasets, checkpoints and configs (runtime-neutral).
export * from "./data/gzip.js";
export * from "./data/idx.js";
export * from "./data/cifar.js";
export * from "./data/csv.js";
export * from "./data/dataset.js";
export * from "./checkpoint/safetensors.js";
export * from "./config/schema.js";
export * from "./config/overrides.js";
export { editDistance, closest } from "./config/suggest.js";
