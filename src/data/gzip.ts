// gzip detection and runtime-neutral decompression (DecompressionStream: Node >= 18, Deno,
// browsers, edge). Output is capped so that a small file cannot expand without bound.
import { DataError } from "../runtime/errors.js";

/** Default ceiling on decompressed bytes (the MNIST training images are 47 MB). */
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface InflateOptions {
  /** Name used in error messages (a file name or URL). */
  name?: string;
  /** Refuse to produce more than this many bytes (default 256 MiB). */
  maxBytes?: number;
}

/**
 * Returns `bytes` unchanged unless it is gzip, in which case it is decompressed. Corrupt streams
 * and outputs over `maxBytes` give a DataError naming the input.
 */
export async function maybeGunzip(bytes: Uint8Array, options: InflateOptions = {}): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  const name = options.name ?? "<bytes>";
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  if (typeof DecompressionStream !== "function") {
    throw new DataError(`${name}: gzip input but this runtime has no DecompressionStream; ` +
      "decompress it first (in Node use the 'sdebnn' entry, which falls back to zlib)");
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        throw new DataError(`${name}: gzip output exceeds the limit of ${maxBytes} bytes ` +
          "(raise the 'maxBytes' option if the file is genuine)");
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DataError) {
      await reader.cancel().catch(() => undefined);
      throw e;
    }
    throw new DataError(`${name}: corrupt gzip stream after ${total} decompressed bytes ` +
      `(${e instanceof Error ? e.message : String(e)})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}
