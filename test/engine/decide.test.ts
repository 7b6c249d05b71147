import { describe, expect, it } from "vitest";
import type { CheckConfig, ChannelConfig } from "../../src/config/schema.js";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { emptyState, type Action, type NotifyItem, type State } from "../../src/engine/types.js";
import type { ProbeResult, Status } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";

function check(over: Partial<CheckConfig> = {}): CheckConfig {
  return engineCheck(
    over.name ?? "svc",
    [
      { after: 1, notify: ["email"], restart: false },
      { after: 3, notify: ["sms", "dingtalk"], restart: true },
    ],
    over,
  );
}

const ch = consoleChannel;

function cfg(
  checks: CheckConfig[] = [check()],
  channels: Record<string, ChannelConfig> = { email: ch(), sms: ch("critical"), dingtalk: ch() },
): EngineConfig {
  return { checks, channels };
}

const res = (status: Status, name = "svc", extra: Partial<ProbeResult> = {}): ProbeResult => ({
  check: name,
  status,
  summary: `${name} is ${status}`,
  durationMs: 1,
  ...extra,
});

/** run feeds a sequence of statuses, one run every 2 minutes, and returns each run's actions. */
function run(statuses: Status[], config = cfg(), start: State = emptyState(), every = 2 * MIN) {
  let state = start;
  const runs: { now: number; actions: Action[]; state: State }[] = [];
  statuses.forEach((s, i) => {
    const now = T0 + i * every;
    const d = decide(state, [res(s)], now, config);
    state = d.state;
    runs.push({ now, actions: d.actions, state });
  });
  return runs;
}

/** said lists "channel:reason:step" for one run's notify actions. */
function said(actions: Action[]): string[] {
  return actions
    .flatMap((a) => (a.type === "notify" ? a.items.map((i) => `${a.channel}:${i.reason}:${i.step}`) : []))
    .sort();
}
const restarted = (actions: Action[]) => actions.some((a) => a.type === "restart");

describe("decide: the escalation ladder", () => {
  it.each([
    // A healthy check never says anything.
    { seq: ["ok", "ok", "ok"], expect: [[], [], []] },
    // First failure: step 1 (email). Second: nothing. Third: step 2 (sms + dingtalk).
    { seq: ["critical", "critical", "critical"], expect: [["email:step:1"], [], ["dingtalk:step:2", "sms:step:2"]] },
    // Recovery after step 1 goes to every channel told: only email.
    { seq: ["critical", "ok"], expect: [["email:step:1"], ["email:recovered:0"]] },
    // Recovery after step 2 goes to email, sms and dingtalk.
    {
      seq: ["critical", "critical", "critical", "ok"],
      expect: [
        ["email:step:1"],
        [],
        ["dingtalk:step:2", "sms:step:2"],
        ["dingtalk:recovered:0", "email:recovered:0", "sms:recovered:0"],
      ],
    },
    // Unknown counts as critical for escalation.
    { seq: ["unknown", "unknown", "unknown"], expect: [["email:step:1"], [], ["dingtalk:step:2", "sms:step:2"]] },
    // A warning never reaches the critical-only sms channel.
    { seq: ["warning", "warning", "warning"], expect: [["email:step:1"], [], ["dingtalk:step:2"]] },
    // ...until the incident turns critical: then the held sms notice goes out, once.
    {
      seq: ["warning", "warning", "warning", "critical", "critical"],
      expect: [["email:step:1"], [], ["dingtalk:step:2"], ["sms:step:2"], []],
    },
    // A streak broken by an ok run starts over: a new incident, step 1 again.
    {
      seq: ["critical", "critical", "ok", "critical"],
      expect: [["email:step:1"], [], ["email:recovered:0"], ["email:step:1"]],
    },
  ] as { seq: Status[]; expect: string[][] }[])("$seq", ({ seq, expect: want }) => {
    expect(run(seq).map((r) => said(r.actions))).toEqual(want);
  });

  it("restarts at the step that says so, and marks that step's items", () => {
    const runs = run(["critical", "critical", "critical"]);
    expect(runs.map((r) => restarted(r.actions))).toEqual([false, false, true]);
    const items = runs[2]!.actions.flatMap((a) => (a.type === "notify" ? a.items : []));
    expect(items.every((i) => i.restartPlanned)).toBe(true);
    expect(runs[2]!.state.checks.svc!.incident!.restarts).toBe(1);
  });

  it("sends a reminder to the highest step's channels after repeat_every, and only then", () => {
    // Runs every 10 minutes: step 1 at 0, step 2 at 20m, reminder at 50m (30m after the last notice), next at 80m.
    const runs = run(Array(10).fill("critical"), cfg([check({ restart: undefined })]), emptyState(), 10 * MIN);
    expect(runs.map((r) => said(r.actions))).toEqual([
      ["email:step:1"],
      [],
      ["dingtalk:step:2", "sms:step:2"],
      [],
      [],
      ["dingtalk:reminder:2", "sms:reminder:2"],
      [],
      [],
      ["dingtalk:reminder:2", "sms:reminder:2"],
      [],
    ]);
  });

  it("never reminds when repeat_every is 0", () => {
    const runs = run(
      Array(30).fill("critical"),
      cfg([check({ repeat_every: 0, restart: undefined })]),
      emptyState(),
      10 * MIN,
    );
    expect(runs.flatMap((r) => said(r.actions)).filter((s) => s.includes("reminder"))).toEqual([]);
  });

  it("waits for recover_after ok runs before resolving", () => {
    const runs = run(["critical", "ok", "ok", "ok"], cfg([check({ recover_after: 3 })]));
    expect(runs.map((r) => said(r.actions))).toEqual([["email:step:1"], [], [], ["email:recovered:0"]]);
  });

  it("says the outage length on recovery: first failure to first ok run", () => {
    const runs = run(["ok", "critical", "critical", "critical", "ok"]);
    const rec = runs[4]!.actions.flatMap((a) => (a.type === "notify" ? a.items : []))[0]!;
    expect(rec.reason).toBe("recovered");
    expect(rec.outageMs).toBe(6 * MIN);
    expect(rec.since).toBe(T0 + 2 * MIN);
    expect(rec.restarts).toBe(1);
  });

  it("closes an incident nobody was told about without a recovery notice", () => {
    const late = check({ escalation: [{ after: 3, notify: ["email"], restart: false }] });
    const runs = run(["critical", "critical", "ok"], cfg([late]));
    expect(runs.map((r) => said(r.actions))).toEqual([[], [], []]);
    expect(runs[2]!.state.checks.svc!.incident).toBeUndefined();
  });

  it("gives up on restarts past the limit, once, and keeps quiet about it after", () => {
    // limit 1 restart per 30m; the restart step re-fires with each reminder (every 10 min here).
    const c = check({
      repeat_every: 10 * MIN,
      restart: { command: ["x"], shell: false, timeout: 1000, verify_after: 0, limit: { max: 1, within: 30 * MIN } },
    });
    const runs = run(Array(8).fill("critical"), cfg([c]), emptyState(), 5 * MIN);
    expect(runs.map((r) => restarted(r.actions))).toEqual([false, false, true, false, false, false, false, false]);
    const gaveUp = runs.map((r) => said(r.actions).filter((s) => s.includes("restart_gave_up")));
    expect(gaveUp.flat()).toEqual(["dingtalk:restart_gave_up:2", "email:restart_gave_up:2", "sms:restart_gave_up:2"]);
    expect(gaveUp.findIndex((g) => g.length > 0)).toBe(4);
  });

  it("lets the restart budget refill after the window", () => {
    const c = check({
      repeat_every: 10 * MIN,
      restart: { command: ["x"], shell: false, timeout: 1000, verify_after: 0, limit: { max: 1, within: 20 * MIN } },
    });
    const runs = run(Array(12).fill("critical"), cfg([c]), emptyState(), 5 * MIN);
    // Restart at 10m (step 2); reminders at 20m (limit spent: give up) and later ones: budget refills after 30m.
    expect(runs.map((r) => restarted(r.actions))).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
      false,
    ]);
  });

  it("ignores restart: true when the check has no restart hook", () => {
    const runs = run(["critical", "critical", "critical"], cfg([check({ restart: undefined })]));
    expect(runs.some((r) => restarted(r.actions))).toBe(false);
  });

  it("escalates N failures within M runs (Monit style)", () => {
    const c = check({ escalation: [{ after: 3, within: 5, notify: ["email"], restart: false }], restart: undefined });
    const runs = run(["critical", "ok", "critical", "ok", "critical"], cfg([c]));
    expect(runs.map((r) => said(r.actions))).toEqual([[], [], [], [], ["email:step:1"]]);
  });

  it("groups every check of a run into one message per channel", () => {
    const c = cfg([check({ name: "a" }), check({ name: "b" }), check({ name: "c" })]);
    const d = decide(emptyState(), [res("critical", "a"), res("critical", "b"), res("ok", "c")], T0, c);
    const notify = d.actions.filter((a) => a.type === "notify");
    expect(notify).toHaveLength(1);
    expect(notify[0]).toMatchObject({ channel: "email", items: [{ check: "a" }, { check: "b" }] });
  });

  it("carries what the message needs: summary, streak, since, cause, excerpt, runbook", () => {
    const c = cfg([
      check({ runbook: "journalctl -u svc", escalation: [{ after: 2, notify: ["email"], restart: false }] }),
    ]);
    const s1 = decide(emptyState(), [res("critical")], T0, c).state;
    const d = decide(
      s1,
      [
        res("critical", "svc", {
          summary: "port closed",
          cause: "gpu_oom: GPU out of memory",
          excerpt: ["CUDA out of memory"],
        }),
      ],
      T0 + MIN,
      c,
    );
    const item = (d.actions[0] as { items: NotifyItem[] }).items[0]!;
    expect(item).toMatchObject({
      check: "svc",
      reason: "step",
      step: 1,
      severity: "critical",
      summary: "port closed",
      failStreak: 2,
      since: T0,
      cause: "gpu_oom: GPU out of memory",
      excerpt: ["CUDA out of memory"],
      runbook: "journalctl -u svc",
    });
  });

  it("does not fire steps again when the clock moves back", () => {
    const runs = run(["critical", "critical", "critical"]);
    const back = decide(runs[2]!.state, [res("critical")], T0 - 60 * MIN, cfg());
    expect(said(back.actions)).toEqual([]);
    const rec = decide(back.state, [res("ok")], T0 - 58 * MIN, cfg());
    const item = (rec.actions.find((a) => a.type === "notify") as { items: NotifyItem[] }).items[0]!;
    expect(item.outageMs).toBe(0);
  });

  it("forgets checks that are no longer configured", () => {
    const s = decide(emptyState(), [res("critical", "old")], T0, cfg([check({ name: "old" })])).state;
    const d = decide(s, [res("ok")], T0 + MIN, cfg());
    expect(Object.keys(d.state.checks)).toEqual(["svc"]);
  });

  it("is pure: the same input gives the same output and the input is not changed", () => {
    const s = run(["critical", "critical"])[1]!.state;
    const frozen = JSON.stringify(s);
    const a = decide(s, [res("critical")], T0 + 4 * MIN, cfg());
    const b = decide(s, [res("critical")], T0 + 4 * MIN, cfg());
    expect(a).toEqual(b);
    expect(JSON.stringify(s)).toBe(frozen);
  });
});

describe("decide: names that are Object.prototype keys", () => {
  const names = ["__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"];

  it.each(names)("check %s escalates at its 3rd failure, also across a JSON round trip of the state", (name) => {
    const config = cfg([check({ name })], { email: ch(), sms: ch(), dingtalk: ch() });
    let state = emptyState();
    const steps: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const d = decide(state, [res("critical", name)], T0 + i * 2 * MIN, config);
      steps.push(said(d.actions));
      // The state file: a plain JSON.parse (own `__proto__` key, Object.prototype behind it), as older loads made.
      state = JSON.parse(JSON.stringify(d.state)) as State;
      expect(Object.keys(state.checks)).toEqual([name]);
    }
    expect(steps).toEqual([["email:step:1"], [], ["dingtalk:step:2", "sms:step:2"]]);
  });

  it("reads min_severity of a channel named constructor as its own, not Object's", () => {
    const config = cfg([engineCheck("svc", [{ after: 1, notify: ["constructor"], restart: false }])], {
      constructor: ch("critical"),
    });
    expect(said(decide(emptyState(), [res("warning")], T0, config).actions)).toEqual([]);
    expect(said(decide(emptyState(), [res("critical")], T0, config).actions)).toEqual(["constructor:step:1"]);
  });
});
