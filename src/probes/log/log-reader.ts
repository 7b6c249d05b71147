import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { drainFromGzip } from "./log-gzip.js";
import { findSibling, hashAt, openLog, readTail, sameGeneration, sameTail, tailAt, type Tail } from "./log-open.js";
import type { FileMemory, ReadOptions } from "./log-memory.js";

export type { FileMemory, ReadOptions };

/** Bytes read per system call; the buffer is reused for the whole file. */
const CHUNK = 4 << 20;
/** A line is cut here: only its first 64 KiB are matched, the rest is skipped up to the next newline. */
export const MAX_LINE = 64 * 1024;
/** Bytes hashed to tell one generation of a file from another (Filebeat's fingerprint length). */
const FINGERPRINT_BYTES = 1024;

/** inodeKey names a file by device and inode. */
export const inodeKey = (s: { dev: number; ino: number }) => `${s.dev}:${s.ino}`;

/** ReadOutcome is the new memory of the file plus what happened on the way. */
export type ReadOutcome = { memory: FileMemory; bytes: number; stopped: boolean; notes: string[] };

type Scan = { offset: number; skip: boolean; bytes: number; stopped: boolean };

/**
 * readNew reads the bytes appended to `file` since `prev` and hands candidate lines to opts.onLine.
 * Rotation (docs/gpu-and-logs.md §3):
 *   - other dev/ino at the path: renamed away; drain the old inode, found among the rotated names beside it, then read
 *     the new file from 0;
 *   - same inode, size < offset, other first bytes, or other bytes just before the offset (truncated in place and
 *     refilled past the old offset, by `> app.log` or copytruncate): drain the copy that holds the same bytes at both
 *     places from the old offset, if there is one; then read from 0;
 *   - same inode and size but another mtime (copytruncate refilled to exactly the old size with the same bytes): a
 *     longer copy of the same generation, if there is one, is drained, then the file is read from 0.
 * It throws the fs error (ENOENT, EACCES), EISDIR or ENOTREG (a FIFO, socket, device) for the caller to turn into a
 * result.
 */
export async function readNew(file: string, prev: FileMemory | undefined, opts: ReadOptions): Promise<ReadOutcome> {
  const { fh, st } = await openLog(file);
  try {
    const size = st.size;
    const notes: string[] = [];
    let bytes = 0;
    let startAt: number;
    let skip = false;
    if (!prev) {
      startAt = opts.from === "start" ? 0 : await lastLineStart(fh, size);
    } else if (st.dev !== prev.dev || st.ino !== prev.ino) {
      const old = opts.consumed?.has(inodeKey(prev))
        ? undefined
        : await findSibling(file, st.ino, async (s) => s.dev === prev.dev && s.ino === prev.ino);
      if (opts.consumed?.has(inodeKey(prev))) {
        notes.push("rotated: the old file was read under its new name");
      } else if (old) {
        const drained = await drain(old, prev, opts);
        bytes += drained.bytes;
        if (drained.stopped) return { memory: resumeIn(prev, drained), bytes, stopped: true, notes };
        notes.push(`rotated: read the rest of ${path.basename(old)}`);
      } else {
        const gz = await drainFromGzip(file, prev, opts);
        bytes += gz?.bytes ?? 0;
        if (gz) notes.push(gzipNote(gz));
        else notes.push(`rotated: the old file was not found beside ${path.basename(file)}; ${LOST}`);
      }
      // The file now at this path may itself have been read this run, under the name it had before (a glob naming
      // app.log.*).
      const seen = opts.consumed?.get(inodeKey(st));
      startAt = seen ? seen.offset : 0;
      skip = seen ? seen.skip : false;
    } else {
      startAt = prev.offset;
      skip = prev.skip;
      const shrunk = size < prev.offset;
      // Both reads at once: a run with nothing new pays one round trip for them, not two.
      const [head, tailKept] = await Promise.all([
        size >= prev.fpLen ? fingerprint(fh, prev.fpLen) : undefined,
        shrunk ? false : sameTail(fh, prev),
      ]);
      const sameStart = head === prev.fp;
      // Same first bytes and no shorter, yet other bytes before the offset: `> app.log` (or copytruncate) at a restart
      // that wrote the same banner and grew past the old offset before this run. The lines before it are new.
      const rewritten = !shrunk && sameStart && !tailKept;
      const changed = shrunk || !sameStart || rewritten;
      // Written to without growing: only a copy with more bytes than the file says it was rotated (a touch is not).
      const refilled = !changed && size === prev.size && st.mtimeMs !== prev.mtime;
      if (changed || refilled) {
        const copy = await findSibling(
          file,
          st.ino,
          async (s, p) => s.size >= prev.offset && (changed || s.size > size) && sameGeneration(p, prev),
        );
        let found = !!copy;
        if (copy) {
          const drained = await drain(copy, prev, opts);
          bytes += drained.bytes;
          if (drained.stopped) return { memory: resumeIn(prev, drained), bytes, stopped: true, notes };
          notes.push(`truncated: read the rest of the copy ${path.basename(copy)}`);
        } else {
          const gz = await drainFromGzip(file, prev, opts);
          bytes += gz?.bytes ?? 0;
          found = !!gz;
          if (gz) notes.push(gzipNote(gz));
          else if (changed) notes.push(rewritten ? REWRITTEN : "truncated: reading from the start");
        }
        if (changed || found) {
          startAt = 0;
          skip = false;
        }
      }
    }
    const scan = await scanFile(fh, startAt, size, skip, opts);
    bytes += scan.bytes;
    const fpLen = Math.min(size, FINGERPRINT_BYTES);
    const same = prev && prev.dev === st.dev && prev.ino === st.ino;
    const fp = same && prev.fpLen === fpLen && startAt !== 0 ? prev.fp : await fingerprint(fh, fpLen);
    // A run with nothing new keeps the tail it checked; otherwise one read of the bytes before the new offset.
    const kept = same && startAt === prev.offset && scan.offset === prev.offset ? readTail(prev) : undefined;
    const tail = kept ?? (await tailAt(fh, scan.offset));
    const where = { offset: scan.offset, skip: scan.skip, size, mtime: st.mtimeMs };
    const memory: FileMemory = { dev: st.dev, ino: st.ino, fp, fpLen, ...where, ...tail };
    opts.consumed?.set(inodeKey(st), memory);
    return { memory, bytes, stopped: scan.stopped, notes };
  } finally {
    await fh.close();
  }
}

const LOST = "lines written to it after the last run are lost";
const REWRITTEN = "rewritten in place (the bytes before the last offset changed): reading from the start";

/** gzipNote says which compressed copy the rest of the old file came from. */
function gzipNote(gz: { copy: string; stopped: boolean }): string {
  const name = path.basename(gz.copy);
  if (!gz.stopped) return `rotated: read the rest of ${name}`;
  return `rotated: stopped in the compressed copy ${name} at the time limit; the rest of it is not read`;
}

/** resumeIn is the memory of a run stopped while draining a rotated copy: next run goes on in that copy. */
const resumeIn = (prev: FileMemory, d: Scan & Tail): FileMemory => ({
  ...prev,
  offset: d.offset,
  skip: d.skip,
  tail: d.tail,
  tailLen: d.tailLen,
});

async function drain(file: string, prev: FileMemory, opts: ReadOptions): Promise<Scan & Tail> {
  const { fh, st } = await openLog(file);
  try {
    const scan = await scanFile(fh, prev.offset, st.size, prev.skip, opts);
    // The rotated copy starts with the same bytes as the file it came from: same fingerprint.
    const tail = await tailAt(fh, scan.offset);
    const memory = { dev: st.dev, ino: st.ino, offset: scan.offset, skip: scan.skip, fp: prev.fp, fpLen: prev.fpLen };
    opts.consumed?.set(inodeKey(st), { ...memory, ...tail });
    return { ...scan, ...tail };
  } finally {
    await fh.close();
  }
}

/**
 * lastLineStart is where `from: end` begins: just after the last newline, so a half-written line is read whole later.
 */
async function lastLineStart(fh: FileHandle, size: number): Promise<number> {
  const len = Math.min(size, MAX_LINE);
  if (len === 0) return 0;
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, size - len);
  const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
  return nl < 0 ? (len === size ? 0 : size) : size - len + nl + 1;
}

const fingerprint = (fh: FileHandle, len: number) => hashAt(fh, 0, len);

/**
 * scanFile reads [from, to) in chunks and passes candidate lines on. Two buffers take turns: the next read runs while
 * this chunk is scanned. A partial last line is not matched: the returned offset points at its start, so the next
 * run reads it whole. A line longer than MAX_LINE is matched on its first MAX_LINE bytes, the rest skipped.
 */
async function scanFile(fh: FileHandle, from: number, to: number, skip0: boolean, opts: ReadOptions): Promise<Scan> {
  if (from >= to) return { offset: from, skip: skip0, bytes: 0, stopped: false };
  // Buffers inside the search's WebAssembly memory when it has them: the file is read where it is scanned.
  const bufs = opts.prefilter.buffers?.(CHUNK + MAX_LINE) ?? [
    Buffer.allocUnsafe(CHUNK + MAX_LINE),
    Buffer.allocUnsafe(CHUNK + MAX_LINE),
  ];
  let cur = 0;
  let carry = 0;
  let pos = from;
  let skip = skip0;
  let bytes = 0;
  const emit = (data: Buffer, ls: number, le: number) => {
    let end = Math.min(le, ls + MAX_LINE);
    if (end > ls && data[end - 1] === 13) end--;
    opts.onLine(data.toString("utf8", ls, end));
  };
  let pending = pos < to ? fh.read(bufs[0], 0, Math.min(CHUNK, to - pos), pos) : undefined;
  while (pending) {
    const { bytesRead: n } = await pending;
    pending = undefined;
    if (n === 0) break;
    pos += n;
    bytes += n;
    const end = carry + n;
    const data = bufs[cur]!.subarray(0, end);
    const next = bufs[1 - cur]!;
    // First settle where the complete lines end and hand the tail to the other buffer, so the next read can start.
    let s = 0;
    let regionEnd = 0;
    let nextCarry = 0;
    let longLine = false;
    const nl = skip ? data.indexOf(10) : 0;
    if (skip && nl < 0) {
      s = regionEnd = end; // still inside the over-long line
    } else {
      if (skip) {
        s = nl + 1;
        skip = false;
      }
      const lastNl = data.lastIndexOf(10);
      regionEnd = lastNl >= s ? lastNl + 1 : s;
      if (end - regionEnd >= MAX_LINE) longLine = true;
      else {
        data.copy(next, 0, regionEnd, end);
        nextCarry = end - regionEnd;
      }
    }
    // Always read one chunk, so that every run makes progress however tight the budget.
    const stop = pos < to && opts.shouldStop();
    if (pos < to && !stop) pending = fh.read(next, nextCarry, Math.min(CHUNK, to - pos), pos);
    if (regionEnd > s) opts.prefilter.candidates(data, s, regionEnd, (ls, le) => emit(data, ls, le));
    if (longLine) {
      opts.prefilter.candidates(data, regionEnd, regionEnd + MAX_LINE, (ls) => emit(data, ls, regionEnd + MAX_LINE));
      skip = true;
    }
    carry = nextCarry;
    cur = 1 - cur;
    if (stop) return { offset: pos - carry, skip, bytes, stopped: true };
  }
  return { offset: pos - carry, skip, bytes, stopped: false };
}
