/**
 * Reading kernel records in /dev/kmsg's format (Documentation/ABI/testing/dev-kmsg): one record per line,
 * `PRI,SEQ,TS_USEC,FLAGS[,...];text`, continuation lines (` KEY=value`) after it. /dev/kmsg itself gives one record
 * per read(2), from the oldest one the buffer still holds; a file (kmsg forwarded to disk, a test's fake) holds the
 * same lines. Both are read without ever blocking, and bounded.
 */
import fs from "node:fs";

/** KmsgRecord is one kernel record: its sequence number, microseconds since boot, and its text. */
export type KmsgRecord = { seq: number; tsUs: number; text: string };

/** KMSG_LINE_MAX caps one record's text: the kernel's own limit is about 1 KiB; a file may hold anything. */
export const KMSG_LINE_MAX = 4096;
/** KMSG_MAX_RECORDS bounds a run's read of the device (a default buffer holds a few thousand). */
const KMSG_MAX_RECORDS = 20_000;
/** KMSG_FILE_TAIL is how much of the end of a kmsg-format file is read: its newest records. */
const KMSG_FILE_TAIL = 1024 * 1024;

/** parseKmsgRecord reads one `PRI,SEQ,TS_USEC,FLAGS;text` line; undefined for a continuation or anything else. */
export function parseKmsgRecord(line: string): KmsgRecord | undefined {
  const semi = line.indexOf(";");
  if (semi <= 0 || semi > 64) return undefined;
  const head = line.slice(0, semi).split(",");
  const seq = Number(head[1]);
  const tsUs = Number(head[2]);
  if (head.length < 3 || !Number.isSafeInteger(seq) || !Number.isSafeInteger(tsUs)) return undefined;
  return { seq, tsUs, text: line.slice(semi + 1, semi + 1 + KMSG_LINE_MAX) };
}

/** KmsgRead is what one read found, or why there was nothing to read. */
export type KmsgRead = { records: KmsgRecord[] } | { error: string };

/**
 * readKmsg reads the records of a kmsg device or kmsg-format file. The open never blocks (O_NONBLOCK); a device is
 * read record by record until EAGAIN (no more) and EPIPE (a record overwritten while reading) is skipped; a regular
 * file is read from its last KMSG_FILE_TAIL bytes. Never throws.
 */
export function readKmsg(file: string): KmsgRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    return { error: errorOf(err) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { error: `${file} is a directory` };
    return { records: st.isFile() ? readTail(fd, st.size) : readDevice(fd) };
  } catch (err) {
    return { error: errorOf(err) };
  } finally {
    fs.closeSync(fd);
  }
}

function readTail(fd: number, size: number): KmsgRecord[] {
  const buf = Buffer.alloc(Math.min(size, KMSG_FILE_TAIL));
  const n = fs.readSync(fd, buf, 0, buf.length, size - buf.length);
  const lines = buf.subarray(0, n).toString("utf8").split("\n");
  // A cut tail starts mid-line: that first piece is not a record.
  if (buf.length < size) lines.shift();
  return lines.flatMap((l) => parseKmsgRecord(l) ?? []);
}

function readDevice(fd: number): KmsgRecord[] {
  const out: KmsgRecord[] = [];
  const buf = Buffer.alloc(16 * 1024);
  for (let reads = 0; reads < KMSG_MAX_RECORDS; reads++) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EPIPE") continue;
      if (code === "EAGAIN" || code === "EWOULDBLOCK") break;
      throw err;
    }
    if (n === 0) break;
    // A device gives one record a read; a FIFO given as the path may give several lines at once.
    for (const line of buf.subarray(0, n).toString("utf8").split("\n")) {
      const r = parseKmsgRecord(line);
      if (r) out.push(r);
    }
  }
  return out;
}

function errorOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

/** readUptimeUs is the time since boot (/proc/uptime) in microseconds, the clock of a record's TS. */
export function readUptimeUs(): number | undefined {
  try {
    const s = Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    return Number.isFinite(s) ? Math.round(s * 1e6) : undefined;
  } catch {
    return undefined;
  }
}

/** readBootId is this boot's id: a record's SEQ counts from 0 again after a reboot. */
export function readBootId(): string | undefined {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}
