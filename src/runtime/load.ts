import { instantiate } from "@assemblyscript/loader";
import { ABI_VERSION, REQUIRED_EXPORTS, type WasmExports } from "./abi.js";
import { RuntimeSupportError, WasmLoadError, WasmAbortError, ArgumentError } from "./errors.js";
import { Arena, MAX_PAGES, PAGE_BYTES } from "./memory.js";
import { hasSimd, hasWebAssembly } from "./simd.js";

/** Anything the sdebnn binary can be loaded from. */
export type WasmSource =
  | ArrayBuffer | ArrayBufferView
  | URL | string
  | Response | PromiseLike<Response>
  | WebAssembly.Module;

export interface InitOptions {
  /** Ceiling on wasm linear memory in bytes (default and maximum: 4 GiB). */
  memoryLimitBytes?: number;
  /** Initial linear memory in bytes (default 1 MiB). */
  initialMemoryBytes?: number;
}

/** A loaded sdebnn binary: its exports, its memory and the arena that hands out blocks. */
export class Runtime {
  constructor(
    readonly wasm: WasmExports,
    readonly memory: WebAssembly.Memory,
    readonly arena: Arena,
    readonly module: WebAssembly.Module,
  ) {}
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

function describe(source: unknown): string {
  if (source === null) return "null";
  if (typeof source !== "object") return typeof source;
  return (source as object).constructor?.name ?? "object";
}

function toBytes(src: ArrayBuffer | ArrayBufferView): Uint8Array {
  return src instanceof ArrayBuffer
    ? new Uint8Array(src)
    : new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
}

function checkMagic(bytes: Uint8Array, origin: string): void {
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new WasmLoadError(
      `${origin} is not a WebAssembly binary: expected magic bytes 00 61 73 6d, got ` +
        `${head || "an empty buffer"} (${bytes.length} bytes)`,
    );
  }
}

async function fetchBytes(url: URL | string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new WasmLoadError(`could not fetch the sdebnn binary from ${String(url)}: ${(e as Error).message}`);
  }
  return responseBytes(response, String(url));
}

async function responseBytes(response: Response, origin: string): Promise<Uint8Array> {
  if (!response.ok) {
    throw new WasmLoadError(`fetching the sdebnn binary from ${origin} failed: HTTP ${response.status} ${response.statusText}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  let bytes: Uint8Array;
  let origin: string;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    bytes = toBytes(source);
    origin = "the buffer passed to init()";
  } else if (typeof source === "string" || source instanceof URL) {
    bytes = await fetchBytes(source);
    origin = String(source);
  } else if (source !== null && typeof source === "object" && "then" in source) {
    const response = await source;
    origin = response.url || "the Response passed to init()";
    bytes = await responseBytes(response, origin);
  } else if (typeof Response !== "undefined" && source instanceof Response) {
    origin = source.url || "the Response passed to init()";
    bytes = await responseBytes(source, origin);
  } else {
    throw new ArgumentError(
      `init() takes bytes, a URL, a Response or a WebAssembly.Module; got ${describe(source)}`,
    );
  }
  checkMagic(bytes, origin);
  try {
    return await WebAssembly.compile(bytes as BufferSource);
  } catch (e) {
    if (!hasSimd()) {
      throw new RuntimeSupportError(
        "this JavaScript engine cannot run sdebnn: its WebAssembly lacks the SIMD proposal (v128, f32x4). " +
          "Use Node >= 16.4, Deno >= 1.9, Chrome >= 91, Firefox >= 89 or Safari >= 16.4.",
      );
    }
    throw new WasmLoadError(`${origin} is not a valid WebAssembly module: ${(e as Error).message}`);
  }
}

function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  const buf = memory.buffer;
  const byteLen = new Uint32Array(buf, (ptr - 4) & ~3, 1)[0]!;
  const units = new Uint16Array(buf, ptr, byteLen >>> 1);
  let s = "";
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096));
  return s;
}

function pagesFor(bytes: number, field: string): number {
  if (!Number.isFinite(bytes) || bytes <= 0) {
    throw new ArgumentError(`init() option '${field}' must be a positive number of bytes, got ${bytes}`);
  }
  return Math.min(MAX_PAGES, Math.ceil(bytes / PAGE_BYTES));
}

/**
 * Loads the sdebnn binary. Accepts the bytes, a URL (fetched), a `Response`, a promise of one,
 * or an already compiled `WebAssembly.Module` (edge runtimes that bundle wasm as a module).
 */
export async function loadRuntime(source: WasmSource, options: InitOptions = {}): Promise<Runtime> {
  if (!hasWebAssembly()) {
    throw new RuntimeSupportError("this JavaScript engine has no WebAssembly support; sdebnn needs WebAssembly with SIMD");
  }
  if (!hasSimd()) {
    throw new RuntimeSupportError(
      "this JavaScript engine's WebAssembly lacks the SIMD proposal (v128, f32x4) that sdebnn needs. " +
        "Use Node >= 16.4, Deno >= 1.9, Chrome >= 91, Firefox >= 89 or Safari >= 16.4.",
    );
  }
  const maxPages = pagesFor(options.memoryLimitBytes ?? MAX_PAGES * PAGE_BYTES, "memoryLimitBytes");
  const initialPages = Math.min(maxPages, pagesFor(options.initialMemoryBytes ?? 16 * PAGE_BYTES, "initialMemoryBytes"));
  const module = await compile(source);

  const imported = WebAssembly.Module.imports(module);
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = REQUIRED_EXPORTS.filter((name) => !exported.has(name));
  if (missing.length > 0 || !imported.some((i) => i.module === "env" && i.name === "memory" && i.kind === "memory")) {
    throw new WasmLoadError(
      `the WebAssembly module is not an sdebnn binary: ` +
        (missing.length > 0 ? `missing exports ${missing.join(", ")}` : `it does not import env.memory`),
    );
  }

  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: initialPages, maximum: maxPages });
  } catch (e) {
    throw new RuntimeSupportError(`this engine cannot reserve ${maxPages} pages of wasm memory: ${(e as Error).message}`);
  }
  const env = {
    memory,
    abort(msg: number, file: number, line: number, col: number): never {
      throw new WasmAbortError(`wasm kernel aborted: ${readAsString(memory, msg)} at ${readAsString(memory, file)}:${line}:${col}`);
    },
  };
  let exports: WasmExports;
  try {
    const result = await instantiate<Record<string, unknown>>(module, { env });
    exports = result.exports as unknown as WasmExports;
  } catch (e) {
    throw new WasmLoadError(`instantiating the sdebnn binary failed: ${(e as Error).message}`);
  }
  const abi = exports.abi_version();
  if (abi !== ABI_VERSION) {
    throw new WasmLoadError(`sdebnn binary speaks ABI version ${abi} but this host expects ${ABI_VERSION}: rebuild or reinstall so that dist/ matches`);
  }
  exports.arena_init(0, 0);
  return new Runtime(exports, memory, new Arena(exports, memory, maxPages * PAGE_BYTES), module);
}
