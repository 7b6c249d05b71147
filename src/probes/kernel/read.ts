/**
 * The kernel log since the last run, from /dev/kmsg (or a file in its format), else from the journal. Read only when
 * a check that watches a service fails; the cursor (`KernelMemory`) is kept in the state file.
 */
import fs from "node:fs";
import { readJournal } from "./journal.js";
import { readBootId, readKmsg, readUptimeUs, type KmsgRecord } from "./kmsg.js";

/** KernelSource is the config's `kernel_log`: auto (kmsg, else the journal), kmsg, journal, off, or a file path. */
export type KernelSource = string;

/** KernelMemory is what the state file keeps between runs: where the last read ended, and the services' owners. */
export type KernelMemory = {
  /** The last kmsg sequence number read, and the boot it counts in (it starts again at a reboot). */
  seq?: number;
  boot?: string;
  /** The journal was read up to this time (epoch ms). */
  until?: number;
  /** Per check: the process that held its port when the check last passed (pid and comm). */
  owners?: Record<string, { pid: number; comm: string }>;
};

/** KernelLine is one kernel message and when it was logged (epoch ms, on the run's clock). */
export type KernelLine = { at: number; text: string };

/** KernelLog is what one read found: the lines, the cursor for the next run, and why nothing could be read. */
export type KernelLog = { lines: KernelLine[]; memory: KernelMemory; unavailable?: string };

/** KMSG_DEVICE is the kernel's own log device. */
export const KMSG_DEVICE = "/dev/kmsg";

/**
 * readKernelLog reads the kernel's messages logged since `since` (epoch ms, the run's clock) and after the cursor
 * in `memory`. A kmsg record's TS is microseconds since boot: its time is now - (uptime - TS). Never throws.
 */
export async function readKernelLog(
  source: KernelSource,
  memory: KernelMemory,
  opts: { now: number; since: number; signal: AbortSignal },
): Promise<KernelLog> {
  const { owners } = memory;
  const keep = owners ? { owners } : {};
  if (source === "off") return { lines: [], memory, unavailable: "kernel_log is off" };
  let kmsgWhy: string | undefined;
  if (source !== "journal") {
    const file = source === "auto" || source === "kmsg" ? KMSG_DEVICE : source;
    const r = readKmsg(file);
    if ("records" in r) return { ...fromKmsg(r.records, memory, opts), memory: { ...keep, ...cursorOf(r.records) } };
    kmsgWhy = `${file}: ${r.error}`;
    if (source !== "auto") return { lines: [], memory, unavailable: kmsgWhy };
  }
  // A cursor ahead of now (the clock went back) would read nothing for ever: it counts up to now at most.
  const since = Math.max(opts.since, Math.min(memory.until ?? -Infinity, opts.now));
  const j = await readJournal(since, opts.signal);
  if ("error" in j) return { lines: [], memory, unavailable: [kmsgWhy, j.error].filter(Boolean).join("; ") };
  return { lines: j.lines.filter((l) => l.at >= since), memory: { ...keep, until: opts.now } };
}

/** cursorOf is where a kmsg read ended: its last sequence number in this boot. */
function cursorOf(records: readonly KmsgRecord[]): KernelMemory {
  const boot = readBootId();
  const seq = records.reduce((m, r) => Math.max(m, r.seq), -1);
  return seq < 0 ? {} : { seq, ...(boot ? { boot } : {}) };
}

/** fromKmsg keeps the records after the cursor (same boot) and not older than `since`, with their wall time. */
function fromKmsg(records: readonly KmsgRecord[], memory: KernelMemory, opts: { now: number; since: number }) {
  const uptime = readUptimeUs();
  const last = records.reduce((m, r) => Math.max(m, r.seq), -1);
  // A cursor of another boot, or past the newest record (the file was replaced), says nothing of these records.
  const cursor = memory.seq !== undefined && memory.boot === readBootId() && memory.seq <= last ? memory.seq : -1;
  const lines: KernelLine[] = [];
  for (const r of records) {
    if (r.seq <= cursor) continue;
    const at = uptime === undefined ? opts.now : opts.now - (uptime - r.tsUs) / 1000;
    if (at >= opts.since) lines.push({ at: Math.round(at), text: r.text });
  }
  return { lines };
}

/**
 * kernelLogProblem says why no kernel evidence can be read on this host with `source` (for `validate`), or undefined
 * when it can: the device or file opens, or journalctl is on the PATH.
 */
export function kernelLogProblem(source: KernelSource, onPath: (program: string) => boolean): string | undefined {
  if (source === "off") return undefined;
  let kmsgWhy: string | undefined;
  if (source !== "journal") {
    const file = source === "auto" || source === "kmsg" ? KMSG_DEVICE : source;
    try {
      fs.closeSync(fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
      return undefined;
    } catch (err) {
      kmsgWhy = `${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
    if (source !== "auto") return `kernel evidence (OOM kills, GPU Xid errors) is unavailable: ${kmsgWhy}`;
  }
  if (onPath("journalctl")) return undefined;
  const why = [kmsgWhy, "journalctl is not on the PATH"].filter(Boolean).join(" and ");
  return `kernel evidence (OOM kills, GPU Xid errors) is unavailable: ${why}; alerts will not name them`;
}
