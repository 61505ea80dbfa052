// A minimal PNG reader: 8-bit greyscale, greyscale+alpha, RGB or RGBA, not interlaced. Sizes are
// checked before inflating; the inflated size is capped at what the header implies. Pixels come
// out as grey (colour reduced with integer weights, ITU-R BT.601) or as RGB planes (grey
// replicated), so every runtime gives the same bytes. Alpha is composited over a stated background
// grey (default 0, black: the MNIST background): v' = round((v * a + background * (255 - a)) / 255),
// in integers. parsePng + pngPixels do the work around the inflate step, which is async here
// (DecompressionStream) and synchronous in Node's folder reader (src/node/png_sync.ts).
import { DataError } from "../runtime/errors.js";

export interface GreyImage { width: number; height: number; pixels: Uint8Array }
/** Pixels as channel planes [channels, height, width]. */
export interface PngImage { width: number; height: number; channels: 1 | 3; pixels: Uint8Array }

/** A PNG's header and its (still compressed) image data. */
export interface PngChunks {
  width: number;
  height: number;
  /** Samples per pixel in the file: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  samples: number;
  /** Whether the file holds colour (RGB or RGBA). */
  colour: boolean;
  /** The joined IDAT chunks (zlib data). */
  idat: Uint8Array;
  /** Bytes the image data must inflate to: height x (1 + width x samples). */
  rawBytes: number;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const SAMPLES: Record<number, number> = { 0: 1, 4: 2, 2: 3, 6: 4 };
const MAX_SIDE = 8192;

/** Signature, chunk structure and header of a PNG (DataError naming the file and the byte offset). */
export function parsePng(bytes: Uint8Array, name = "<png>"): PngChunks {
  if (bytes.length < 8 || SIGNATURE.some((v, i) => bytes[i] !== v)) throw new DataError(`${name}: not a PNG file (bad signature at byte offset 0)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 8, width = 0, height = 0, samples = 0;
  const idat: Uint8Array[] = [];
  let idatBytes = 0;
  while (off < bytes.length) {
    if (off + 12 > bytes.length) throw new DataError(`${name}: truncated chunk header at byte offset ${off}`);
    const len = dv.getUint32(off), type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    if (len > bytes.length - off - 12) throw new DataError(`${name}: chunk '${type}' at byte offset ${off} declares ${len} bytes, only ${bytes.length - off - 12} remain`);
    const data = bytes.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      if (len !== 13) throw new DataError(`${name}: IHDR must be 13 bytes, got ${len}`);
      width = dv.getUint32(off + 8); height = dv.getUint32(off + 12);
      const depth = data[8]!, colour = data[9]!, interlace = data[12]!;
      if (!(width >= 1 && width <= MAX_SIDE && height >= 1 && height <= MAX_SIDE)) throw new DataError(`${name}: image size ${width}x${height} outside 1..${MAX_SIDE}`);
      if (depth !== 8) throw new DataError(`${name}: bit depth ${depth} is not supported (expected 8)`);
      if (!(colour in SAMPLES)) throw new DataError(`${name}: colour type ${colour} is not supported (expected greyscale, grey+alpha, RGB or RGBA)`);
      if (interlace !== 0) throw new DataError(`${name}: interlaced PNGs are not supported`);
      samples = SAMPLES[colour]!;
    } else if (type === "IDAT") {
      idat.push(data); idatBytes += len;
    } else if (type === "IEND") break;
    off += 12 + len;
  }
  if (!samples) throw new DataError(`${name}: no IHDR chunk`);
  if (!idat.length) throw new DataError(`${name}: no image data (IDAT)`);
  const joined = new Uint8Array(idatBytes);
  let at = 0;
  for (const d of idat) { joined.set(d, at); at += d.length; }
  return { width, height, samples, colour: samples >= 3, idat: joined, rawBytes: height * (width * samples + 1) };
}

async function inflate(data: Uint8Array, limit: number, name: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== "function") throw new DataError(`${name}: this runtime has no DecompressionStream to inflate PNG data`);
  const reader = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate")).getReader();
  const out = new Uint8Array(limit);
  let at = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (at + value.byteLength > limit) throw new DataError(`${name}: image data inflates to more than the ${limit} bytes its header implies`);
      out.set(value, at);
      at += value.byteLength;
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    if (e instanceof DataError) throw e;
    throw new DataError(`${name}: corrupt compressed image data (${e instanceof Error ? e.message : String(e)})`);
  }
  if (at !== limit) throw new DataError(`${name}: image data inflates to ${at} bytes, expected ${limit} from the header`);
  return out;
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

export interface PngGreyOptions {
  /** Grey level 0..255 under transparent pixels (default 0). */
  background?: number;
}
export interface PngOptions extends PngGreyOptions {
  /** Output channels: 1 (grey) or 3 (RGB planes); default: the file's (1 for grey, 3 for colour). */
  channels?: 1 | 3;
}

function checkBackground(bg: number, name: string): void {
  if (!(Number.isInteger(bg) && bg >= 0 && bg <= 255)) throw new DataError(`${name}: background must be an integer grey level 0..255, got ${bg}`);
}

/** The inflated, filtered rows of a PNG -> pixels as channel planes. */
export function pngPixels(h: PngChunks, raw: Uint8Array, name: string, o: PngOptions = {}): PngImage {
  const bg = o.background ?? 0, channels = o.channels ?? (h.colour ? 3 : 1);
  checkBackground(bg, name);
  const { width, height, samples } = h, stride = width * samples;
  if (raw.length !== h.rawBytes) throw new DataError(`${name}: image data inflates to ${raw.length} bytes, expected ${h.rawBytes} from the header`);
  const img = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    if (filter > 4) throw new DataError(`${name}: row ${y}: unknown filter type ${filter}`);
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= samples ? img[y * stride + x - samples]! : 0;
      const b = y > 0 ? img[(y - 1) * stride + x]! : 0;
      const c = x >= samples && y > 0 ? img[(y - 1) * stride + x - samples]! : 0;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      img[y * stride + x] = (v + pred) & 255;
    }
  }
  const plane = width * height, pixels = new Uint8Array(channels * plane);
  const over = (v: number, alpha: number) => (alpha === 255 ? v : Math.floor((v * alpha + bg * (255 - alpha) + 127) / 255));
  for (let i = 0; i < plane; i++) {
    const p = i * samples;
    const alpha = samples === 2 ? img[p + 1]! : samples === 4 ? img[p + 3]! : 255;
    if (channels === 1) {
      const grey = samples <= 2 ? img[p]! : Math.floor((img[p]! * 299 + img[p + 1]! * 587 + img[p + 2]! * 114 + 500) / 1000);
      pixels[i] = over(grey, alpha);
    } else {
      for (let c = 0; c < 3; c++) pixels[c * plane + i] = over(img[p + (samples <= 2 ? 0 : c)]!, alpha);
    }
  }
  return { width, height, channels, pixels };
}

/** Decodes a PNG to grey or RGB planes (DecompressionStream inflates it: any runtime). */
export async function decodePng(bytes: Uint8Array, name = "<png>", options: PngOptions = {}): Promise<PngImage> {
  checkBackground(options.background ?? 0, name);
  const h = parsePng(bytes, name);
  return pngPixels(h, await inflate(h.idat, h.rawBytes, name), name, options);
}

/** Decodes a PNG to grey levels (colour reduced with BT.601 weights). */
export async function decodePngGrey(bytes: Uint8Array, name = "<png>", options: PngGreyOptions = {}): Promise<GreyImage> {
  const { width, height, pixels } = await decodePng(bytes, name, { ...options, channels: 1 });
  return { width, height, pixels };
}
