/**
 * The kernel's messages through the journal, where /dev/kmsg cannot be read (EPERM in a container, dmesg_restrict
 * for a user): `journalctl -k -o short-iso`, bounded in time, lines and bytes.
 */
import { runCommand } from "../../run-command.js";
import { KMSG_LINE_MAX } from "./kmsg.js";

/** JournalLine is one kernel message and when it was logged (epoch ms). */
export type JournalLine = { at: number; text: string };

/** JOURNAL_TIMEOUT_MS bounds journalctl: a huge or damaged journal must not hold the run. */
const JOURNAL_TIMEOUT_MS = 5000;
const JOURNAL_MAX_LINES = 5000;
const JOURNAL_MAX_BYTES = 1024 * 1024;

// `2024-03-24T23:54:53+0000 host kernel: Out of memory: ...` (short-iso; newer systemd writes +00:00). A syslog-style
// `[  518.050606] ` printk time may lead the text.
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d:?\d\d|Z) \S+ kernel: (?:\[ *\d+\.\d+\] )?(.*)$/;

/** parseJournalLine reads one short-iso line of `journalctl -k`; undefined for any other line. */
export function parseJournalLine(line: string): JournalLine | undefined {
  const m = LINE.exec(line.slice(0, KMSG_LINE_MAX + 200));
  if (!m) return undefined;
  const zone = m[2] === "Z" ? "Z" : `${m[2]!.slice(0, 3)}:${m[2]!.slice(-2)}`;
  const at = Date.parse(`${m[1]}${zone}`);
  return Number.isFinite(at) ? { at, text: m[3]!.slice(0, KMSG_LINE_MAX) } : undefined;
}

/** JournalRead is what journalctl gave, or why it gave nothing. */
export type JournalRead = { lines: JournalLine[] } | { error: string };

/** readJournal runs `journalctl -k` for the messages since `sinceMs` (epoch ms). Never throws. */
export async function readJournal(sinceMs: number, signal: AbortSignal): Promise<JournalRead> {
  const since = `--since=@${Math.floor(sinceMs / 1000)}`;
  const argv = ["journalctl", "-k", "-o", "short-iso", since, "--no-pager", "-q", "-n", String(JOURNAL_MAX_LINES)];
  const r = await runCommand(argv, { timeoutMs: JOURNAL_TIMEOUT_MS, signal, maxOutput: JOURNAL_MAX_BYTES });
  if (r.spawnError) return { error: `journalctl could not be run (${r.spawnError.code ?? r.spawnError.message})` };
  if (r.timedOut) return { error: `journalctl did not answer within ${JOURNAL_TIMEOUT_MS / 1000}s` };
  if (r.exitCode !== 0) {
    const why = r.stderr.trim().split("\n")[0] ?? "";
    return { error: `journalctl exited ${r.exitCode ?? r.signal}${why ? `: ${why.slice(0, 200)}` : ""}` };
  }
  return { lines: r.stdout.split("\n").flatMap((l) => parseJournalLine(l) ?? []) };
}
