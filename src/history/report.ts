import type { HistoryEvent } from "./events.js";

/** IncidentRow is one incident rebuilt from the history: open ones have no end. */
export type IncidentRow = {
  check: string;
  id: string;
  start: number;
  end: number | undefined;
  durationMs: number;
  peakStep: number;
  peak: string;
  cause: string | undefined;
  restarts: number;
  acked: boolean;
};

/** CheckSummary is the per-check line of `watchdog history`. */
export type CheckSummary = {
  check: string;
  incidents: number;
  downtimeMs: number;
  mttrMs: number | undefined;
  commonCause: string | undefined;
};

/**
 * incidentsFrom pairs incident_open and incident_close events (by incident id). An incident that started before
 * `since` but ended after it is kept; `now` ends the open ones for the duration.
 */
export function incidentsFrom(
  events: readonly HistoryEvent[],
  since: number,
  now: number,
  check?: string,
): IncidentRow[] {
  const rows = new Map<string, IncidentRow>();
  for (const e of events) {
    if (e.type === "incident_open") {
      rows.set(e.id, {
        check: e.check,
        id: e.id,
        start: e.at,
        end: undefined,
        durationMs: 0,
        peakStep: 0,
        peak: e.severity,
        cause: e.cause,
        restarts: 0,
        acked: false,
      });
    } else if (e.type === "incident_close") {
      const row = rows.get(e.id) ?? {
        check: e.check,
        id: e.id,
        start: e.startedAt,
        end: undefined,
        durationMs: 0,
        peakStep: 0,
        peak: e.peak,
        cause: e.cause,
        restarts: 0,
        acked: false,
      };
      Object.assign(row, {
        start: e.startedAt,
        end: e.at,
        durationMs: e.outageMs,
        peakStep: e.peakStep,
        peak: e.peak,
        cause: e.cause ?? row.cause,
        restarts: e.restarts,
        acked: e.acked,
      });
      rows.set(e.id, row);
    } else if (e.type === "escalated") {
      const row = rows.get(e.id);
      if (row) row.peakStep = Math.max(row.peakStep, e.step);
    } else if (e.type === "restart") {
      const open = [...rows.values()].find((r) => r.check === e.check && r.end === undefined);
      if (open) open.restarts += 1;
    } else if (e.type === "ack") {
      const row = rows.get(e.incident);
      if (row) row.acked = true;
    }
  }
  return [...rows.values()]
    .map((r) => (r.end === undefined ? { ...r, durationMs: Math.max(0, now - r.start) } : r))
    .filter((r) => (r.end ?? now) >= since && (check === undefined || r.check === check))
    .sort((a, b) => a.start - b.start);
}

/**
 * summarize gives each check's incidents, total downtime, MTTR (mean time to recover, closed incidents) and most common
 * cause.
 */
export function summarize(rows: readonly IncidentRow[]): CheckSummary[] {
  const by = new Map<string, IncidentRow[]>();
  for (const r of rows) by.set(r.check, [...(by.get(r.check) ?? []), r]);
  return [...by.entries()]
    .map(([check, list]) => {
      const closed = list.filter((r) => r.end !== undefined);
      const causes = new Map<string, number>();
      for (const r of list) if (r.cause) causes.set(r.cause, (causes.get(r.cause) ?? 0) + 1);
      const common = [...causes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
      return {
        check,
        incidents: list.length,
        downtimeMs: list.reduce((n, r) => n + r.durationMs, 0),
        mttrMs: closed.length ? Math.round(closed.reduce((n, r) => n + r.durationMs, 0) / closed.length) : undefined,
        commonCause: common,
      };
    })
    .sort((a, b) => a.check.localeCompare(b.check));
}
