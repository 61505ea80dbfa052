// NODE-ONLY (uses node:zlib): synchronous gunzip with an output cap, for callers that cannot
// await, and for runtimes whose DecompressionStream is missing.
import { gunzipSync } from "node:zlib";
import { DataError } from "../runtime/errors.js";
import { DEFAULT_MAX_INFLATED_BYTES, isGzip, type InflateOptions } from "../data/gzip.js";

/** Returns `bytes` unchanged unless gzip, else decompressed (capped at `maxBytes`). */
export function maybeGunzipSync(bytes: Uint8Array, options: InflateOptions = {}): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const name = options.name ?? "<bytes>";
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  try {
    const out = gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      throw new DataError(`${name}: gzip output exceeds the limit of ${maxBytes} bytes (raise the 'maxBytes' option if the file is genuine)`);
    }
    throw new DataError(`${name}: corrupt gzip stream (${e instanceof Error ? e.message : String(e)})`);
  }
}
