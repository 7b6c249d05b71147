import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { formatPath } from "../../src/config/locate.js";
import type { RawCheck, RuleContext, RuleIssue } from "../../src/config/rules.js";
import { fallbacksNameAChannel } from "../../src/config/rules/channels.js";
import { dependsOnKnown, flapBand, noDependencyCycle, uniqueName } from "../../src/config/rules/checks.js";
import { ladderProblems } from "../../src/config/rules/ladders.js";
import type { ChannelConfig, RawConfig } from "../../src/config/schema.js";
import { ConfigError } from "../../src/errors.js";

// Nothing that can lose an alert validates (issue 10): each config below is one way an alert could go nowhere, with the
// one line `validate` must print for it. The channels come from CHANNELS; each case adds its ladder and checks.
const opts = { file: "w.yaml", env: {}, hostname: "box", readFile: () => "" };
const EMAIL = "  email: {type: email, host: h, from: a@b.c, to: x@y.z}\n";
const DING = "  dingtalk: {type: dingtalk, webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t'}\n";
const TCP = "checks:\n  - {name: tts, type: tcp, port: 1}\n";

function problems(text: string): string[] {
  try {
    parseConfig(text, opts);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

describe("references that would lose an alert are errors", () => {
  it.each([
    {
      // The typo of the issue: a warning and "config OK" before, and every alert lost.
      what: "a typo in a ladder step",
      yaml: `channels:\n${EMAIL}escalation:\n  - {after: 1, notify: [emial]}\n${TCP}`,
      want: [
        'w.yaml:4:25: escalation[0].notify[0]: unknown channel "emial"; did you mean "email"? (configured: email): ' +
          "alerts for it would be lost",
      ],
    },
    {
      // A per-check ladder is checked the same way.
      what: "a typo in a check's own ladder",
      yaml:
        `channels:\n${EMAIL}${DING}checks:\n  - name: tts\n    type: tcp\n    port: 1\n` +
        `    escalation: [{after: 2, notify: [dingtak]}]\n`,
      want: [
        'w.yaml:8:38: checks[0].escalation[0].notify[0]: unknown channel "dingtak"; ' +
          'did you mean "dingtalk"? (configured: email, dingtalk): alerts for it would be lost',
      ],
    },
    {
      // A fallback is the last way out of a failing channel: it must exist.
      what: "a fallback to a channel that does not exist",
      yaml: `channels:\n  email: {type: email, host: h, from: a@b.c, to: x@y.z, fallback: [sms]}\n${TCP}`,
      want: [
        'w.yaml:2:68: channels.email.fallback[0]: unknown channel "sms" (configured: email): ' +
          "alerts for it would be lost",
      ],
    },
    {
      // A type alias with two channels of that type names neither.
      what: "an alias that two channels share",
      yaml:
        `channels:\n${EMAIL}  mail2: {type: email, host: h, from: a@b.c, to: x@y.z}\nescalation:\n` +
        `  - {after: 1, notify: [mail]}\n${TCP}`,
      want: [
        'w.yaml:5:25: escalation[0].notify[0]: unknown channel "mail" (2 channels have that type: ' +
          "name one of email, mail2): alerts for it would be lost",
      ],
    },
    {
      // Every step restarts and none notifies: the check would fail in silence.
      what: "a ladder that notifies nobody",
      yaml: `channels:\n${EMAIL}escalation:\n  - {after: 1, notify: []}\n${TCP}`,
      want: [
        "w.yaml:4:3: escalation: no step of this ladder notifies a channel, " +
          "so nobody would hear of the checks that use it (configured: email)",
      ],
    },
  ])("$what", ({ yaml, want }) => {
    expect(problems(yaml)).toEqual(want);
  });
});

describe("the built-in ladder with only some channels", () => {
  // Written down in the README: a step of the built-in ladder (email at 1; sms, dingtalk and a restart at 3) whose
  // channels are not all configured notifies every configured channel, so one channel hears every step.
  it.each([
    { what: "email only", channels: EMAIL, want: [["email"], ["email"]] },
    { what: "dingtalk only", channels: DING, want: [["dingtalk"], ["dingtalk"]] },
    { what: "email and dingtalk", channels: EMAIL + DING, want: [["email"], ["dingtalk", "email"]] },
  ])("$what", ({ channels, want }) => {
    const { config, warnings } = parseConfig(`channels:\n${channels}${TCP}`, opts);
    expect(config.checks[0]!.escalation.map((s) => [...s.notify].sort())).toEqual(want.map((w) => [...w].sort()));
    expect(config.checks[0]!.escalation[1]!.restart).toBe(true);
    expect(warnings).toEqual([]);
  });
});

describe("check names", () => {
  it.each(["tts进程", "语音合成-主", "llm.api@gpu0", "café"])("accepts %s", (name) => {
    expect(problems(`checks:\n  - {name: ${name}, type: tcp, port: 1}\n`)).toEqual([]);
  });
  it.each(["'a b'", "'a*'", "'x,y'", '"a\\tb"'])("refuses %s", (name) => {
    expect(problems(`checks:\n  - {name: ${name}, type: tcp, port: 1}\n`)[0]).toMatch(
      /checks\[0\]\.name: no whitespace, control characters/,
    );
  });
});

describe("URLs written without their scheme", () => {
  // `localhost:8000/health` is a valid URL of scheme "localhost:": it validated, and every run then failed with
  // 'Protocol "localhost:" not supported'. The webhook's value is never quoted: it carries the robot's token.
  const MSG = "must be a URL that starts with http:// or https:// (e.g. http://127.0.0.1:8000/health)";
  it.each([
    {
      what: "an http check",
      yaml: "checks:\n  - {name: tts, type: http, url: 'localhost:8000/health'}\n",
      want: [`w.yaml:2:34: checks[0].url: ${MSG}`],
    },
    {
      what: "an openai check",
      yaml: "checks:\n  - {name: llm, type: openai, base_url: '127.0.0.1:8000/v1', model: m}\n",
      want: [`w.yaml:2:41: checks[0].base_url: ${MSG}`],
    },
    {
      what: "a DingTalk robot",
      yaml:
        `channels:\n  dingtalk: {type: dingtalk, webhook: 'oapi.dingtalk.com/robot/send?access_token=t0ken'}\n` +
        `${TCP}`,
      want: [`w.yaml:2:39: channels.dingtalk.webhook: ${MSG}`],
    },
  ])("$what", ({ yaml, want }) => {
    const got = problems(yaml);
    expect(got).toEqual(want);
    expect(got.join("\n")).not.toContain("t0ken");
  });

  it("http and https URLs pass", () => {
    expect(problems("checks:\n  - {name: tts, type: http, url: 'https://127.0.0.1:8000/health'}\n")).toEqual([]);
  });
});

describe("the named rules, one by one", () => {
  const raw = { escalation: [], flap: { enabled: true, low: 25, high: 50 } } as unknown as RawConfig;
  const email: ChannelConfig = { type: "email", fallback: [], timeout: 1000, min_severity: "warning" };
  const check = (name: string, over: Partial<RawCheck> = {}): RawCheck => ({
    name,
    type: "tcp",
    depends_on: [],
    labels: {},
    ...over,
  });
  const ctx = (checks: RawCheck[], channels: Record<string, ChannelConfig> = { email }): RuleContext => ({
    checks,
    channels,
    builtInLadder: false,
    causeIssues: [],
  });
  const said = (issues: RuleIssue[]) => issues.map((i) => `${formatPath(i.path)}: ${i.message}`);

  it.each([
    { what: "unique names", checks: [check("a"), check("b")], at: 1, want: [] },
    {
      what: "a duplicate names the one before it",
      checks: [check("a"), check("a"), check("a")],
      at: 2,
      want: ['checks[2].name: duplicate check name "a" (also checks[1])'],
    },
  ])("uniqueName: $what", ({ checks, at, want }) => {
    expect(said(uniqueName(raw, ctx(checks), at))).toEqual(want);
  });

  it.each([
    { what: "a known check", checks: [check("a"), check("b", { depends_on: ["a"] })], want: [] },
    {
      what: "an unknown check",
      checks: [check("a", { depends_on: ["x"] })],
      want: ['checks[0].depends_on[0]: unknown check "x"'],
    },
    {
      what: "itself",
      checks: [check("a", { depends_on: ["a"] })],
      want: ["checks[0].depends_on[0]: a check cannot depend on itself"],
    },
  ])("dependsOnKnown: $what", ({ checks, want }) => {
    expect(said(dependsOnKnown(raw, ctx(checks)))).toEqual(want);
  });

  it.each([
    { what: "a chain", checks: [check("a"), check("b", { depends_on: ["a"] })], want: [] },
    {
      what: "a ring",
      checks: [check("a", { depends_on: ["b"] }), check("b", { depends_on: ["a"] })],
      want: ["checks[0].depends_on: dependency cycle: a -> b -> a"],
    },
  ])("noDependencyCycle: $what", ({ checks, want }) => {
    expect(said(noDependencyCycle(raw, ctx(checks)))).toEqual(want);
  });

  it.each([
    { low: 25, high: 50, want: [] },
    { low: 50, high: 50, want: ["flap.low: flap.low (50) must be below flap.high (50)"] },
  ])("flapBand: low $low, high $high", ({ low, high, want }) => {
    expect(said(flapBand({ ...raw, flap: { enabled: true, low, high } }))).toEqual(want);
  });

  it.each([
    { what: "another channel", fallback: ["sms"], want: [] },
    { what: "itself", fallback: ["email"], want: ["channels.email.fallback[0]: a channel cannot fall back to itself"] },
    {
      what: "nothing",
      fallback: ["fax"],
      want: ['channels.email.fallback[0]: unknown channel "fax" (configured: email, sms): alerts for it would be lost'],
    },
  ])("fallbacksNameAChannel: $what", ({ fallback, want }) => {
    const sms: ChannelConfig = { type: "aliyun-sms", fallback: [], timeout: 1000, min_severity: "critical" };
    expect(said(fallbacksNameAChannel(raw, ctx([], { email: { ...email, fallback }, sms })))).toEqual(want);
  });

  it.each([
    {
      what: "in order",
      ladder: [
        { after: 1, notify: ["email"] },
        { after: 3, notify: ["mail"] },
      ],
      want: [],
    },
    {
      what: "out of order",
      ladder: [
        { after: 3, notify: [] },
        { after: 2, notify: [] },
      ],
      want: ["escalation[1].after: steps must be in increasing order of `after`"],
    },
    {
      what: "within below after",
      ladder: [{ after: 3, within: 2, notify: [] }],
      want: ["escalation[0].within: within (2) must be at least after (3)"],
    },
  ])("ladderProblems: $what", ({ ladder, want }) => {
    const steps = ladder.map((s) => ({ restart: false, ...s }));
    expect(said(ladderProblems(steps, ["escalation"], { email }, false))).toEqual(want);
  });
});
