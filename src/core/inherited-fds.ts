import fs from "node:fs";

/** O_CLOEXEC as /proc/PID/fdinfo shows it (octal flags, Linux). */
const O_CLOEXEC = 0o2000000;

/**
 * closeInheritedFds closes every descriptor above 2 that this process inherited without close-on-exec (a pipe or a
 * lock file of whoever started it), so that no restart hook, and no service a hook starts, holds it for ever. Node
 * has no fcntl and its spawn does not close them; its own descriptors are all close-on-exec and are left alone.
 * Call it at start-up, before anything opens files. Without /proc (not Linux) it does nothing. Returns those closed.
 */
export function closeInheritedFds(): number[] {
  let names: string[];
  try {
    names = fs.readdirSync("/proc/self/fd");
  } catch {
    return [];
  }
  const closed: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    try {
      const flags = /^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))?.[1];
      if (flags === undefined || parseInt(flags, 8) & O_CLOEXEC) continue;
      fs.closeSync(fd);
      closed.push(fd);
    } catch {
      // Gone meanwhile (the directory's own descriptor): nothing to close.
    }
  }
  return closed;
}
