import fs from "node:fs";
import path from "node:path";
import { LockedError, StateError } from "../errors.js";
import { describeFsError } from "./json-file-store.js";

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

function alive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const start = processStart(owner.pid);
  return owner.start === undefined || start === undefined || start === owner.start;
}

function readOwner(file: string): Owner | undefined {
  try {
    const [pid, start] = fs.readFileSync(file, "utf8").trim().split(" ");
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, start: start || undefined } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tryCreate makes the lock with its content already in it: the pid goes into a file of our own, which is then
 * hard-linked to the lock name (link fails if the name exists). A run killed at any moment leaves either no lock
 * or a complete one, never an empty lock that would turn the next run away. False when the lock exists.
 */
function tryCreate(file: string, content: string): boolean {
  const mine = `${file}.new-${process.pid}`;
  try {
    fs.writeFileSync(mine, content, { mode: 0o600 });
    try {
      fs.linkSync(mine, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw err;
      // A file system without hard links: create exclusively, then write (a kill in between leaves an empty lock,
      // which the next run treats as stale).
      fs.writeFileSync(file, content, { mode: 0o600, flag: "wx" });
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new StateError(`cannot create lock ${file}: ${describeFsError(err, true)}`, { cause: err });
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

/**
 * acquireLock creates FILE exclusively with "pid starttime". A lock whose owner is dead (or whose pid was reused)
 * is taken over; a live owner makes it throw LockedError.
 */
export function acquireLock(file: string): Lock {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StateError(`cannot create the state directory ${path.dirname(file)}: ${describeFsError(err)}`, { cause: err });
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
    if (owner && alive(owner)) throw new LockedError(owner.pid);
    // Stale: move it aside atomically, so that of two runs taking over only one wins.
    const stale = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, stale);
    } catch {
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

