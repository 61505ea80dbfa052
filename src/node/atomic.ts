// NODE-ONLY (uses node:fs). Crash-safe writes: a reader never sees a partial file under the
// final name. writeFileAtomic: temp file in the same directory -> write -> fsync -> rename ->
// fsync the directory (so the rename itself is durable). JSONL: append one line + fsync.
import {
  closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync, existsSync,
} from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileErrorFromOs, isOsError } from "./files.js";

const TEMP_MARK = ".tmp-";

/** The temp-file name used for `path` (same directory, hidden, unique per call). */
function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString("hex")}`);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM" && code !== "EBADF") throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** An OS error while writing `path` (or its temp file) as a FileError naming `path`. */
function writeError(e: unknown, path: string): unknown {
  return isOsError(e) ? fileErrorFromOs(e, "file", path) : e;
}

/** Writes `data` to `path` atomically and durably (synchronous); FileError (ENOSPC, EROFS, ...) leaves `path` as it was. */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  try {
    writeAtomicSync(path, data);
  } catch (e) {
    throw writeError(e, path);
  }
}

function writeAtomicSync(path: string, data: Uint8Array | string): void {
  const tmp = tempPath(path);
  const fd = openSync(tmp, "wx", 0o644);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  fsyncDir(dirname(path));
}

/** Writes `data` to `path` atomically and durably; FileError (ENOSPC, EROFS, ...) leaves `path` as it was. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeAtomic(path, data);
  } catch (e) {
    throw writeError(e, path);
  }
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPath(path);
  const fh = await open(tmp, "wx", 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  fsyncDir(dirname(path));
}

/** Removes temp files left in `path`'s directory by interrupted writes to `path`; returns their names. */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}${TEMP_MARK}`;
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f.startsWith(prefix)) {
      try { unlinkSync(join(dir, f)); removed.push(f); } catch { /* raced with another cleaner */ }
    }
  }
  return removed;
}

/** Appends one JSON record per line and fsyncs after each, so a crash loses at most the line being written. */
export class JsonlAppender {
  private fd: number | null;
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "a", 0o644);
      fsyncDir(dirname(path)); // make the file's creation durable
    } catch (e) {
      throw writeError(e, path);
    }
  }
  append(record: unknown): void {
    if (this.fd === null) throw new Error(`JsonlAppender(${this.path}) is closed`);
    const line = JSON.stringify(record);
    if (line === undefined || line.includes("\n")) throw new TypeError("a JSONL record must serialise to one line of JSON");
    const bytes = Buffer.from(line + "\n", "utf8");
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
      fsyncSync(this.fd);
    } catch (e) {
      throw writeError(e, this.path); // a partial last line is dropped by readJsonl
    }
  }
  close(): void {
    if (this.fd !== null) { closeSync(this.fd); this.fd = null; }
  }
}

/**
 * Reads a JSONL file written by JsonlAppender. A last line without its newline (a write cut
 * short by a crash) is dropped and reported in `truncatedTail`; any other bad line throws.
 */
export function readJsonl(path: string): { records: unknown[]; truncatedTail: string | null } {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const tail = lines.pop()!; // "" when the file ends with a newline
  const records = lines.filter((l) => l.length > 0).map((l, i) => {
    try { return JSON.parse(l) as unknown; } catch (e) {
      throw new SyntaxError(`${path}: line ${i + 1} is not valid JSON: ${(e as Error).message}`);
    }
  });
  return { records, truncatedTail: tail.length > 0 ? tail : null };
}
