import { historyFileOf } from "../../config/schema.js";
import { formatDuration, parseDuration } from "../../duration.js";
import { UsageError } from "../../errors.js";
import { readHistory } from "../../history/file.js";
import { incidentsFrom, summarize } from "../../history/report.js";
import { formatTime } from "../../notify/render.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";
import { warnBroken } from "../config-notice.js";
import { fold, loadWidths, table } from "../table.js";

/** HistoryOptions are the flags of `watchdog history`. */
export type HistoryOptions = GlobalOptions & { since?: string; check?: string; json?: boolean; events?: boolean };

/**
 * historyCommand lists incidents (start, end, duration, peak step, cause) and a per-check summary from the history
 * file.
 */
export async function historyCommand(opts: HistoryOptions, io: Io): Promise<number> {
  await loadWidths();
  const sinceMs = parseDuration(opts.since ?? "7d");
  if (sinceMs === undefined || sinceMs <= 0)
    throw new UsageError(`--since ${JSON.stringify(opts.since)} is not a duration: write e.g. 24h, 7d`);
  const session = openSession(opts, false, true, true);
  warnBroken(session, io);
  const { config } = session.loaded;
  const file = historyFileOf(config);
  const read = readHistory(file);
  for (const p of read.problems) io.err(`warning: ${p}\n`);
  for (const s of read.skipped.slice(0, 5))
    io.err(`warning: skipped an unreadable history line at ${s.file}:${s.line}\n`);
  if (read.skipped.length > 5) io.err(`warning: skipped ${read.skipped.length} unreadable history lines in all\n`);
  const now = session.deps.clock.now();
  const since = now - sinceMs;
  const rows = incidentsFrom(read.events, since, now, opts.check);
  const summary = summarize(rows);
  if (opts.json) {
    const events = opts.events
      ? read.events.filter((e) => e.at >= since && (!opts.check || !("check" in e) || e.check === opts.check))
      : undefined;
    io.out(
      `${JSON.stringify(
        {
          file,
          since: new Date(since).toISOString(),
          skippedLines: read.skipped.length,
          incidents: rows.map((r) => ({
            ...r,
            start: new Date(r.start).toISOString(),
            end: r.end === undefined ? null : new Date(r.end).toISOString(),
          })),
          summary,
          events,
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const lines: string[] = [
    `history since ${formatTime(since)} (${formatDuration(sinceMs)})${opts.check ? ` for ${opts.check}` : ""}: ${file}`,
    "",
  ];
  if (!rows.length)
    lines.push(
      ...fold(
        opts.check && !config.checks.some((c) => c.name === opts.check)
          ? `no incidents (no check named "${opts.check}" is configured now; the checks are: ` +
              `${config.checks.map((c) => c.name).join(", ") || "none"}).`
          : "no incidents.",
        80,
      ),
    );
  else {
    lines.push(
      table(
        ["CHECK", "START", "END", "DURATION", "STEP", "CAUSE"],
        rows.map((r) => [
          r.check,
          formatTime(r.start).slice(5, 16),
          r.end === undefined ? "ongoing" : formatTime(r.end).slice(5, 16),
          formatDuration(r.durationMs),
          String(r.peakStep) + (r.acked ? " ack" : ""),
          r.cause ?? "-",
        ]),
        80,
        { wrap: true },
      ),
    );
    lines.push(
      "",
      table(
        ["CHECK", "INCIDENTS", "DOWNTIME", "MTTR", "MOST COMMON CAUSE"],
        summary.map((s) => [
          s.check,
          String(s.incidents),
          formatDuration(s.downtimeMs),
          s.mttrMs === undefined ? "-" : formatDuration(s.mttrMs),
          s.commonCause ?? "-",
        ]),
        80,
        { wrap: true },
      ),
    );
  }
  io.out(`${lines.join("\n")}\n`);
  return 0;
}
