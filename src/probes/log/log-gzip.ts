import { createHash, type Hash } from "node:crypto";
import { createGunzip } from "node:zlib";
import { openLog, readTail, rotatedSiblings } from "./log-open.js";
import type { FileMemory, ReadOptions } from "./log-memory.js";

const MAX_LINE = 64 * 1024;

/** GzipDrain is what reading a gzip'd rotated copy gave: `same: false` when it was another generation. */
export type GzipDrain = { same: boolean; bytes: number; stopped: boolean };

const hex = (h: Hash) => h.digest("hex").slice(0, 16);

/**
 * drainGzip reads `file` (a rotation compressed between two runs: logrotate `compress` without `delaycompress`) as the
 * file `prev` remembers, from its old offset to the end. It decompresses from the start, since gzip cannot seek: first
 * it checks the hash of the first bytes and of the bytes before the offset (a copy of another generation is left
 * alone), then it hands the lines after the offset on. Once written, the copy is whole: its last line is read even
 * without a newline. A run that hits its time limit here leaves the rest of the copy unread (said in a note).
 */
export async function drainGzip(file: string, prev: FileMemory, opts: ReadOptions): Promise<GzipDrain> {
  const { fh } = await openLog(file);
  const gunzip = createGunzip();
  const input = fh.createReadStream({ autoClose: false });
  // A read or inflate error ends the loop below (and is "not the one" to the caller); one that comes after the loop
  // ended (a read in flight while closing) must not become an uncaught 'error' event.
  input.on("error", (err) => void (gunzip.destroyed || gunzip.destroy(err)));
  gunzip.on("error", () => {});
  input.pipe(gunzip);
  const tail = readTail(prev);
  const tailFrom = prev.offset - (tail?.tailLen ?? 0);
  const headHash = createHash("sha1");
  const tailHash = createHash("sha1");
  let pos = 0;
  let bytes = 0;
  let carry: Buffer = Buffer.alloc(0);
  let skip = prev.skip;
  const emit = (data: Buffer, ls: number, le: number) => {
    let end = Math.min(le, ls + MAX_LINE);
    if (end > ls && data[end - 1] === 13) end--;
    opts.onLine(data.toString("utf8", ls, end));
  };
  /** scan passes on the complete lines of carry + chunk; `last` passes on the unfinished one too. */
  const scan = (chunk: Buffer, last: boolean) => {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    carry = Buffer.alloc(0);
    let s = 0;
    if (skip) {
      const nl = data.indexOf(10);
      if (nl < 0) return;
      s = nl + 1;
      skip = false;
    }
    const lastNl = data.lastIndexOf(10);
    const end = last ? data.length : lastNl >= s ? lastNl + 1 : s;
    if (end > s) opts.prefilter.candidates(data, s, end, (ls, le) => emit(data, ls, le));
    if (data.length - end >= MAX_LINE) {
      opts.prefilter.candidates(data, end, end + MAX_LINE, (ls) => emit(data, ls, end + MAX_LINE));
      skip = true;
    } else carry = Buffer.from(data.subarray(end));
  };
  try {
    for await (const raw of gunzip) {
      const chunk = raw as Buffer;
      // Checked before the offset too: a large (or hostile) archive must not run the check past its budget.
      if (opts.shouldStop()) return { same: pos >= prev.offset, bytes, stopped: true };
      const at = pos;
      pos += chunk.length;
      if (at < prev.fpLen) {
        headHash.update(chunk.subarray(0, prev.fpLen - at));
        if (pos >= prev.fpLen && hex(headHash) !== prev.fp) return { same: false, bytes, stopped: false };
      }
      if (tail && pos > tailFrom && at < prev.offset) {
        tailHash.update(chunk.subarray(Math.max(0, tailFrom - at), prev.offset - at));
        if (pos >= prev.offset && hex(tailHash) !== tail.tail) return { same: false, bytes, stopped: false };
      }
      if (pos <= prev.offset) continue;
      const fresh = chunk.subarray(Math.max(0, prev.offset - at));
      bytes += fresh.length;
      scan(fresh, false);
    }
    // Shorter than the offset (or than the first bytes): not the generation that was being read.
    if (pos < prev.offset || pos < prev.fpLen) return { same: false, bytes, stopped: false };
    if (carry.length > 0) scan(Buffer.alloc(0), true);
    return { same: true, bytes, stopped: false };
  } finally {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
    await fh.close();
  }
}

/** Compressed copies tried, newest first: the one rotated since the last run is the newest. */
const MAX_TRIES = 3;

/** gzipSiblings lists the gzip'd rotated copies beside `file` (app.log.1.gz, app.1.log.gz), newest first. */
export async function gzipSiblings(file: string): Promise<string[]> {
  return (await rotatedSiblings(file, "gz")).slice(0, MAX_TRIES).map((c) => c.p);
}

/** drainFromGzip reads the rest of the file `prev` remembers from whichever compressed copy beside `file` it is. */
export async function drainFromGzip(
  file: string,
  prev: FileMemory,
  opts: ReadOptions,
): Promise<(GzipDrain & { copy: string }) | undefined> {
  // Without the hash before the offset (state from an older version) any archive with the same banner would pass.
  if (!readTail(prev)) return undefined;
  for (const copy of await gzipSiblings(file)) {
    try {
      const out = await drainGzip(copy, prev, opts);
      if (out.same) return { ...out, copy };
    } catch {
      // Not gzip, damaged or unreadable: not the one.
    }
  }
  return undefined;
}
