import { describe, expect, it } from "vitest";
import type { ChannelConfig, CheckConfig } from "../../src/config/schema.js";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { flapShare, flapTransition } from "../../src/engine/flap.js";
import { ackIncident, activeSilence, addSilence, removeSilence } from "../../src/engine/silence.js";
import { matchGlob } from "../../src/glob.js";
import { emptyState, type Action, type Silence, type State } from "../../src/engine/types.js";
import type { ProbeResult, Status } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";
import { failedOnce } from "./parts-fixtures.js";

function check(name = "svc", over: Partial<CheckConfig> = {}): CheckConfig {
  return engineCheck(
    name,
    [
      { after: 1, notify: ["email"], restart: false },
      { after: 3, notify: ["sms"], restart: true },
    ],
    over,
  );
}
const ch: ChannelConfig = consoleChannel();
const cfg = (checks: CheckConfig[], extra: Partial<EngineConfig> = {}): EngineConfig => ({
  checks,
  channels: { email: ch, sms: ch },
  ...extra,
});
const res = (check: string, status: Status): ProbeResult => ({
  check,
  status,
  summary: `${check} is ${status}`,
  durationMs: 1,
});

/** said lists "channel:check:reason:step[:notice]" for one run. */
function said(actions: Action[]): string[] {
  return actions
    .flatMap((a) =>
      a.type === "notify"
        ? a.items.map((i) => `${a.channel}:${i.check}:${i.reason}:${i.step}${i.notice ? `:${i.notice}` : ""}`)
        : [],
    )
    .sort();
}
const restarted = (actions: Action[]) =>
  actions.filter((a) => a.type === "restart").map((a) => (a.type === "restart" ? a.check : ""));

/** runSeq feeds rows of statuses ("svc=critical api=ok" style maps), one run every 2 minutes from T0. */
function runSeq(
  rows: Record<string, Status>[],
  config: EngineConfig,
  start: State = emptyState(),
  between?: (i: number, s: State, now: number) => State,
) {
  let state = start;
  return rows.map((row, i) => {
    const now = T0 + i * 2 * MIN;
    if (between) state = between(i, state, now);
    const d = decide(
      state,
      Object.entries(row).map(([c, s]) => res(c, s)),
      now,
      config,
    );
    state = d.state;
    return { now, actions: d.actions, state };
  });
}
const sil = (pattern: string, startsAt: number, endsAt: number): Silence => ({
  id: `s${startsAt}`,
  pattern,
  reason: "upgrade",
  createdAt: startsAt,
  startsAt,
  endsAt,
});
/** globs gives the engine the glob matcher of silence patterns, as run-check does (the engine imports none). */
const globs = (config: EngineConfig): EngineConfig => ({ ...config, matchName: matchGlob });
const F: Status = "critical";
const O: Status = "ok";

describe("silences", () => {
  it.each([
    // Silenced from before the first failure until after the 4th run: nothing is said or restarted; at run 5 the
    // ladder resumes where the streak stands: only step 2 (sms + restart), not email then sms.
    {
      name: "resume at the step the streak reached",
      until: T0 + 7 * MIN,
      seq: [F, F, F, F, F],
      expect: [[], [], [], [], ["sms:svc:step:2"]],
      restarts: [[], [], [], [], ["svc"]],
    },
    // Silence covering only the first run: step 1 was never said, so run 2 says it (once).
    {
      name: "short silence",
      until: T0 + 1 * MIN,
      seq: [F, F, F],
      expect: [[], ["email:svc:step:1"], ["sms:svc:step:2"]],
      restarts: [[], [], ["svc"]],
    },
    // A recovery during the silence is not said either: the incident closes quietly.
    {
      name: "recovery inside the silence",
      until: T0 + 5 * MIN,
      seq: [F, O, O, F],
      expect: [[], [], [], ["email:svc:step:1"]],
      restarts: [[], [], [], []],
    },
  ])("$name", ({ until, seq, expect: want, restarts }) => {
    const start = addSilence(emptyState(), sil("sv*", T0 - MIN, until), T0);
    const runs = runSeq(
      seq.map((s) => ({ svc: s })),
      globs(cfg([check()])),
      start,
    );
    expect(runs.map((r) => said(r.actions))).toEqual(want);
    expect(runs.map((r) => restarted(r.actions))).toEqual(restarts);
  });

  it("an engine given no matcher reads a pattern as one check's name", () => {
    const mute = (pattern: string, config: EngineConfig) =>
      runSeq([{ svc: F }], config, addSilence(emptyState(), sil(pattern, T0 - MIN, T0 + MIN), T0))[0]!.state.checks.svc!
        .held;
    expect(mute("sv*", cfg([check()]))).toBeUndefined();
    expect(mute("svc", cfg([check()]))).toBe("silenced");
    expect(mute("sv*", globs(cfg([check()])))).toBe("silenced");
  });

  it("keeps the state moving while silenced", () => {
    const start = addSilence(emptyState(), sil("*", T0 - MIN, T0 + 60 * MIN), T0);
    const runs = runSeq([{ svc: F }, { svc: F }, { svc: F }], globs(cfg([check()])), start);
    const cs = runs[2]!.state.checks.svc!;
    expect(cs.failStreak).toBe(3);
    expect(cs.held).toBe("silenced");
    expect(cs.incident?.stepsFired).toEqual([]);
  });

  it("a silence removed mid-incident resumes the ladder with one notification", () => {
    const start = addSilence(emptyState(), { ...sil("svc", T0 - MIN, T0 + 60 * MIN), id: "abcd1234" }, T0);
    const runs = runSeq([{ svc: F }, { svc: F }, { svc: F }, { svc: F }], cfg([check()]), start, (i, s, now) =>
      i === 3 ? removeSilence(s, "abcd", now)!.state : s,
    );
    expect(runs.map((r) => said(r.actions))).toEqual([[], [], [], ["sms:svc:step:2"]]);
  });

  it.each([
    // `*` matches any run, `?` one character; the glob is anchored.
    { glob: "gpu-*", name: "gpu-0", match: true },
    { glob: "gpu-*", name: "my-gpu-0", match: false },
    { glob: "llm?", name: "llm2", match: true },
    { glob: "a.b", name: "axb", match: false },
  ])("glob $glob vs $name", ({ glob, name, match }) => {
    expect(matchGlob(glob, name)).toBe(match);
  });

  it.each([
    // A silence is active from startsAt (inclusive) to endsAt (exclusive).
    { now: T0 - 1, active: false },
    { now: T0, active: true },
    { now: T0 + MIN - 1, active: true },
    { now: T0 + MIN, active: false },
  ])("window at now=$now", ({ now, active }) => {
    expect(!!activeSilence([sil("svc", T0, T0 + MIN)], "svc", now, matchGlob)).toBe(active);
  });

  it("removeSilence refuses an ambiguous or unknown id", () => {
    const s = addSilence(
      addSilence(emptyState(), { ...sil("a", T0, T0 + MIN), id: "abcd1" }, T0),
      { ...sil("b", T0, T0 + MIN), id: "abcd2" },
      T0,
    );
    expect(removeSilence(s, "abcd", T0)).toBeUndefined();
    expect(removeSilence(s, "zzzz", T0)).toBeUndefined();
    expect(removeSilence(s, "abcd2", T0)?.removed.pattern).toBe("b");
  });
});

describe("acks", () => {
  it("stops further steps, reminders and restarts; recovery still goes out; the ack ends with the incident", () => {
    const runs = runSeq(
      [{ svc: F }, { svc: F }, { svc: F }, { svc: F }, { svc: O }, { svc: F }],
      cfg([check("svc", { repeat_every: 2 * MIN })]),
      emptyState(),
      (i, s, now) => {
        if (i !== 1) return s;
        const r = ackIncident(s, "svc", "on it", now);
        if ("error" in r) throw new Error(r.error);
        return r.state;
      },
    );
    // Run 0: step 1. Runs 1-3: acked, so no reminder, no step 2, no restart. Run 4: recovery to email.
    // Run 5: a new incident, not acked: step 1 again.
    expect(runs.map((r) => said(r.actions))).toEqual([
      ["email:svc:step:1"],
      [],
      [],
      [],
      ["email:svc:recovered:0"],
      ["email:svc:step:1"],
    ]);
    expect(runs.flatMap((r) => restarted(r.actions))).toEqual([]);
    expect(runs[3]!.state.checks.svc!.incident?.ack).toEqual({ at: T0 + 2 * MIN, note: "on it" });
    expect(runs[5]!.state.checks.svc!.incident?.ack).toBeUndefined();
  });

  it.each([
    // Never run: nothing to ack.
    { state: emptyState(), error: /has not run yet/ },
    // Ok with no incident: nothing to ack.
    { state: runSeq([{ svc: O }], cfg([check()]))[0]!.state, error: /is ok with no open incident/ },
  ])("ack refuses: $error", ({ state, error }) => {
    const r = ackIncident(state, "svc", undefined, T0);
    expect("error" in r && r.error).toMatch(error);
  });
});

describe("depends_on", () => {
  const config = cfg([check("gpu"), check("tts", { depends_on: ["gpu"] }), check("llm", { depends_on: ["tts"] })]);
  it("holds the children while the parent fails, names them in the parent's message, then lets them proceed", () => {
    const runs = runSeq(
      [
        { gpu: F, tts: F, llm: F }, // all fail: only gpu speaks, naming tts and llm
        { gpu: F, tts: F, llm: F }, // nothing new
        { gpu: F, tts: F, llm: F }, // gpu step 2 (with restart), still naming both
        { gpu: O, tts: F, llm: F }, // gpu recovers; tts resumes at its streak (4: step 2 only); llm still held by tts
      ],
      config,
    );
    expect(runs.map((r) => said(r.actions))).toEqual([
      ["email:gpu:step:1"],
      [],
      ["sms:gpu:step:2"],
      ["email:gpu:recovered:0", "sms:gpu:recovered:0", "sms:tts:step:2"],
    ]);
    const items = runs[0]!.actions.flatMap((a) => (a.type === "notify" ? a.items : []));
    expect(items[0]!.alsoAffected).toEqual(["llm", "tts"]);
    expect(runs.map((r) => restarted(r.actions))).toEqual([[], [], ["gpu"], ["tts"]]);
    const tts = runs[3]!.actions.flatMap((a) => (a.type === "notify" ? a.items : [])).find((i) => i.check === "tts")!;
    expect(tts.alsoAffected).toEqual(["llm"]);
  });

  it("a child told before its parent failed still gets its recovery notice", () => {
    const runs = runSeq(
      [
        { gpu: O, tts: F },
        { gpu: F, tts: F },
        { gpu: F, tts: O },
      ],
      config,
    );
    expect(runs.map((r) => said(r.actions))).toEqual([
      ["email:tts:step:1"],
      ["email:gpu:step:1"],
      ["email:tts:recovered:0"],
    ]);
  });
});

describe("flapping", () => {
  it.each([
    // 21 alternating results: 20 changes of 20 possible.
    { recent: "ox".repeat(10) + "o", share: 100 },
    // Steady: no changes.
    { recent: "x".repeat(21), share: 0 },
    // Few results are divided by the full window: 3 changes are 15%.
    { recent: "oxox", share: 15 },
  ])("share of $recent is $share%", ({ recent, share }) => {
    expect(flapShare(recent)).toBe(share);
  });

  it.each([
    // Hysteresis: start only above high, stop only below low, hold in between.
    { was: false, share: 50, want: undefined },
    { was: false, share: 55, want: "start" },
    { was: true, share: 30, want: undefined },
    { was: true, share: 20, want: "stop" },
  ])("was=$was share=$share -> $want", ({ was, share, want }) => {
    expect(flapTransition(was, share, { enabled: true, high: 50, low: 25 })).toBe(want);
  });

  it("says 'flapping' once, stays quiet, then says 'stable again' with the current state", () => {
    const flapCfg = cfg([check("svc", { escalation: [{ after: 1, notify: ["email"], restart: false }] })], {
      flap: { enabled: true, high: 50, low: 25 },
    });
    // It settles up (settling down for good is an outage, not "stable": flap-outage.test.ts).
    const seq: Status[] = [
      ...Array.from({ length: 14 }, (_, i) => (i % 2 ? O : F)),
      ...Array.from({ length: 20 }, () => O),
    ];
    const runs = runSeq(
      seq.map((s) => ({ svc: s })),
      flapCfg,
    );
    const notices = runs.flatMap((r, i) => said(r.actions).map((s) => `${i}:${s}`));
    // Runs 0-10: each failure says step 1, each ok recovers (share stays <= 50%). Run 11 (x at share 55%): flapping.
    const start = notices.findIndex((n) => n.endsWith(":flapping"));
    expect(start).toBeGreaterThan(0);
    const after = notices.slice(start + 1);
    // Quiet until the share drops below 25%: then one "stable" notice, with the current state.
    expect(after.filter((n) => n.endsWith(":stable"))).toHaveLength(1);
    expect(after.filter((n) => !n.endsWith(":stable") && !n.includes(":step:1"))).toEqual([]);
    const stableRun = Number(after[0]!.split(":")[0]);
    expect(
      runs[stableRun]!.actions.flatMap((a) => (a.type === "notify" ? a.items : [])).find((i) => i.notice === "stable")
        ?.status,
    ).toBe("ok");
    expect(runs[stableRun - 1]!.state.checks.svc!.held).toBe("flapping");
    expect(runs.at(-1)!.state.checks.svc!.flapping).toBeUndefined();
  });

  it("a warning-level check that flaps keeps its severity: no notice to a min_severity: critical channel", () => {
    // Step 1 tells email and sms; sms takes critical only. "disk 85%" going warning/ok: the flapping and stable notices
    // are warnings (they had the severity of "ok", critical, and went to sms and through quiet hours).
    const disk = check("disk", {
      escalation: [{ after: 1, notify: ["email", "sms"], restart: false }],
      restart: undefined,
    });
    const config: EngineConfig = {
      checks: [disk],
      channels: { email: ch, sms: { ...ch, min_severity: "critical" } },
      flap: { enabled: true, high: 50, low: 25 },
    };
    const seq: Status[] = [
      ...Array.from({ length: 14 }, (_, i): Status => (i % 2 ? O : "warning")),
      ...Array.from({ length: 20 }, () => O),
    ];
    const runs = runSeq(
      seq.map((s) => ({ disk: s })),
      config,
    );
    const notices = runs.flatMap((r) =>
      r.actions.flatMap((a) =>
        a.type === "notify" ? a.items.filter((i) => i.notice).map((i) => `${a.channel}:${i.notice}:${i.severity}`) : [],
      ),
    );
    expect(notices).toEqual(["email:flapping:warning", "email:stable:warning"]);
  });

  it("is off when the engine config has no flap section", () => {
    const seq: Status[] = Array.from({ length: 30 }, (_, i) => (i % 2 ? O : F));
    const runs = runSeq(
      seq.map((s) => ({ svc: s })),
      cfg([check()]),
    );
    expect(runs.every((r) => !r.state.checks.svc!.flapping)).toBe(true);
  });
});

describe("within (Monit: N failures in the last M runs)", () => {
  it.each([
    // after 3 within 5: x o x o x reaches 3 failures in the last 5 runs at run 4, though the streak is never above 1.
    { seq: [F, O, F, O, F], expect: [[], [], [], [], ["email:svc:step:1"]] },
    // x x o o x: 3 failures in the last 5 runs at run 4.
    { seq: [F, F, O, O, F], expect: [[], [], [], [], ["email:svc:step:1"]] },
    // x o o o o x o x: the first x has left the 5-run window when the third comes, so no step.
    { seq: [F, O, O, O, O, F, O, F], expect: [[], [], [], [], [], [], [], []] },
  ])("$seq", ({ seq, expect: want }) => {
    const c = check("svc", {
      escalation: [{ after: 3, within: 5, notify: ["email"], restart: false }],
      recover_after: 3,
    });
    expect(
      runSeq(
        seq.map((s) => ({ svc: s })),
        cfg([c]),
      ).map((r) => said(r.actions)),
    ).toEqual(want);
  });
});

describe("self-monitoring", () => {
  it.each([
    // Previous run ended 5 min ago, expected every 2 min: 5 <= 6, no gap.
    { lastEnd: T0 - 5 * MIN, gap: undefined },
    // Ended 20 min ago: more than 3 x 2 min, said in this run's message.
    { lastEnd: T0 - 20 * MIN, gap: 20 * MIN },
  ])("last run ended at $lastEnd", ({ lastEnd, gap }) => {
    const start: State = { ...emptyState(), lastRun: { startedAt: lastEnd - 1000, durationMs: 1000 } };
    const d = decide(start, [res("svc", F)], T0, cfg([check()]));
    const item = d.actions.flatMap((a) => (a.type === "notify" ? a.items : []))[0]!;
    expect(item.monitorGapMs).toBe(gap);
  });

  it("keeps an unsaid gap until a message goes out", () => {
    const start: State = { ...emptyState(), lastRun: { startedAt: T0 - 30 * MIN, durationMs: 0 } };
    const quiet = decide(start, [res("svc", O)], T0, cfg([check()]));
    expect(quiet.state.monitorGap).toEqual({ from: T0 - 30 * MIN, to: T0 });
    const next = decide(
      { ...quiet.state, lastRun: { startedAt: T0, durationMs: 0 } },
      [res("svc", F)],
      T0 + 2 * MIN,
      cfg([check()]),
    );
    expect(next.actions.flatMap((a) => (a.type === "notify" ? a.items : []))[0]!.monitorGapMs).toBe(30 * MIN);
    expect(next.state.monitorGap).toBeUndefined();
  });
});

describe("state files written before these fields existed", () => {
  it("decides from a state with no silences, no flapping and no held marks", () => {
    const old = {
      version: 1,
      checks: {
        svc: failedOnce(),
      },
      outbox: [],
      dropped: [],
      droppedTotal: 0,
      channels: {},
      probes: {},
      lastRun: undefined,
      sent: {},
    } as unknown as State;
    // The old streak goes on (2 failures) and step 1 fires as usual.
    const d = decide(
      old,
      [res("svc", F)],
      T0 + 2 * MIN,
      cfg([check()], { flap: { enabled: true, high: 50, low: 25 } }),
    );
    expect(d.state.checks.svc!.failStreak).toBe(2);
    expect(d.state.silences).toEqual([]);
    expect(said(d.actions)).toEqual(["email:svc:step:1"]);
  });
});
