/**
 * One error family for the whole package. Every error carries a stable `code` and a message
 * that names what was wrong (file, field or byte offset) and what was expected.
 */
export class SdebnnError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The JavaScript engine lacks a WebAssembly feature the binary needs (e.g. SIMD). */
export class RuntimeSupportError extends SdebnnError {
  constructor(message: string) { super("E_RUNTIME_SUPPORT", message); }
}

/** The bytes, URL or module given to `init` are not a usable sdebnn binary. */
export class WasmLoadError extends SdebnnError {
  constructor(message: string) { super("E_WASM_LOAD", message); }
}

/** A wasm memory allocation would exceed the configured ceiling or the engine's limit. */
export class MemoryLimitError extends SdebnnError {
  readonly requestedBytes: number;
  readonly limitBytes: number;
  constructor(requestedBytes: number, limitBytes: number, usedBytes: number) {
    super(
      "E_MEMORY_LIMIT",
      `wasm memory limit exceeded: requested ${requestedBytes} bytes with ${usedBytes} bytes in use, ` +
        `limit ${limitBytes} bytes (raise the 'memoryLimitBytes' option of init())`,
    );
    this.requestedBytes = requestedBytes;
    this.limitBytes = limitBytes;
  }
}

/** A kernel inside the wasm aborted (an internal invariant failed). */
export class WasmAbortError extends SdebnnError {
  constructor(message: string) { super("E_WASM_ABORT", message); }
}

/** A configuration value is missing, of the wrong type or out of range. */
export class ConfigError extends SdebnnError {
  constructor(message: string) { super("E_CONFIG", message); }
}

/** Input data (files, user tensors) is malformed. */
export class DataError extends SdebnnError {
  constructor(message: string) { super("E_DATA", message); }
}

/** A checkpoint is malformed, corrupt or incompatible. */
export class CheckpointError extends SdebnnError {
  constructor(message: string) { super("E_CHECKPOINT", message); }
}

/**
 * The operating system refused a file operation (missing file, a directory where a file was
 * expected, permissions, read-only or full file system) or a file is too large or not a regular
 * file. `path` names the file, `osCode` the errno name (ENOENT, ENOSPC, ...) when there is one.
 */
export class FileError extends SdebnnError {
  constructor(message: string, readonly path: string, readonly osCode?: string) { super("E_FILE", message); }
}

/** A NaN or infinity appeared in a loss, gradient or parameter. */
export class NumericalError extends SdebnnError {
  constructor(message: string) { super("E_NUMERICAL", message); }
}

/** A function argument has the wrong shape, type or range. */
export class ArgumentError extends SdebnnError {
  constructor(message: string) { super("E_ARGUMENT", message); }
}
