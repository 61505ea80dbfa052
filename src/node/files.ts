// NODE-ONLY: file access for the CLI with every operating-system failure turned into a FileError
// naming the path, what it was for and what to do. Reads are bounded: only regular files (not
// /dev/zero, FIFOs, sockets), at most `maxBytes` (default just under 2 GiB, Node's Buffer limit for
// one read), checked with fstat on the open descriptor before anything is allocated. Output
// directories are created one component at a time (Node's recursive mkdirSync spins forever on
// paths like /proc/x, where mkdir answers ENOENT under an existing parent).
import { accessSync, closeSync, constants, fstatSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname, parse, resolve, sep } from "node:path";
import { FileError } from "../runtime/errors.js";

/** The largest file read into memory by default (2 GiB - 1 byte). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

const GIB = 2 ** 30, MIB = 2 ** 20;
const size = (n: number) => (n >= GIB ? `${(n / GIB).toFixed(2)} GiB` : n >= MIB ? `${(n / MIB).toFixed(1)} MiB` : `${n} bytes`);

/** What an errno means for a path, and what to do about it. */
const OS_ERRORS: Record<string, [string, string]> = {
  ENOENT: ["does not exist", "check the path"],
  EISDIR: ["is a directory", "give a file"],
  ENOTDIR: ["has a path component that is not a directory", "check the path"],
  EEXIST: ["exists and is not a directory", "choose another path or remove the file"],
  EACCES: ["is not accessible: permission denied", "check the permissions or choose another path"],
  EPERM: ["is not accessible: operation not permitted", "check the permissions or choose another path"],
  EROFS: ["is on a read-only file system", "choose a path on a writable file system"],
  ENOSPC: ["cannot be written: no space left on the device", "free space or choose another path; the last complete file is kept"],
  EDQUOT: ["cannot be written: disk quota exceeded", "free space or choose another path; the last complete file is kept"],
  EFBIG: ["cannot be written: file too large for the file system", "choose another file system"],
  ENAMETOOLONG: ["has a name that is too long", "use a shorter path"],
  ELOOP: ["has too many levels of symbolic links", "check the links along the path"],
  EMFILE: ["cannot be opened: too many open files", "raise the open-file limit (ulimit -n)"],
  ENFILE: ["cannot be opened: too many open files in the system", "close other programs' files"],
  EIO: ["cannot be read or written: input/output error", "check the device"],
  EBUSY: ["is busy", "retry later"],
  ETXTBSY: ["is busy", "retry later"],
};

/** A Node errno exception (has a string `code` like "ENOENT"). */
export function isOsError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!)
    && ((e as NodeJS.ErrnoException).syscall !== undefined || (e as NodeJS.ErrnoException).errno !== undefined);
}

/**
 * The FileError for an OS error on `path` (default: the error's own path). `what` says what the
 * file is for ("checkpoint (--checkpoint)", "output directory (--out)").
 */
export function fileErrorFromOs(e: NodeJS.ErrnoException & { code: string }, what?: string, path = e.path ?? (e as { dest?: string }).dest ?? "?"): FileError {
  const [meaning, hint] = OS_ERRORS[e.code] ?? [`cannot be used: ${e.message}`, "check the path"];
  const op = e.syscall ? ` (${e.syscall} ${e.code})` : ` (${e.code})`;
  return new FileError(`${what ? `${what} ` : ""}'${path}' ${meaning}${op}: ${hint}`, path, e.code);
}

export interface ReadOptions {
  /** What the file is for, in messages: "checkpoint (--checkpoint)". */
  what: string;
  /** Refuse larger files (default MAX_FILE_BYTES). */
  maxBytes?: number;
}

/** The bytes of a regular file of at most `maxBytes`; FileError for anything else. */
export function readFileChecked(path: string, opts: ReadOptions): Uint8Array {
  const max = Math.min(opts.maxBytes ?? MAX_FILE_BYTES, MAX_FILE_BYTES);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); // O_NONBLOCK: a FIFO without writer does not hang the open
  } catch (e) {
    throw isOsError(e) ? fileErrorFromOs(e, opts.what, path) : e;
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new FileError(`${opts.what} '${path}' is a directory: give a file`, path, "EISDIR");
    if (!st.isFile()) {
      const kind = st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : st.isFIFO() ? "a pipe" : st.isSocket() ? "a socket" : "not a regular file";
      throw new FileError(`${opts.what} '${path}' is ${kind}, not a regular file: give a file (reading it could take forever)`, path);
    }
    if (st.size > max) {
      throw new FileError(`${opts.what} '${path}' is ${size(st.size)}, above the ${size(max)} limit: ` +
        (max === MAX_FILE_BYTES ? "files this large cannot be read into memory at once" : "check that this is the right file"), path, "EFBIG");
    }
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n === 0) break;
      at += n;
    }
    if (at !== out.length) throw new FileError(`${opts.what} '${path}' shrank from ${st.size} to ${at} bytes while being read: retry`, path);
    return out;
  } catch (e) {
    throw isOsError(e) ? fileErrorFromOs(e, opts.what, path) : e;
  } finally {
    closeSync(fd);
  }
}

/** readFileChecked, decoded as UTF-8. */
export function readTextChecked(path: string, opts: ReadOptions): string {
  return new TextDecoder().decode(readFileChecked(path, opts));
}

/**
 * Creates directory `path` and its missing parents, one component at a time (bounded: one mkdir per
 * component), and checks it is a writable directory. FileError naming the component at fault.
 */
export function ensureDirectory(path: string, what: string): string {
  const dir = resolve(path);
  const root = parse(dir).root;
  const parts = dir.slice(root.length).split(sep).filter((p) => p !== "");
  let cur = root;
  for (const part of parts) {
    cur = cur === root ? root + part : cur + sep + part;
    let st;
    try {
      st = statSync(cur, { throwIfNoEntry: false });
    } catch (e) {
      throw isOsError(e) ? fileErrorFromOs(e, what, cur) : e;
    }
    if (st?.isDirectory()) continue;
    if (st) {
      throw new FileError(`${what} '${dir}': '${cur}' exists and is not a directory (EEXIST): choose another path or remove the file`, cur, "EEXIST");
    }
    try {
      mkdirSync(cur);
    } catch (e) {
      if (!isOsError(e)) throw e;
      if (e.code === "EEXIST" && statSync(cur, { throwIfNoEntry: false })?.isDirectory()) continue; // created meanwhile
      if (e.code === "ENOENT") { // the parent exists (checked above) but refuses children: a virtual file system like /proc
        throw new FileError(`${what} '${dir}': cannot create '${cur}' in '${dirname(cur)}' (mkdir ENOENT: the file system does not ` +
          "allow new entries there): choose a path on a regular file system", cur, "ENOENT");
      }
      throw fileErrorFromOs(e, what, cur);
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw isOsError(e) ? fileErrorFromOs(e, what, dir) : e;
  }
  return dir;
}
