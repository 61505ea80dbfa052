// NODE-ONLY (uses node:zlib): PNG decoding without awaiting, for the synchronous data loaders
// (image folders). The same parsing and pixel code as src/data/png.ts, only the inflate differs.
import { inflateSync } from "node:zlib";
import { DataError } from "../runtime/errors.js";
import { pngPixels, type PngChunks, type PngImage, type PngOptions } from "../data/png.js";

/** The pixels of parsed PNG chunks (zlib inflate capped at the size the header implies). */
export function pngPixelsSync(h: PngChunks, name: string, o: PngOptions = {}): PngImage {
  let raw: Buffer;
  try {
    raw = inflateSync(h.idat, { maxOutputLength: h.rawBytes });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE") throw new DataError(`${name}: image data inflates to more than the ${h.rawBytes} bytes its header implies`);
    throw new DataError(`${name}: corrupt compressed image data (${e instanceof Error ? e.message : String(e)})`);
  }
  return pngPixels(h, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), name, o);
}
