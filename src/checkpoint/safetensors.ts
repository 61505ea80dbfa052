// The safetensors format (https://github.com/huggingface/safetensors):
//   [8 bytes: N, u64 little-endian][N bytes: JSON header, space-padded][payload: raw LE tensors]
// header = { "__metadata__": {string: string}, name: {dtype, shape, data_offsets: [begin, end]} }
// with offsets relative to the payload start, covering it contiguously without overlap.
// The reader checks every size against the bytes present before it allocates anything.
import { CheckpointError } from "../runtime/errors.js";
import { MAX_CONFIG_DEPTH, parseJsonStrict } from "../config/strict_json.js";
import { checkpointDigest, sha256Hex } from "./digest.js";

export { sha256Hex };

export type Dtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "U64" | "I32" | "U32" | "I16" | "U16" | "I8" | "U8" | "BOOL";

export type TensorData = Float64Array | Float32Array | BigInt64Array | BigUint64Array | Int32Array | Uint32Array
  | Int16Array | Uint16Array | Int8Array | Uint8Array;

export interface Tensor {
  dtype: Dtype;
  shape: number[];
  /** Element values (F16, BF16: raw 16-bit patterns; BOOL: bytes 0/1). */
  data: TensorData;
}

type Ctor = { new (n: number): TensorData; new (b: ArrayBuffer): TensorData; BYTES_PER_ELEMENT: number };
const DTYPES: Record<Dtype, Ctor> = {
  F64: Float64Array, F32: Float32Array, F16: Uint16Array, BF16: Uint16Array,
  I64: BigInt64Array, U64: BigUint64Array, I32: Int32Array, U32: Uint32Array,
  I16: Int16Array, U16: Uint16Array, I8: Int8Array, U8: Uint8Array, BOOL: Uint8Array,
} as unknown as Record<Dtype, Ctor>;

/** The safetensors reference reader refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;
const MAX_RANK = 64;
/** The header nests {name: {shape: [...]}}: 3 levels; a little slack for foreign writers' extensions. */
const HEADER_DEPTH = 8;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isDtype(s: unknown): s is Dtype {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(DTYPES, s);
}

/** Byte order of `bytes` (element size `size`) swapped in place (only needed on big-endian hosts). */
function swapInPlace(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) { const t = bytes[a]!; bytes[a] = bytes[b]!; bytes[b] = t; }
  }
}

const show = (v: unknown): string => {
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > 60 ? s.slice(0, 60) + "..." : s;
};

/**
 * Serialises tensors (in element-size order, largest first, then as given, so every tensor is
 * naturally aligned) and string metadata. Deterministic: same inputs, same bytes.
 */
export function encodeSafetensors(tensors: Iterable<[string, Tensor]> | Record<string, Tensor>,
                                  metadata?: Record<string, string>): Uint8Array {
  const list = Symbol.iterator in Object(tensors) ? [...(tensors as Iterable<[string, Tensor]>)]
    : Object.entries(tensors as Record<string, Tensor>);
  const names = new Set<string>();
  for (const [name, t] of list) {
    if (typeof name !== "string" || name === "__metadata__") {
      throw new CheckpointError(`tensor name ${show(name)} is reserved or not a string`);
    }
    if (names.has(name)) throw new CheckpointError(`tensor '${name}' appears twice`);
    names.add(name);
    if (!isDtype(t.dtype)) throw new CheckpointError(`tensor '${name}': unsupported dtype ${show(t.dtype)}: expected one of ${Object.keys(DTYPES).join(", ")}`);
    const ctor = DTYPES[t.dtype];
    if (!(t.data instanceof ctor)) {
      throw new CheckpointError(`tensor '${name}': dtype ${t.dtype} needs a ${ctor.name}, got ${t.data?.constructor?.name ?? typeof t.data}`);
    }
    let n = 1;
    for (const d of t.shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw new CheckpointError(`tensor '${name}': shape ${show(t.shape)} must hold non-negative integers`);
      n *= d;
    }
    if (n !== t.data.length) throw new CheckpointError(`tensor '${name}': shape ${show(t.shape)} holds ${n} elements, data has ${t.data.length}`);
  }
  const meta: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (typeof v !== "string") throw new CheckpointError(`metadata '${k}' must be a string, got ${typeof v}`);
    meta[k] = v;
  }
  const order = list.map((e, i) => ({ e, i })).sort((a, b) =>
    DTYPES[b.e[1].dtype].BYTES_PER_ELEMENT - DTYPES[a.e[1].dtype].BYTES_PER_ELEMENT || a.i - b.i).map((o) => o.e);
  // JSON.stringify of a null-prototype object and of "__proto__" keys is well defined: build the text by hand.
  const parts: string[] = [];
  if (metadata !== undefined) {
    parts.push(`"__metadata__":{${Object.keys(meta).map((k) => `${JSON.stringify(k)}:${JSON.stringify(meta[k])}`).join(",")}}`);
  }
  let offset = 0;
  for (const [name, t] of order) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  let header = new TextEncoder().encode(`{${parts.join(",")}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded !== header.length) {
    const h = new Uint8Array(padded).fill(0x20);
    h.set(header);
    header = h;
  }
  const out = new Uint8Array(8 + header.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, header.length, true);
  dv.setUint32(4, Math.floor(header.length / 4294967296), true);
  out.set(header, 8);
  let at = 8 + header.length;
  for (const [, t] of order) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(raw, at);
    if (!LITTLE_ENDIAN) swapInPlace(out.subarray(at, at + raw.length), DTYPES[t.dtype].BYTES_PER_ELEMENT);
    at += raw.length;
  }
  return out;
}

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  /** The "__metadata__" map (a null-prototype object), empty when absent. */
  metadata: Record<string, string>;
  /** Byte offset of the payload (8 + header length). */
  payloadOffset: number;
  /** The payload bytes (a view into the input). */
  payload: Uint8Array;
}

export interface Entry { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }

/** Validates the framing and header of a safetensors file; allocates nothing proportional to declared sizes. */
export function readSafetensorsHeader(bytes: Uint8Array, file = "<safetensors>"):
    { entries: Entry[]; metadata: Record<string, string>; payloadOffset: number; payload: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError(`${file}: expected the file contents as a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 8) {
    throw new CheckpointError(`${file}: too short for the 8-byte header length at byte offset 0: expected >= 8 bytes, got ${bytes.length}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const avail = bytes.length - 8;
  if (hi !== 0 || lo > avail || lo > MAX_HEADER_BYTES) {
    const n = (BigInt(hi) << 32n) | BigInt(lo);
    throw new CheckpointError(`${file}: header length at byte offset 0 is out of range: expected <= ${Math.min(avail, MAX_HEADER_BYTES)} ` +
      `(the file has ${bytes.length} bytes), got ${n}`);
  }
  const headerLen = lo;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    throw new CheckpointError(`${file}: header at byte offset 8 (${headerLen} bytes) is not valid UTF-8`);
  }
  if (text[0] !== "{") {
    throw new CheckpointError(`${file}: header at byte offset 8 must be a JSON object starting with '{', got ${show(text.slice(0, 20))}`);
  }
  // duplicate keys refused (JSON.parse would keep the last silently); a valid header nests 3 deep
  const json = parseJsonStrict(text, { where: `${file}: header at byte offset 8`, maxDepth: HEADER_DEPTH,
    error: (m) => new CheckpointError(m) });
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new CheckpointError(`${file}: header must be a JSON object, got ${Array.isArray(json) ? "an array" : show(json)}`);
  }
  const payloadOffset = 8 + headerLen;
  const payloadLen = bytes.length - payloadOffset;
  const metadata = Object.create(null) as Record<string, string>;
  const entries: Entry[] = [];
  for (const key of Object.keys(json)) {
    const v = (json as Record<string, unknown>)[key];
    if (key === "__metadata__") {
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        throw new CheckpointError(`${file}: header field '__metadata__' must be an object of strings, got ${show(v)}`);
      }
      for (const mk of Object.keys(v)) {
        const mv = (v as Record<string, unknown>)[mk];
        if (typeof mv !== "string") throw new CheckpointError(`${file}: metadata field '${mk}' must be a string, got ${show(mv)}`);
        metadata[mk] = mv;
      }
      continue;
    }
    const where = `${file}: tensor '${key}'`;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new CheckpointError(`${where}: expected {dtype, shape, data_offsets}, got ${show(v)}`);
    const info = v as Record<string, unknown>;
    for (const f of Object.keys(info)) {
      if (f !== "dtype" && f !== "shape" && f !== "data_offsets") {
        throw new CheckpointError(`${where}: unknown field '${f}': expected only dtype, shape, data_offsets`);
      }
    }
    const { dtype, shape, data_offsets: off } = info;
    if (!isDtype(dtype)) throw new CheckpointError(`${where}: field 'dtype': expected one of ${Object.keys(DTYPES).join(", ")}, got ${show(dtype)}`);
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError(`${where}: field 'shape': expected an array of at most ${MAX_RANK} non-negative integers, got ${show(shape)}`);
    }
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError(`${where}: field 'data_offsets': expected [begin, end] non-negative integers, got ${show(off)}`);
    }
    const [begin, end] = off as [number, number];
    if (begin > end || end > payloadLen) {
      throw new CheckpointError(`${where}: field 'data_offsets' [${begin}, ${end}] is out of range: expected 0 <= begin <= end <= ${payloadLen} (payload bytes)`);
    }
    const size = DTYPES[dtype].BYTES_PER_ELEMENT;
    let elems = 1;
    for (const d of shape as number[]) elems = Math.min(elems * d, Number.MAX_SAFE_INTEGER);
    const want = elems * size;
    if (want !== end - begin) {
      throw new CheckpointError(`${where}: shape [${(shape as number[]).join(", ")}] of ${dtype} needs ` +
        `${elems >= Number.MAX_SAFE_INTEGER ? "more than 2^53" : want} bytes, data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    entries.push({ name: key, dtype, shape: shape as number[], begin, end });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let prev = "";
  for (const e of sorted) {
    if (e.begin !== expected) {
      throw new CheckpointError(`${file}: tensor '${e.name}' data_offsets begin at ${e.begin}: expected ${expected} ` +
        (e.begin < expected ? `(overlaps tensor '${prev}')` : `(a gap of ${e.begin - expected} bytes after ${prev ? `tensor '${prev}'` : "the header"})`));
    }
    expected = e.end;
    prev = e.name;
  }
  if (expected !== payloadLen) {
    throw new CheckpointError(`${file}: tensors cover ${expected} payload bytes, the file holds ${payloadLen} ` +
      `(trailing bytes at byte offset ${payloadOffset + expected})`);
  }
  return { entries, metadata, payloadOffset, payload: bytes.subarray(payloadOffset) };
}

/** Copies validated entries out of the payload into aligned typed arrays. */
function materialise(entries: Entry[], payload: Uint8Array): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const ctor = DTYPES[e.dtype];
    // a fresh copy: `payload` may be a view into a larger buffer (a Node Buffer's `slice` is a view, not a copy)
    const raw = new Uint8Array(e.end - e.begin);
    raw.set(payload.subarray(e.begin, e.end));
    if (!LITTLE_ENDIAN) swapInPlace(raw, ctor.BYTES_PER_ELEMENT);
    tensors.set(e.name, { dtype: e.dtype, shape: [...e.shape], data: new ctor(raw.buffer as ArrayBuffer) });
  }
  return tensors;
}

/** Reads any safetensors file (no sdebnn-specific metadata required). */
export function decodeSafetensors(bytes: Uint8Array, file = "<safetensors>"): SafetensorsFile {
  const h = readSafetensorsHeader(bytes, file);
  return { tensors: materialise(h.entries, h.payload), metadata: h.metadata, payloadOffset: h.payloadOffset, payload: h.payload };
}

// ---- sdebnn checkpoints: safetensors plus required metadata ----------------------------------

export const CHECKPOINT_FORMAT = "sdebnn";
/**
 * 2: the "sha256" metadata covers the whole header (config, seed, step, every other metadata field,
 * tensor names, dtypes, shapes, offsets) and the payload (see digest.ts). 1: the payload only;
 * read only when asked for explicitly (`allowVersion1`), since a flipped header bit went unnoticed.
 */
export const CHECKPOINT_VERSION = 2;

export interface CheckpointInfo {
  /** The model/training configuration (any JSON value; stored as a JSON string). */
  config: unknown;
  seed: number;
  step: number;
  /** Further string metadata (keys must not collide with the reserved ones). */
  extra?: Record<string, string>;
}

export interface Checkpoint extends SafetensorsFile {
  config: unknown;
  seed: number;
  step: number;
  formatVersion: number;
  sha256: string;
}

export interface DecodeCheckpointOptions {
  /**
   * Accept format version 1 files, whose checksum covers the tensor payload only (a corrupted
   * header - config, step, names - is then not detected). Default false: they are refused.
   */
  allowVersion1?: boolean;
}

const RESERVED = ["format", "format_version", "config", "seed", "step", "sha256"];
const PLACEHOLDER = "0".repeat(64);

function checkCount(v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new CheckpointError(`checkpoint ${what} must be a non-negative safe integer, got ${v}`);
}

/** Serialises a checkpoint: tensors + metadata {format, format_version, config, seed, step, sha256, ...extra}. */
export async function encodeCheckpoint(tensors: Iterable<[string, Tensor]> | Record<string, Tensor>,
                                       info: CheckpointInfo): Promise<Uint8Array> {
  checkCount(info.seed, "seed");
  checkCount(info.step, "step");
  let config: string | undefined;
  try {
    config = JSON.stringify(info.config);
  } catch (e) { // cycles, BigInt, nesting deep enough to overflow the stack
    throw new CheckpointError(`checkpoint config must be JSON-serialisable: ${(e as Error).name}: ${(e as Error).message}`);
  }
  if (config === undefined) throw new CheckpointError("checkpoint config must be JSON-serialisable, got undefined");
  for (const k of Object.keys(info.extra ?? {})) {
    if (RESERVED.includes(k)) throw new CheckpointError(`checkpoint extra metadata key '${k}' is reserved`);
  }
  const list = Symbol.iterator in Object(tensors) ? [...(tensors as Iterable<[string, Tensor]>)]
    : Object.entries(tensors as Record<string, Tensor>);
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT, format_version: String(CHECKPOINT_VERSION), config,
    seed: String(info.seed), step: String(info.step), sha256: PLACEHOLDER, ...info.extra,
  };
  // Two passes: the digest covers the header as read back, then the placeholder gets the digest
  // (same length, so no offset moves).
  const draft = readSafetensorsHeader(encodeSafetensors(list, metadata));
  metadata.sha256 = await checkpointDigest(draft.metadata, draft.entries, draft.payload);
  return encodeSafetensors(list, metadata);
}

function metaInt(meta: Record<string, string>, key: string, file: string): number {
  const s = meta[key];
  if (s === undefined) throw new CheckpointError(`${file}: metadata field '${key}' is missing`);
  if (!/^(0|[1-9]\d{0,15})$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw new CheckpointError(`${file}: metadata field '${key}': expected a non-negative decimal integer, got ${show(s)}`);
  }
  return Number(s);
}

/**
 * Reads and fully validates an sdebnn checkpoint: framing, header (no duplicate keys), format and
 * version, the SHA-256 over header and payload, the config JSON (depth-bounded), seed and step.
 * Nothing is allocated for the tensors until all of that has passed.
 */
export async function decodeCheckpoint(bytes: Uint8Array, file = "<checkpoint>", options: DecodeCheckpointOptions = {}): Promise<Checkpoint> {
  const h = readSafetensorsHeader(bytes, file);
  const meta = h.metadata;
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${file}: metadata field 'format': expected '${CHECKPOINT_FORMAT}', got ${show(meta.format ?? null)} (not an sdebnn checkpoint)`);
  }
  const version = metaInt(meta, "format_version", file);
  if (version === 1 && !options.allowVersion1) {
    throw new CheckpointError(`${file}: format_version 1 (written by sdebnn before the header checksum): its checksum covers the ` +
      "tensors only, so a corrupted config, step or tensor name would go unnoticed; retrain to write a version 2 checkpoint, " +
      "or, if you know the file is intact, rewrite it as version 2 with upgradeCheckpoint(bytes) " +
      "(or read it with decodeCheckpoint(bytes, name, { allowVersion1: true }))");
  }
  if (version !== CHECKPOINT_VERSION && version !== 1) {
    throw new CheckpointError(`${file}: metadata field 'format_version': expected ${CHECKPOINT_VERSION}, got ${version}` +
      (version > CHECKPOINT_VERSION ? " (written by a newer sdebnn; upgrade to read it)" : ""));
  }
  const want = meta.sha256;
  if (want === undefined || !/^[0-9a-f]{64}$/.test(want)) {
    throw new CheckpointError(`${file}: metadata field 'sha256': expected 64 lowercase hex digits, got ${show(want ?? null)}`);
  }
  // the checksum first: every later message is then about a file as it was written
  const got = version === 1 ? await sha256Hex(h.payload) : await checkpointDigest(meta, h.entries, h.payload);
  if (got !== want) {
    throw new CheckpointError(`${file}: checksum mismatch over the ${version === 1 ? "" : `header (bytes 0..${h.payloadOffset}) and the `}` +
      `${h.payload.length}-byte payload at byte offset ${h.payloadOffset}: expected sha256 ${want}, got ${got} (the file is corrupt)`);
  }
  const seed = metaInt(meta, "seed", file);
  const step = metaInt(meta, "step", file);
  if (meta.config === undefined) throw new CheckpointError(`${file}: metadata field 'config' is missing`);
  const config = parseJsonStrict(meta.config, { where: `${file}: metadata field 'config'`, maxDepth: MAX_CONFIG_DEPTH,
    error: (m) => new CheckpointError(m) });
  return { tensors: materialise(h.entries, h.payload), metadata: meta, payloadOffset: h.payloadOffset, payload: h.payload,
    config, seed, step, formatVersion: version, sha256: got };
}

/**
 * Rewrites a version 1 checkpoint as version 2 (same tensors, config, seed, step and other
 * metadata; the new checksum covers the header). Its payload checksum is verified first; the header
 * itself cannot be verified, so upgrade only files you know to be intact.
 */
export async function upgradeCheckpoint(bytes: Uint8Array, file = "<checkpoint>"): Promise<Uint8Array> {
  const ck = await decodeCheckpoint(bytes, file, { allowVersion1: true });
  if (ck.formatVersion === CHECKPOINT_VERSION) return bytes;
  const extra = Object.fromEntries(Object.entries(ck.metadata).filter(([k]) => !RESERVED.includes(k)));
  return encodeCheckpoint(ck.tensors.entries(), { config: ck.config, seed: ck.seed, step: ck.step, extra });
}

/** Returns tensor `name` after checking its dtype and shape (CheckpointError naming what differs). */
export function expectTensor(file: { tensors: Map<string, Tensor> }, name: string, dtype: Dtype, shape: readonly number[]): Tensor {
  const t = file.tensors.get(name);
  if (!t) throw new CheckpointError(`checkpoint has no tensor '${name}' (it has ${[...file.tensors.keys()].map((k) => `'${k}'`).join(", ") || "none"})`);
  if (t.dtype !== dtype) throw new CheckpointError(`checkpoint tensor '${name}': expected dtype ${dtype}, got ${t.dtype}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new CheckpointError(`checkpoint tensor '${name}': expected shape [${shape.join(", ")}], got [${t.shape.join(", ")}]`);
  }
  return t;
}
