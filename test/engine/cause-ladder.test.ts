import { describe, expect, it } from "vitest";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { emptyState, type NotifyItem, type State } from "../../src/engine/types.js";
import type { ProbeResult } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";

// A ladder as people write it: chat at the first failure, SMS and a restart at the third.
const ladder = [
  { after: 1, notify: ["chat"], restart: false },
  { after: 3, notify: ["sms"], restart: true },
];
const cfg = (noRestart: string[] = ["disk_full"]): EngineConfig => ({
  checks: [engineCheck("vllm", ladder)],
  channels: { chat: consoleChannel(), sms: consoleChannel() },
  restartCannotFix: noRestart,
});
const down = (cause?: string): ProbeResult => ({
  check: "vllm",
  status: "critical",
  summary: "connection refused",
  durationMs: 1,
  ...(cause ? { cause } : {}),
});

/** runs feeds the results one cron run apart and returns what each run said ("channel:step") and restarted. */
function runs(results: ProbeResult[], c = cfg()) {
  let state: State = emptyState();
  return results.map((r, n) => {
    const d = decide(state, [r], T0 + n * 2 * MIN, c);
    state = d.state;
    const items = d.actions.flatMap((a) => (a.type === "notify" ? a.items.map((i) => ({ ch: a.channel, i })) : []));
    return {
      said: items.map(({ ch, i }) => `${ch}:${i.step}`).sort(),
      restart: d.actions.some((a) => a.type === "restart"),
      skipped: items.map(({ i }) => (i as NotifyItem).restartSkipped).filter(Boolean),
    };
  });
}

describe("a cause a restart cannot fix skips the restart and pages at once", () => {
  it("disk_full: the SMS step speaks at run 1, no restart at any run, the items say why", () => {
    const out = runs([1, 2, 3, 4].map(() => down("disk_full: the disk is full — free space")));
    expect(out[0]).toEqual({ said: ["chat:1", "sms:2"], restart: false, skipped: ["disk_full", "disk_full"] });
    expect(out.map((o) => o.restart)).toEqual([false, false, false, false]);
    // Paged once: later runs add nothing until repeat_every.
    expect(out.slice(1).map((o) => o.said)).toEqual([[], [], []]);
  });

  it("a cause found at run 2 pages then, not at run 3", () => {
    const out = runs([down(), down("disk_full: the disk is full"), down("disk_full: the disk is full")]);
    expect(out.map((o) => o.said)).toEqual([["chat:1"], ["sms:2"], []]);
    expect(out.map((o) => o.restart)).toEqual([false, false, false]);
  });

  it.each([["gpu_oom: GPU out of memory"], ["engine_dead: the engine died"], [undefined]])(
    "cause %s restarts as before: SMS and restart at run 3",
    (cause) => {
      const out = runs([1, 2, 3].map(() => down(cause)));
      expect(out.map((o) => o.said)).toEqual([["chat:1"], [], ["sms:2"]]);
      expect(out.map((o) => o.restart)).toEqual([false, false, true]);
    },
  );

  it("a ladder without a restart step pages its highest step", () => {
    const c: EngineConfig = {
      ...cfg(),
      checks: [engineCheck("vllm", [ladder[0]!, { after: 3, notify: ["sms"], restart: false }])],
    };
    const out = runs([down("disk_full: the disk is full")], c);
    expect(out[0]!.said).toEqual(["chat:1", "sms:2"]);
  });

  it("without the list (an older caller) nothing changes", () => {
    const c: EngineConfig = { checks: cfg().checks, channels: cfg().channels };
    const out = runs(
      [1, 2, 3].map(() => down("disk_full: the disk is full")),
      c,
    );
    expect(out.map((o) => o.restart)).toEqual([false, false, true]);
  });
});

describe("a service check learns the cause from its log check (depends_on: [service])", () => {
  const c: EngineConfig = {
    ...cfg(),
    checks: [
      engineCheck("vllm", ladder),
      engineCheck("vllm-log", ladder, { depends_on: ["vllm"], restart: undefined }),
    ],
  };
  const log = (cause: string | undefined): ProbeResult => ({
    check: "vllm-log",
    status: cause ? "critical" : "ok",
    summary: cause ? "1 match" : "no match",
    durationMs: 1,
    ...(cause ? { cause } : {}),
  });

  it("disk_full in the log: the service's alert names it, skips the restart and pages at run 1", () => {
    const d = decide(emptyState(), [down(), log("disk_full: the disk is full — free space")], T0, c);
    const items = d.actions.flatMap((a) => (a.type === "notify" ? a.items.map((i) => ({ ch: a.channel, i })) : []));
    expect(items.map(({ ch, i }) => `${ch}:${i.check}:${i.step}`).sort()).toEqual(["chat:vllm:1", "sms:vllm:2"]);
    expect(items.every(({ i }) => i.cause?.startsWith("disk_full") && i.restartSkipped === "disk_full")).toBe(true);
    expect(d.actions.some((a) => a.type === "restart")).toBe(false);
  });

  it("a log that is ok lends nothing", () => {
    const d = decide(emptyState(), [down(), log(undefined)], T0, c);
    const items = d.actions.flatMap((a) => (a.type === "notify" ? a.items : []));
    expect(items.map((i) => i.cause)).toEqual([undefined]);
  });
});
