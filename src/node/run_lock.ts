// NODE-ONLY: an exclusive lock on a run directory, DIR/.lock, so that one process at a time touches
// a run (two trainers on one --out used to interleave their checkpoints and metrics, and the
// start-up clean-up of the second deleted the first's temp files).
//
// Taking the lock: the owner record {pid, host, started, token} is written to a private temp file,
// then hard-linked to DIR/.lock - link() fails with EEXIST when a lock exists, so creation is atomic
// and the lock file is never seen empty or half written (file systems without hard links fall back
// to an O_EXCL create). An existing lock is stale when its host is this host and its pid is not alive
// (process.kill(pid, 0) gives ESRCH: the owner was SIGKILLed or crashed); a stale lock is removed
// under a short-lived DIR/.lock.break mutex after re-reading it, so two processes cannot both take
// over the same stale lock. A lock from another host, or whose pid is alive, refuses the run with a
// RunLockError naming owner, host and start time. The lock is released (unlinked if still ours) by
// `release()` and, as a last resort, on process exit.
import { closeSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { SdebnnError } from "../runtime/errors.js";
import { fileErrorFromOs, isOsError } from "./files.js";

export const LOCK_FILE = ".lock";

/** Another live process holds the run directory (exit code 7). */
export class RunLockError extends SdebnnError {
  constructor(message: string, readonly path: string, readonly owner: LockOwner | null) { super("E_LOCKED", message); }
}

export interface LockOwner { pid: number; host: string; started: string; token: string }

/** A break mutex older than this was left by a process killed while breaking a stale lock. */
const BREAK_STALE_MS = 30_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by another user
  }
}

function readOwner(path: string): LockOwner | null | "missing" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw isOsError(e) ? fileErrorFromOs(e, "run lock", path) : e;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isSafeInteger(o.pid) && typeof o.host === "string" && typeof o.token === "string" ? o : null;
  } catch {
    return null;
  }
}

function writeExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Creates `path` holding `text` if it does not exist, atomically (link of a complete temp file). */
function createWith(path: string, text: string): boolean {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  writeExclusive(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") return writeExclusive(path, text); // no hard links
    throw e;
  } finally {
    try { unlinkSync(tmp); } catch { /* already gone */ }
  }
}

export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly path: string, readonly owner: LockOwner, readonly tookOverStale: LockOwner | null) {
    process.on("exit", this.onExit);
  }

  /**
   * Takes DIR/.lock or throws RunLockError (a live owner, or one on another host) or FileError
   * (the directory refuses the file). Touches nothing else in `dir`.
   */
  static acquire(dir: string): RunLock {
    const path = join(dir, LOCK_FILE);
    const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), token: randomBytes(8).toString("hex") };
    let tookOver: LockOwner | null = null;
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (createWith(path, JSON.stringify(me) + "\n")) {
          removeDeadTemps(dir);
          return new RunLock(path, me, tookOver);
        }
        const owner = readOwner(path);
        if (owner === "missing") continue; // released meanwhile
        if (owner === null) {
          throw new RunLockError(`run directory '${dir}' is locked: ${path} exists but does not name its owner; ` +
            "if no sdebnn process uses this directory, remove the file", path, null);
        }
        if (owner.host !== me.host || pidAlive(owner.pid)) {
          const where = owner.host === me.host ? `process ${owner.pid}` : `process ${owner.pid} on host '${owner.host}'`;
          throw new RunLockError(`run directory '${dir}' is in use by ${where} (since ${owner.started}): ` +
            `wait for it to finish, stop it, or choose another --out` +
            (owner.host !== me.host ? ` (if that process is gone, remove ${path})` : ""), path, owner);
        }
        if (breakStale(path, owner)) tookOver = owner;
        else sleepSync(20 * (attempt + 1));
      }
    } catch (e) {
      throw isOsError(e) ? fileErrorFromOs(e, "run lock", path) : e;
    }
    throw new RunLockError(`run directory '${dir}': could not take ${path} after 5 attempts (other processes are racing for it): retry`, path, null);
  }

  /** Removes the lock if it is still ours (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener("exit", this.onExit);
    const owner = readOwner(this.path);
    if (owner !== "missing" && owner !== null && owner.token === this.owner.token) {
      try { unlinkSync(this.path); } catch { /* already gone */ }
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Temp files of lock attempts by processes that died between writing and linking them. */
function removeDeadTemps(dir: string): void {
  for (const f of readdirSync(dir)) {
    const m = /^\.lock(?:\.break)?\.tmp-(\d+)-[0-9a-f]+$/.exec(f);
    if (m && !pidAlive(Number(m[1]))) {
      try { unlinkSync(join(dir, f)); } catch { /* raced */ }
    }
  }
}

/** Removes the stale lock `owner` under the break mutex, if it is still that lock. */
function breakStale(path: string, owner: LockOwner): boolean {
  const mutex = `${path}.break`;
  if (!createWith(mutex, `${process.pid}\n`)) {
    let age = 0;
    try { age = Date.now() - statSync(mutex).mtimeMs; } catch { return false; }
    if (age < BREAK_STALE_MS) return false; // another process is breaking it: re-check on the next attempt
    try { unlinkSync(mutex); } catch { /* raced */ }
    return false;
  }
  try {
    const again = readOwner(path);
    if (again !== "missing" && again !== null && again.token === owner.token) {
      unlinkSync(path);
      return true;
    }
    return false;
  } finally {
    try { unlinkSync(mutex); } catch { /* already gone */ }
  }
}
