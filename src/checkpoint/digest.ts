// The checksum of an sdebnn checkpoint (format version 2): SHA-256 over a canonical serialisation
// of everything the header says plus the payload,
//
//   sha256( utf8(JSON.stringify({ metadata: [[key, value]...], tensors: [[name, dtype, shape, begin, end]...] }))
//           || "\n" || payload )
//
// with the metadata pairs sorted by key and the "sha256" pair left out (it holds the result), and the
// tensors sorted by their offsets. Any change to a config value, seed, step, tensor name, dtype,
// shape, offset, any other metadata (epoch sums, ...) or a payload byte changes the digest. The
// canonical form does not depend on key order or whitespace in the header text, so two writers that
// lay out the same header differently agree. JSON.stringify output holds no raw newline, so the
// "\n" separates the two parts unambiguously. Version 1 covered the payload only.
import { CheckpointError } from "../runtime/errors.js";

export interface DigestEntry { name: string; dtype: string; shape: readonly number[]; begin: number; end: number }

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new CheckpointError("SHA-256 needs crypto.subtle, which this runtime lacks (browsers expose it only in secure contexts)");
  const digest = await subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The canonical text of a header (without the "sha256" metadata field). */
export function canonicalHeader(metadata: Record<string, string>, entries: readonly DigestEntry[]): string {
  const keys = Object.keys(metadata).filter((k) => k !== "sha256").sort();
  const tensors = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify({
    metadata: keys.map((k) => [k, metadata[k]]),
    tensors: tensors.map((e) => [e.name, e.dtype, [...e.shape], e.begin, e.end]),
  });
}

/** The version-2 checksum of a checkpoint: header (canonical) and payload. */
export async function checkpointDigest(metadata: Record<string, string>, entries: readonly DigestEntry[],
                                       payload: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(canonicalHeader(metadata, entries) + "\n");
  const all = new Uint8Array(head.length + payload.length);
  all.set(head);
  all.set(payload, head.length);
  return sha256Hex(all);
}
