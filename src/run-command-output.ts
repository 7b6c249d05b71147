import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** OutputFile is the file a command's stdout and stderr go to, and where this run's part of it starts. */
export type OutputFile = { fd: number; start: number };

/** MAX_KEPT is the size past which a named output file is emptied before the next command writes to it. */
const MAX_KEPT = 1024 * 1024;

const { O_RDWR, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/**
 * openOutputFile opens FILE for appending (created 0600; never through a symlink, never a FIFO or a file with other
 * links, which as root could point anywhere), or an unnamed temporary file for "temp" or when FILE cannot be used.
 * O_APPEND matters: a service that inherited it keeps appending at the end, even after the file is emptied.
 */
export function openOutputFile(file: string): OutputFile {
  if (file !== "temp") {
    try {
      return openNamed(file);
    } catch {
      // The hook matters more than where its output goes: fall back to a temporary file.
    }
  }
  const tmp = path.join(os.tmpdir(), `watchdog-out-${process.pid}-${randomBytes(6).toString("hex")}`);
  const fd = fs.openSync(tmp, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW, 0o600);
  fs.unlinkSync(tmp);
  return { fd, start: 0 };
}

function openNamed(file: string): OutputFile {
  // Non-blocking, so that a FIFO planted at the name cannot hang the open; it is refused just below.
  const fd = fs.openSync(file, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK, 0o600);
  try {
    const st = fs.fstatSync(fd);
    const mine = typeof process.getuid !== "function" || st.uid === process.getuid();
    if (!st.isFile() || st.nlink !== 1 || !mine) throw new Error(`${file} is not a plain file of ours`);
    // One left readable by others (an older version, a person) is closed to them: a hook's output may hold secrets.
    if ((st.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
    if (st.size > MAX_KEPT) fs.ftruncateSync(fd, 0);
    return { fd, start: fs.fstatSync(fd).size };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** readOutputFile returns the last `max` bytes written since the file was opened, and how many came before them. */
export function readOutputFile(file: OutputFile, max: number): { tail: Buffer; dropped: number } {
  try {
    const size = fs.fstatSync(file.fd).size;
    // Another run may have emptied the file meanwhile.
    const start = Math.min(file.start, size);
    const from = Math.max(start, size - max);
    const buf = Buffer.alloc(size - from);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(file.fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    return { tail: buf.subarray(0, got), dropped: from - start };
  } catch {
    return { tail: Buffer.alloc(0), dropped: 0 };
  }
}

/** closeOutputFile closes our descriptor; a descendant that inherited the file keeps its own. */
export function closeOutputFile(file: OutputFile): void {
  try {
    fs.closeSync(file.fd);
  } catch {
    // Already closed.
  }
}
