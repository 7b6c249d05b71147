import fs from "node:fs";

/** ProcInfo is what /proc says of one process; `cmdline` is "" when it was not needed (or the process has none). */
export type ProcInfo = { pid: number; comm: string; state: string; cmdline: string };

/** Select says what a scan looks for: an exact comm test, or a regex on the command line. */
export type Select = { comm: (comm: string) => boolean } | { cmdline: (cmdline: string) => boolean };

/** STAT_CHUNK is how many /proc/PID/stat files are read synchronously between two turns of the event loop. */
const STAT_CHUNK = 256;
/** CMDLINE_PARALLEL bounds the cmdline reads in flight (each one holds a libuv worker while it runs). */
const CMDLINE_PARALLEL = 64;
/** CMDLINE_MAX caps one command line (the kernel's ARG_MAX is 2 MiB; a regex never needs more than this). */
const CMDLINE_MAX = 256 * 1024;

/** parseStat reads comm and state from /proc/PID/stat; comm may hold spaces and parentheses. */
export function parseStat(text: string): { comm: string; state: string } | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  return { comm: text.slice(open + 1, close), state: text.slice(close + 2, close + 3) };
}

/** listPids is every numeric entry of /proc (one readdir). */
export function listPids(root = "/proc"): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync(root)) if (/^\d+$/.test(name)) out.push(Number(name));
  return out;
}

const scratch = Buffer.alloc(4096);

/** readSync reads a /proc file whole, synchronously, at most `max` bytes (valid until the next call). */
function readSync(file: string, max: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const n = fs.readSync(fd, scratch, 0, Math.min(scratch.length, max), 0);
    if (n < scratch.length || n >= max) return scratch.subarray(0, n);
    // Longer than a page (a long command line): read on. Bounded: at most max / 64 KiB more reads.
    const parts = [Buffer.from(scratch.subarray(0, n))];
    for (let size = n; size < max;) {
      const buf = Buffer.alloc(Math.min(65536, max - size));
      const got = fs.readSync(fd, buf, 0, buf.length, size);
      parts.push(buf.subarray(0, got));
      size += got;
      if (got < buf.length) break;
    }
    return Buffer.concat(parts);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Stat is what a scan uses of /proc/PID/stat. */
type Stat = { comm: string; state: string; ppid: number; threads: number };

/**
 * readStat reads /proc/PID/stat synchronously: the kernel fills it from the task without taking the process's memory
 * lock, so it cannot hang on a process stuck in D state (a cmdline read can: see readCmdline). Undefined when gone.
 * Parsed from the bytes: a scan reads every pid's stat each run, and only the name becomes a string.
 */
export function readStat(pid: number, root = "/proc"): Stat | undefined {
  const buf = readSync(`${root}/${pid}/stat`, 4096);
  if (!buf) return undefined;
  const open = buf.indexOf(40); // "(": comm may hold spaces and parentheses, so it ends at the last ")".
  const close = buf.lastIndexOf(41);
  if (open < 0 || close < open) return undefined;
  // After "(comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
  // cstime priority nice num_threads ...
  let field = 0;
  let value = 0;
  let ppid = 0;
  let threads = 1;
  for (let i = close + 2; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 32) {
      if (field === 1) ppid = value;
      if (field === 17) {
        threads = value;
        break;
      }
      field++;
      value = 0;
    } else if (c >= 48 && c <= 57) value = value * 10 + c - 48;
  }
  if (field === 1) ppid = value; // a stat that ends at its ppid (no field after it)
  const state = close + 2 < buf.length ? String.fromCharCode(buf[close + 2]!) : "";
  return { comm: buf.toString("utf8", open + 1, close), state, ppid, threads };
}

const toCmdline = (b: Buffer) => b.toString("utf8").replace(/\0+$/, "").replace(/\0/g, " ");

/**
 * readCmdline reads /proc/PID/cmdline (arguments joined by spaces) off the main thread: the kernel takes the process's
 * memory lock, which a thread stuck in a page fault (hung NFS holding model weights, a wedged GPU driver) can hold for
 * ever. Such a read then holds one libuv worker, not the run. Undefined when gone.
 */
export async function readCmdline(pid: number, root = "/proc"): Promise<string | undefined> {
  let fd: number | undefined;
  try {
    fd = await openAsync(`${root}/${pid}/cmdline`);
    const parts: Buffer[] = [];
    let size = 0;
    // Bounded: at most CMDLINE_MAX / 4 KiB reads. A short read is the end (the kernel fills what it has).
    while (size < CMDLINE_MAX) {
      const buf = Buffer.allocUnsafe(size === 0 ? 4096 : 65536);
      const want = Math.min(buf.length, CMDLINE_MAX - size);
      const bytesRead = await readAsync(fd, buf, want, size);
      parts.push(buf.subarray(0, bytesRead));
      size += bytesRead;
      if (bytesRead < want) break;
    }
    return toCmdline(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) await closeAsync(fd);
  }
}

// The callback forms, not fs/promises' FileHandle: a scan may read dozens of command lines a run, and a FileHandle
// costs twice the CPU of a plain descriptor for a read this small.
const openAsync = (file: string) =>
  new Promise<number>((resolve, reject) => fs.open(file, "r", (err, fd) => (err ? reject(err) : resolve(fd))));
const readAsync = (fd: number, buf: Buffer, length: number, position: number) =>
  new Promise<number>((resolve, reject) =>
    fs.read(fd, buf, 0, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
const closeAsync = (fd: number) => new Promise<void>((resolve) => fs.close(fd, () => resolve()));

/**
 * fastCmdline reads a command line synchronously where that cannot hang: a single-threaded process that is not in
 * D state cannot be holding its memory lock while we read. For the others it returns "slow": they go through
 * readCmdline, off the main thread. Kernel threads (children of kthreadd, pid 2) have none.
 */
function fastCmdline(pid: number, st: Stat, root: string): string | undefined | "slow" {
  if (pid === 2 || st.ppid === 2) return "";
  if (st.threads !== 1 || st.state === "D") return "slow";
  const b = readSync(`${root}/${pid}/cmdline`, CMDLINE_MAX);
  return b && toCmdline(b);
}

/** eachLimit runs `fn` over `items`, at most `limit` at a time, and stops starting new ones once `signal` aborts. */
export async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  fn: (x: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** yieldToLoop lets timers and sockets run between two chunks of synchronous reads. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Entry is one pid of a walk, with its command line once a cmdline selection read it (shared by the run). */
type Entry = { pid: number; st: Stat; fast?: string | null | "slow"; slow?: Promise<string | undefined> };

/**
 * walkStats reads every pid's stat synchronously, in chunks between turns of the event loop. Bounded by the number
 * of pids and unable to hang (see readStat), so it takes no signal: a walk is shared by the checks that asked for it.
 */
async function walkStats(root: string): Promise<Entry[]> {
  const pids = listPids(root);
  const out: Entry[] = [];
  for (let i = 0; i < pids.length; i += STAT_CHUNK) {
    if (i > 0) await yieldToLoop();
    for (let j = i; j < Math.min(i + STAT_CHUNK, pids.length); j++) {
      const st = readStat(pids[j]!, root);
      if (st) out.push({ pid: pids[j]!, st });
    }
  }
  return out;
}

/** walking is the walk in flight: process checks probed side by side in one run read /proc once between them. */
let walking: { root: string; walk: Promise<Entry[]> } | undefined;

function sharedWalk(root: string): Promise<Entry[]> {
  if (walking?.root === root) return walking.walk;
  const walk = walkStats(root);
  const mine = { root, walk };
  walking = mine;
  const done = () => {
    if (walking === mine) walking = undefined;
  };
  walk.then(done, done);
  return walk;
}

/**
 * scanProcesses walks /proc once (shared with the other process checks of the run, see sharedWalk) and reads only
 * what the selection needs: each pid's stat (comm and state in one read), and for a cmdline selection its command
 * line (see fastCmdline), read once per walk whichever check asks. The reads that could hang run in bounded
 * parallel off the main thread. A pid that vanishes meanwhile is skipped. Kernel threads (no command line) never
 * match a cmdline selection.
 */
export async function scanProcesses(select: Select, root = "/proc", signal?: AbortSignal): Promise<ProcInfo[]> {
  const entries = await sharedWalk(root);
  const out: ProcInfo[] = [];
  const slow: Entry[] = [];
  for (const e of entries) {
    if (signal?.aborted) break;
    const { comm, state } = e.st;
    if ("comm" in select) {
      if (select.comm(comm)) out.push({ pid: e.pid, comm, state, cmdline: "" });
      continue;
    }
    if (e.fast === undefined) e.fast = fastCmdline(e.pid, e.st, root) ?? null;
    if (e.fast === "slow") slow.push(e);
    else if (e.fast && select.cmdline(e.fast)) out.push({ pid: e.pid, comm, state, cmdline: e.fast });
  }
  if ("cmdline" in select) {
    await eachLimit(slow, CMDLINE_PARALLEL, signal, async (e) => {
      const cmdline = await (e.slow ??= readCmdline(e.pid, root));
      if (cmdline && select.cmdline(cmdline)) out.push({ pid: e.pid, comm: e.st.comm, state: e.st.state, cmdline });
    });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** fillCmdlines reads the command line of the given processes (for the alert's detail), bounded in parallel. */
export async function fillCmdlines(procs: ProcInfo[], root = "/proc", signal?: AbortSignal): Promise<void> {
  await eachLimit(procs, CMDLINE_PARALLEL, signal, async (p) => {
    if (p.cmdline === "") p.cmdline = (await readCmdline(p.pid, root)) ?? "";
  });
}
