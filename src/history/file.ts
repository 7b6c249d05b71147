import fs from "node:fs";
import path from "node:path";
import { appendFileSafe, ensureDir, readRegular, UnsafeFileError } from "../core/safe-fs.js";
import type { HistoryEvent } from "./events.js";

/** HISTORY_KEEP is how many rotated files (FILE.1 … FILE.N) are kept besides the live one. */
export const HISTORY_KEEP = 2;

/**
 * appendHistory appends events as JSON lines (mode 0600). When the file would grow past maxSize it is rotated
 * first: FILE -> FILE.1 -> FILE.2 (the oldest is dropped), so the history is bounded by about (KEEP + 1) x maxSize.
 * Never throws: a history that cannot be written must not fail the run; the problem is returned for the log.
 */
export function appendHistory(file: string, events: readonly HistoryEvent[], maxSize: number): string | undefined {
  if (!events.length) return undefined;
  const text = events.map((e) => JSON.stringify(e)).join("\n") + "\n";
  try {
    ensureDir(path.dirname(file));
    let size = 0;
    try {
      size = fs.lstatSync(file).size;
    } catch {
      // No file yet.
    }
    if (size > 0 && size + Buffer.byteLength(text) > maxSize) rotate(file);
    // O_NOFOLLOW, non-blocking, regular files only: a symlink or FIFO planted at the name is refused.
    appendFileSafe(file, text, 0o600);
    return undefined;
  } catch (err) {
    return (
      `cannot write history ${file}: ` +
      (err instanceof UnsafeFileError ? err.message : ((err as NodeJS.ErrnoException).code ?? (err as Error).message))
    );
  }
}

function rotate(file: string): void {
  fs.rmSync(`${file}.${HISTORY_KEEP}`, { force: true });
  for (let i = HISTORY_KEEP - 1; i >= 1; i--) {
    try {
      fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    } catch {
      // That generation does not exist yet.
    }
  }
  fs.renameSync(file, `${file}.1`);
}

/** HistoryRead is every readable event (oldest first) and the lines that could not be read. */
export type HistoryRead = { events: HistoryEvent[]; skipped: { file: string; line: number }[]; problems: string[] };

/** readHistory reads the rotated files then the live one; a corrupt line is skipped and reported, never fatal. */
export function readHistory(file: string): HistoryRead {
  const out: HistoryRead = { events: [], skipped: [], problems: [] };
  const files = [...Array.from({ length: HISTORY_KEEP }, (_, i) => `${file}.${HISTORY_KEEP - i}`), file];
  for (const f of files) {
    let text: string;
    try {
      text = readRegular(f).text;
    } catch (err) {
      // Missing is normal (no rotation yet); a FIFO or symlink there is never opened blocking, only reported.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") out.problems.push(errorText(err));
      continue;
    }
    out.events.push(...parseLines(text, f, out.skipped));
  }
  return out;
}

/**
 * readRecentHistory reads the history from its newest end back: at most `maxBytes` in all (newest first), and no
 * older file once one reaches back past `since`. What a page of the last days needs, whatever the history's size.
 */
export function readRecentHistory(file: string, since: number, maxBytes: number): HistoryRead {
  const out: HistoryRead = { events: [], skipped: [], problems: [] };
  const newestFirst: HistoryEvent[][] = [];
  let left = maxBytes;
  for (const f of [file, ...Array.from({ length: HISTORY_KEEP }, (_, i) => `${file}.${i + 1}`)]) {
    if (left <= 0) break;
    let read: ReturnType<typeof readRegular>;
    try {
      read = readRegular(f, { tail: left });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") out.problems.push(errorText(err));
      continue;
    }
    const cut = read.stat.size > left;
    left -= Math.min(read.stat.size, left);
    // A cut file starts inside a line: that part-line is not an event.
    const text = cut ? read.text.slice(read.text.indexOf("\n") + 1) : read.text;
    const events = parseLines(text, f, out.skipped);
    newestFirst.push(events.filter((e) => e.at >= since));
    if (cut || (events[0] !== undefined && events[0].at < since)) break;
  }
  out.events = newestFirst.reverse().flat();
  return out;
}

/** parseLines reads JSON lines into events; a line that is not one is listed in `skipped`. */
function parseLines(text: string, file: string, skipped: HistoryRead["skipped"]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const e = JSON.parse(line) as HistoryEvent;
      if (e && typeof e === "object" && typeof e.at === "number" && typeof e.type === "string") events.push(e);
      else skipped.push({ file, line: i + 1 });
    } catch {
      skipped.push({ file, line: i + 1 });
    }
  });
  return events;
}

function errorText(err: unknown): string {
  return err instanceof UnsafeFileError
    ? err.message
    : `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
}
