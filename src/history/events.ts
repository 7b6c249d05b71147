import type { RestartOutcome, State } from "../engine/types.js";
import type { Attempt } from "../notify/deliver.js";
import type { ProbeResult, Status } from "../probes/types.js";

/** HistoryEvent is one line of the history file (JSON lines, append-only); `at` is epoch ms. */
export type HistoryEvent =
  | { at: number; type: "transition"; check: string; from: Status | "new"; to: Status; summary: string }
  | { at: number; type: "incident_open"; check: string; id: string; severity: string; cause?: string }
  | { at: number; type: "escalated"; check: string; id: string; step: number }
  | {
      at: number;
      type: "incident_close";
      check: string;
      id: string;
      startedAt: number;
      outageMs: number;
      peakStep: number;
      peak: string;
      cause?: string;
      restarts: number;
      acked: boolean;
    }
  | {
      at: number;
      type: "notify";
      channel: string;
      checks: string[];
      ok: boolean;
      tries: number;
      error?: string;
      reason?: string;
      fallbackFrom?: string;
    }
  | {
      at: number;
      type: "restart";
      check: string;
      exitCode: number | null;
      signal: string | null;
      timedOut: boolean;
      durationMs: number;
      helped: boolean;
      error?: string;
    }
  | { at: number; type: "config_reload"; ok: boolean; source: string; error?: string }
  | {
      at: number;
      type: "silence";
      action: "add" | "remove";
      id: string;
      pattern: string;
      until: number;
      reason: string;
    }
  | { at: number; type: "ack"; check: string; incident: string; note?: string }
  | { at: number; type: "monitor_gap"; from: number; to: number };

/** RunInput is what one check run knows: the states around decide, and what the executor did. */
export type RunInput = {
  prev: State;
  next: State;
  results: readonly ProbeResult[];
  attempts: readonly Attempt[];
  restarts: readonly { check: string; outcome: RestartOutcome }[];
  now: number;
};

/** runEvents lists the history events of one run: transitions, incidents opened and closed, restarts, sends. Pure. */
export function runEvents(r: RunInput): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  const { now } = r;
  const gapBefore = r.prev.monitorGap;
  const gapNow = r.next.monitorGap;
  if (gapNow && (!gapBefore || gapBefore.from !== gapNow.from))
    out.push({ at: now, type: "monitor_gap", from: gapNow.from, to: gapNow.to });
  for (const res of r.results) {
    const before = r.prev.checks[res.check];
    const after = r.next.checks[res.check];
    if (!after) continue;
    if (!before || before.status !== after.status)
      out.push({
        at: now,
        type: "transition",
        check: res.check,
        from: before?.status ?? "new",
        to: after.status,
        summary: res.summary,
      });
    const a = after.incident;
    const b = before?.incident;
    if (a && (!b || b.id !== a.id))
      out.push({
        at: now,
        type: "incident_open",
        check: res.check,
        id: a.id,
        severity: a.peak,
        ...(a.cause ? { cause: a.cause } : {}),
      });
    const stepOf = (i: typeof a) => Math.max(0, ...(i?.stepsFired ?? []).map((x) => x + 1));
    if (a && stepOf(a) > (b?.id === a.id ? stepOf(b) : 0))
      out.push({ at: now, type: "escalated", check: res.check, id: a.id, step: stepOf(a) });
    if (b && (!a || a.id !== b.id)) {
      const last = b;
      out.push({
        at: now,
        type: "incident_close",
        check: res.check,
        id: b.id,
        startedAt: b.startedAt,
        // Outage: from the first failing run to the first ok run of the streak that closed it.
        outageMs: Math.max(0, (after.status === "ok" ? after.since : now) - b.startedAt),
        peakStep: Math.max(0, ...last.stepsFired.map((i) => i + 1)),
        peak: last.peak,
        restarts: last.restarts,
        acked: !!last.ack,
        ...(last.cause ? { cause: last.cause } : {}),
      });
    }
  }
  for (const x of r.restarts) {
    const o = x.outcome;
    out.push({
      at: now,
      type: "restart",
      check: x.check,
      exitCode: o.exitCode,
      signal: o.signal,
      timedOut: o.timedOut,
      durationMs: o.durationMs,
      helped: o.helped,
      ...(o.error ? { error: o.error } : {}),
    });
  }
  for (const a of r.attempts) {
    const e: HistoryEvent = { at: now, type: "notify", channel: a.channel, checks: a.checks, ok: a.ok, tries: a.tries };
    if (!a.outcome.ok) Object.assign(e, { error: a.outcome.error, reason: a.outcome.reason });
    if (a.fallbackFrom) e.fallbackFrom = a.fallbackFrom;
    out.push(e);
  }
  return out;
}
