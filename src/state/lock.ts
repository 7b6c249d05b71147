import fs from "node:fs";
import path from "node:path";
import { LockedError, StateError } from "../errors.js";
import { describeFsError, isDiskError } from "./json-file-store.js";
import { createExclusive, createFresh, ensureDir, readRegular, UnsafeFileError } from "../core/safe-fs.js";

/** Lock is held by one run at a time; release is idempotent. */
export type Lock = { release(): void };

type Owner = { pid: number; start: string | undefined };

/** processStart returns the kernel start time of a pid (field 22 of /proc/PID/stat), to tell a reused pid apart. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** HAVE_PROC: without /proc (macOS) a start time cannot be read, and a live pid is all the proof there is. */
const HAVE_PROC = processStart(process.pid) !== undefined;

/** looksLikeWatchdog: an argument of the process names watchdog (dist/watchdog.cjs, the binary) or is our script. */
function looksLikeWatchdog(pid: number): boolean {
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return false;
  }
  const ours = process.argv[1];
  if (args.some((a) => /watchdog/i.test(path.basename(a)) || (ours !== undefined && a === ours))) return true;
  // A single binary under another name: the same executable as ours (not node itself, which runs anything).
  if (/^node(\.exe)?$/.test(path.basename(process.execPath))) return false;
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`) === fs.realpathSync(process.execPath);
  } catch {
    return false;
  }
}

/**
 * holds says whether the owner is proven to be a watchdog run holding the lock now: its pid is alive, its start time
 * is the one recorded, and its command line is watchdog's. Anything less (a bare pid such as `1`, a pid reused by
 * another program, a lock of a run that died) is not proof, and the lock is taken over.
 */
function holds(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  if (!HAVE_PROC) return true;
  if (owner.start === undefined || processStart(owner.pid) !== owner.start) return false;
  return owner.pid === process.pid || looksLikeWatchdog(owner.pid);
}

function readOwner(file: string): Owner | undefined {
  try {
    const [pid, start] = readRegular(file, { maxBytes: 4096 }).text.trim().split(" ");
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, start: start || undefined } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tryCreate makes the lock with its content already in it: the pid goes into a fresh file of our own (O_EXCL, never
 * through a symlink planted at the name), which is then hard-linked to the lock name (link fails if the name
 * exists). A run killed at any moment leaves either no lock or a complete one. False when the lock exists.
 */
function tryCreate(file: string, content: string): boolean {
  let mine: string | undefined;
  try {
    const made = createFresh(path.dirname(file), `${path.basename(file)}.new-${process.pid}`, 0o600);
    mine = made.file;
    try {
      fs.writeSync(made.fd, content);
    } finally {
      fs.closeSync(made.fd);
    }
    try {
      fs.linkSync(mine, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw err;
      // A file system without hard links: create exclusively, then write (a kill in between leaves an empty lock,
      // which the next run treats as stale).
      const fd = createExclusive(file, 0o600);
      try {
        fs.writeSync(fd, content);
      } finally {
        fs.closeSync(fd);
      }
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    // No room for a file of our own: a lock already there is still honoured (its run may be sending right now).
    if (isDiskError(err) && fs.existsSync(file)) return false;
    throw new StateError(`cannot create lock ${file}: ${describeFsError(err, true)}`, { cause: err });
  } finally {
    if (mine) fs.rmSync(mine, { force: true });
  }
}

/**
 * acquireLock creates FILE exclusively with "pid starttime". A lock whose owner is not proven to be a live watchdog
 * run (see holds) is taken over; a proven owner makes it throw LockedError.
 */
export function acquireLock(file: string): Lock {
  try {
    ensureDir(path.dirname(file));
  } catch (err) {
    if (err instanceof UnsafeFileError) throw new StateError(err.message, { cause: err });
    throw new StateError(`cannot create the state directory ${path.dirname(file)}: ${describeFsError(err)}`, {
      cause: err,
    });
  }
  const me = `${process.pid} ${processStart(process.pid) ?? ""}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, me)) {
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    }
    const owner = readOwner(file);
    if (owner && holds(owner)) throw new LockedError(owner.pid);
    // Stale: move it aside atomically, so that of two runs taking over only one wins.
    const stale = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, stale);
    } catch (err) {
      // A stale lock on a disk that takes no change (read-only): the run goes on without it (run-store.ts).
      if (isDiskError(err))
        throw new StateError(`cannot take over lock ${file}: ${describeFsError(err, true)}`, { cause: err });
      continue;
    }
    const moved = readOwner(stale);
    if (moved && moved.pid !== owner?.pid) {
      // We moved a fresh lock another run had just made: give it back and yield to that run.
      try {
        fs.linkSync(stale, file);
      } catch {
        // Someone else holds it now either way.
      }
      fs.rmSync(stale, { force: true });
      throw new LockedError(moved.pid);
    }
    fs.rmSync(stale, { force: true });
  }
  const owner = readOwner(file);
  throw new LockedError(owner?.pid);
}
