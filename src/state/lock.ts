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
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      try {
        fs.writeSync(fd, me);
      } catch (err) {
        // A full disk can create the file yet refuse its content: an empty lock would turn the next run away.
        fs.closeSync(fd);
        fs.rmSync(file, { force: true });
        throw err;
      }
      fs.closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new StateError(`cannot create lock ${file}: ${describeFsError(err)}`, { cause: err });
    }
    const owner = readOwner(file);
    if (owner && alive(owner)) throw new LockedError(owner.pid);
    if (!owner) {
      // Being written right now by another run, or empty after a crash: look again shortly.
      const age = ageMs(file);
      if (age !== undefined && age < 2000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        continue;
      }
    }
    // Stale: move it aside atomically, so that of two runs taking over only one wins.
    const stale = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, stale);
    } catch {
      continue;
    }
    const moved = readOwner(stale);
    if (moved && owner && moved.pid !== owner.pid) {
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

function ageMs(file: string): number | undefined {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
