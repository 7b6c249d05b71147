import { createHash } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { open, readdir, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";

/**
 * Bytes hashed just before the saved offset. If they changed, the file was rewritten in place (truncated and refilled
 * past the old offset between two runs) even though its first bytes and its size still fit.
 */
export const TAIL_BYTES = 256;

/** fileKind names what a non-regular file is, for the reason a log check gives. */
export function fileKind(st: Stats): string {
  if (st.isFIFO()) return "FIFO";
  if (st.isSocket()) return "socket";
  if (st.isCharacterDevice()) return "character device";
  if (st.isBlockDevice()) return "block device";
  if (st.isSymbolicLink()) return "symbolic link";
  return "special file";
}

function refuseIrregular(file: string, st: Stats): void {
  if (st.isFile()) return;
  if (st.isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: "EISDIR" });
  const kind = fileKind(st);
  throw Object.assign(new Error(`${file}: not a regular file: ${kind}`), { code: "ENOTREG", kind });
}

/**
 * openLog opens a log file for reading, only if it is a regular file, and never in a way that can block.
 * It throws the fs error (ENOENT, EACCES), EISDIR, or ENOTREG (with `kind`) for the caller to turn into a result.
 */
export async function openLog(file: string): Promise<{ fh: FileHandle; st: Stats }> {
  // Look before opening: opening a device can act on it (/dev/watchdog arms a hardware timer, a tape rewinds).
  refuseIrregular(file, await stat(file));
  // O_NONBLOCK: a FIFO put there since the stat must not block open() in a libuv worker, for that worker would keep
  // the process alive after the run (Node joins its I/O threads at exit, process.exit included). It changes nothing
  // for reads of a regular file. The type is checked again on the descriptor itself.
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    refuseIrregular(file, st);
    return { fh, st };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** hashAt hashes `len` bytes at `pos` (fewer if the file is shorter). */
export async function hashAt(fh: FileHandle, pos: number, len: number): Promise<string> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = len > 0 ? await fh.read(buf, 0, len, pos) : { bytesRead: 0 };
  return createHash("sha1").update(buf.subarray(0, bytesRead)).digest("hex").slice(0, 16);
}

/** Tail is the hash of the bytes just before an offset, as kept in FileMemory. */
export type Tail = { tail: string; tailLen: number };

/** tailAt hashes the (up to) TAIL_BYTES bytes that end at `offset`. */
export async function tailAt(fh: FileHandle, offset: number): Promise<Tail> {
  const tailLen = Math.min(offset, TAIL_BYTES);
  return { tail: await hashAt(fh, offset - tailLen, tailLen), tailLen };
}

/** TailMemory is the part of a file's memory that the tail check reads (unknown: it comes from the state file). */
type TailMemory = { tail?: unknown; tailLen?: unknown; offset: number };

/** readTail returns the tail kept in a memory, or undefined for state written before it was kept (or damaged). */
export function readTail(m: TailMemory): Tail | undefined {
  const { tail, tailLen } = m;
  if (typeof tail !== "string" || typeof tailLen !== "number" || !Number.isInteger(tailLen)) return undefined;
  if (tailLen < 0 || tailLen > m.offset) return undefined;
  return { tail, tailLen };
}

/** sameTail says whether the bytes before `offset` are still the ones hashed then (true when none were kept). */
export async function sameTail(fh: FileHandle, m: TailMemory): Promise<boolean> {
  const t = readTail(m);
  return !t || (await hashAt(fh, m.offset - t.tailLen, t.tailLen)) === t.tail;
}

const COMPRESSED = /\.(gz|xz|bz2|zst|lz4|z)$/i;

/** RotatedCopy is a regular file beside a log that a rotation named after it, with its stat. */
export type RotatedCopy = { p: string; st: Stats };

/**
 * rotatedSiblings lists the regular files beside `file` that a rotation names after it (app.log.1, app.log-20240101,
 * app.1.log), newest first: the plain ones, or with `kind: "gz"` the gzip'd ones (app.log.1.gz). Other compressed
 * copies are never listed: they cannot be read.
 */
export async function rotatedSiblings(file: string, kind: "plain" | "gz"): Promise<RotatedCopy[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const ext = path.extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: RotatedCopy[] = [];
  for (const name of names) {
    if (kind === "gz" ? !name.endsWith(".gz") : COMPRESSED.test(name)) continue;
    const plain = kind === "gz" ? name.slice(0, -3) : name;
    if (plain === base || !(plain.startsWith(base) || (ext && plain.startsWith(stem) && plain.endsWith(ext)))) continue;
    const p = path.join(dir, name);
    try {
      const st = await stat(p);
      if (st.isFile()) found.push({ p, st });
    } catch {
      // Gone while looking.
    }
  }
  return found.sort((a, b) => b.st.mtimeMs - a.st.mtimeMs);
}

/** GenerationMemory tells one generation of a file from another: its first bytes and those before the offset. */
type GenerationMemory = TailMemory & { fp: string; fpLen: number };

/** sameGeneration says whether `file` (a copy beside the log) has the first bytes and the bytes before the offset. */
export async function sameGeneration(file: string, m: GenerationMemory): Promise<boolean> {
  try {
    const { fh } = await openLog(file);
    try {
      return (await hashAt(fh, 0, m.fpLen)) === m.fp && (await sameTail(fh, m));
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}

/**
 * findSibling looks beside `file` for a plain rotated copy (app.log.1, app.log-20240101, app.1.log) other than the
 * file itself that passes `test`, newest first.
 */
export async function findSibling(
  file: string,
  selfIno: number,
  test: (s: { dev: number; ino: number; size: number }, p: string) => Promise<boolean>,
): Promise<string | undefined> {
  for (const { p, st } of await rotatedSiblings(file, "plain")) {
    if (st.ino === selfIno) continue;
    try {
      if (await test(st, p)) return p;
    } catch {
      // Gone while looking: not the one.
    }
  }
  return undefined;
}
