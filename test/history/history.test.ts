import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { emptyState, type CheckState, type State } from "../../src/engine/types.js";
import { runEvents, type HistoryEvent } from "../../src/history/events.js";
import { appendHistory, readHistory, readRecentHistory } from "../../src/history/file.js";
import { incidentsFrom, summarize } from "../../src/history/report.js";
import { tmpDirEach } from "../helpers/tmp.js";

const MIN = 60_000;
const T0 = 1_700_000_000_000;

const dir = tmpDirEach("wd-hist-");

const ev = (at: number, check = "svc"): HistoryEvent => ({
  at,
  type: "transition",
  check,
  from: "ok",
  to: "critical",
  summary: "x".repeat(50),
});

describe("history file", () => {
  it("appends JSON lines with mode 0600 and rotates past the size bound, keeping two old files", () => {
    const file = path.join(dir(), "sub", "history.jsonl");
    for (let i = 0; i < 40; i++) expect(appendHistory(file, [ev(T0 + i)], 1000)).toBeUndefined();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    for (const f of [file, `${file}.1`, `${file}.2`]) expect(fs.statSync(f).size).toBeLessThanOrEqual(1000);
    expect(fs.existsSync(`${file}.3`)).toBe(false);
    const read = readHistory(file);
    // Oldest first, the newest kept, contiguous.
    const ats = read.events.map((e) => e.at);
    expect(ats.at(-1)).toBe(T0 + 39);
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(ats.length).toBeLessThan(40);
  });

  it("skips a corrupt line in the middle and says where", () => {
    const file = path.join(dir(), "history.jsonl");
    appendHistory(file, [ev(T0)], 1e6);
    fs.appendFileSync(file, '{"at": 17000, "type": "transi\n');
    fs.appendFileSync(file, "garbage\n");
    appendHistory(file, [ev(T0 + 1)], 1e6);
    const read = readHistory(file);
    expect(read.events.map((e) => e.at)).toEqual([T0, T0 + 1]);
    expect(read.skipped).toEqual([
      { file, line: 2 },
      { file, line: 3 },
    ]);
  });

  it("readRecentHistory: the newest events, oldest first, within the byte bound and back to `since` only", () => {
    const file = path.join(dir(), "history.jsonl");
    for (let i = 0; i < 40; i++) appendHistory(file, [ev(T0 + i)], 1000);
    const all = readHistory(file).events.map((e) => e.at);
    const line = JSON.stringify(ev(T0)).length + 1;
    // Enough bytes for all three files: the same events as the whole read.
    expect(readRecentHistory(file, 0, 1e6).events.map((e) => e.at)).toEqual(all);
    // 5.5 lines' worth: the last 5 whole lines (the part-line at the cut is not an event, nor reported).
    const tail = readRecentHistory(file, 0, Math.floor(5.5 * line));
    expect(tail.events.map((e) => e.at)).toEqual(all.slice(-5));
    expect(tail.skipped).toEqual([]);
    // Back to `since`: nothing older, and the rotated files before it are not read.
    fs.writeFileSync(`${file}.2`, "not json\n");
    const recent = readRecentHistory(file, T0 + 38, 1e6);
    expect(recent.events.map((e) => e.at)).toEqual([T0 + 38, T0 + 39]);
    expect(recent.skipped).toEqual([]);
  });

  it("reports a write failure instead of throwing", () => {
    fs.writeFileSync(path.join(dir(), "blocker"), "");
    expect(appendHistory(path.join(dir(), "blocker", "history.jsonl"), [ev(T0)], 1e6)).toMatch(/cannot write history/);
  });
});

const cs = (over: Partial<CheckState>): CheckState => ({
  status: "ok",
  since: T0,
  failStreak: 0,
  okStreak: 1,
  lastRunAt: T0,
  summary: "",
  recent: "o",
  restartTimes: [],
  incident: undefined,
  ...over,
});
const inc = (over: Partial<NonNullable<CheckState["incident"]>> = {}) => ({
  id: `svc@${T0}`,
  startedAt: T0,
  peak: "critical" as const,
  stepsFired: [0],
  notified: ["email"],
  held: [],
  lastNotifiedAt: T0,
  restarts: 0,
  restartsHelped: 0,
  gaveUp: false,
  cause: "GPU OOM",
  ...over,
});
const st = (c: CheckState): State => ({ ...emptyState(), checks: { svc: c } });

describe("runEvents", () => {
  it.each([
    // ok -> critical with a new incident: a transition, the incident opening and its first step.
    {
      prev: st(cs({})),
      next: st(cs({ status: "critical", failStreak: 1, incident: inc() })),
      want: ["transition", "incident_open", "escalated"],
    },
    // critical -> critical reaching step 2: one escalation event.
    {
      prev: st(cs({ status: "critical", incident: inc() })),
      next: st(cs({ status: "critical", incident: inc({ stepsFired: [0, 1] }) })),
      want: ["escalated"],
    },
    // critical -> ok closing the incident: a transition and the close, with the outage to the first ok run.
    {
      prev: st(cs({ status: "critical", incident: inc() })),
      next: st(cs({ status: "ok", since: T0 + 6 * MIN })),
      want: ["transition", "incident_close"],
    },
    // Steady ok: nothing.
    { prev: st(cs({})), next: st(cs({})), want: [] },
  ])("$want", ({ prev, next, want }) => {
    const events = runEvents({
      prev,
      next,
      results: [{ check: "svc", status: next.checks.svc!.status, summary: "s", durationMs: 1 }],
      attempts: [],
      restarts: [],
      now: T0 + 6 * MIN,
    });
    expect(events.map((e) => e.type)).toEqual(want);
    const close = events.find((e) => e.type === "incident_close");
    if (close && close.type === "incident_close")
      expect(close).toMatchObject({ outageMs: 6 * MIN, peakStep: 1, cause: "GPU OOM" });
  });

  it("records sends and restarts", () => {
    const events = runEvents({
      prev: emptyState(),
      next: emptyState(),
      results: [],
      attempts: [
        {
          id: "m1",
          channel: "sms",
          checks: ["svc"],
          ok: false,
          tries: 3,
          outcome: { ok: false, retryable: true, reason: "server", error: "HTTP 503" },
        },
      ],
      restarts: [
        {
          check: "svc",
          outcome: {
            exitCode: 0,
            signal: null,
            timedOut: false,
            durationMs: 120,
            outputTail: "",
            after: "ok",
            helped: true,
          },
        },
      ],
      now: T0,
    });
    expect(events).toEqual([
      {
        at: T0,
        type: "restart",
        check: "svc",
        exitCode: 0,
        signal: null,
        timedOut: false,
        durationMs: 120,
        helped: true,
      },
      {
        at: T0,
        type: "notify",
        channel: "sms",
        checks: ["svc"],
        ok: false,
        tries: 3,
        error: "HTTP 503",
        reason: "server",
      },
    ]);
  });
});

describe("incidents and the per-check summary", () => {
  const events: HistoryEvent[] = [
    { at: T0, type: "incident_open", check: "llm", id: "a", severity: "critical", cause: "CUDA OOM" },
    { at: T0 + 4 * MIN, type: "escalated", check: "llm", id: "a", step: 2 },
    {
      at: T0 + 10 * MIN,
      type: "incident_close",
      check: "llm",
      id: "a",
      startedAt: T0,
      outageMs: 10 * MIN,
      peakStep: 2,
      peak: "critical",
      cause: "CUDA OOM",
      restarts: 1,
      acked: false,
    },
    { at: T0 + 60 * MIN, type: "incident_open", check: "llm", id: "b", severity: "critical", cause: "CUDA OOM" },
    {
      at: T0 + 80 * MIN,
      type: "incident_close",
      check: "llm",
      id: "b",
      startedAt: T0 + 60 * MIN,
      outageMs: 20 * MIN,
      peakStep: 1,
      peak: "critical",
      cause: "CUDA OOM",
      restarts: 0,
      acked: true,
    },
    { at: T0 + 90 * MIN, type: "incident_open", check: "tts", id: "c", severity: "warning" },
  ];
  it.each([
    // Everything: three incidents, the open one lasting until now.
    { since: 0, check: undefined, want: ["a:10m", "b:20m", "c:30m"] },
    // Since T0+15m: incident a ended before, b and c are kept.
    { since: T0 + 15 * MIN, check: undefined, want: ["b:20m", "c:30m"] },
    // Only llm.
    { since: 0, check: "llm", want: ["a:10m", "b:20m"] },
  ])("since=$since check=$check", ({ since, check, want }) => {
    const rows = incidentsFrom(events, since, T0 + 120 * MIN, check);
    expect(rows.map((r) => `${r.id}:${r.durationMs / MIN}m`)).toEqual(want);
  });

  it("sums downtime, MTTR over closed incidents and the most common cause", () => {
    const s = summarize(incidentsFrom(events, 0, T0 + 120 * MIN));
    expect(s).toEqual([
      { check: "llm", incidents: 2, downtimeMs: 30 * MIN, mttrMs: 15 * MIN, commonCause: "CUDA OOM" },
      { check: "tts", incidents: 1, downtimeMs: 30 * MIN, mttrMs: undefined, commonCause: undefined },
    ]);
  });
});
