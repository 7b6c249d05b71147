import { describe, expect, it } from "vitest";
import { renderText, smsParams } from "../../src/notify/render.js";
import type { NotifyItem } from "../../src/engine/types.js";
import { item, message, T0 } from "./fixtures.js";

describe("render", () => {
  it.each(["en", "zh-CN"] as const)(
    "a step message in %s carries host, check, status, streak, cause, excerpt, restart, runbook",
    (locale) => {
      const m = message("email", [
        item({
          restartPlanned: true,
          restart: {
            exitCode: 0,
            signal: null,
            timedOut: false,
            durationMs: 1200,
            outputTail: "restarted",
            after: "critical",
            helped: false,
          },
        }),
      ]);
      const r = renderText(m, locale);
      for (const s of [
        "gpu-box-01",
        "cosyvoice",
        "GPU out of memory (CUDA OOM)",
        "torch.OutOfMemoryError",
        "https://wiki.example.com/runbooks/cosyvoice",
        "mwt1abc-email",
      ])
        expect(r.text).toContain(s);
      expect(r.text).toContain(locale === "en" ? "restart did not help" : "重启后仍未恢复");
      expect(r.text).toContain(locale === "en" ? "failing 3 runs in a row" : "连续失败 3 次");
      expect(r).toMatchSnapshot();
    },
  );

  it(
    "what was stopped before a restart is worded in each locale; " +
      "an alert queued by an older version keeps its words",
    () => {
      const base = {
        exitCode: 0,
        signal: null,
        timedOut: false,
        durationMs: 1200,
        outputTail: "",
        helped: false,
      } as const;
      const stopped = [
        { step: "command", exitCode: null, signal: null, timedOut: true },
        { step: "process", pid: 42, comm: "python3", port: 8000, by: "KILL", graceMs: 10_000 },
      ] as const;
      const hint = { port: 8000, pids: [{ pid: 42, comm: "python3" }] };
      const said = (locale: "en" | "zh-CN", restart: object) =>
        renderText(message("email", [item({ restart: { ...base, ...restart } as never })]), locale).text;
      expect(said("en", { stopped })).toContain(
        "stop command timed out; stopped first: pid 42 (python3) listening on port 8000 (KILL after 10s); " +
          "restart did not",
      );
      expect(said("zh-CN", { stopped })).toContain(
        "停止命令超时; 已先停止监听端口 8000 的进程 pid 42（python3）（等待 10秒 后 KILL）",
      );
      expect(said("en", { hint })).toContain(
        "; port 8000 is still held by pid 42 (python3): set restart.stop_hung: true",
      );
      expect(said("zh-CN", { hint })).toContain("端口 8000 仍被 pid 42（python3）占用：设置 restart.stop_hung: true");
      expect(said("zh-CN", { stopped: "stopped first: pid 7 (node) listening on port 80 (TERM)" })).toContain(
        "stopped first: pid 7 (node) listening on port 80 (TERM); 重启后仍未恢复",
      );
    },
  );

  it("a fallback copy and a digest say so; a merged message lists every id", () => {
    const m = message("email", [item(), item({ check: "llm", severity: "warning", status: "warning" })], {
      fallbackFrom: "dingtalk",
      heldBy: "quiet_hours",
      mergedIds: ["a", "b"],
    });
    const r = renderText(m, "en");
    // A merged subject carries the worst status of its items.
    expect(r.subject).toBe("[watchdog] CRITICAL: 2 checks on gpu-box-01");
    expect(r.text).toContain('(sent here because channel "dingtalk" could not deliver it)');
    expect(r.text).toContain("Held during quiet hours: 2 messages in one digest.");
    expect(r.text).toContain("watchdog message a, b");
  });

  it.each([
    // Two alerts of one check (a step held by the rate limit, then the next): one check, named.
    { items: [{}, { step: 2 }], subject: "[watchdog] CRITICAL cosyvoice on gpu-box-01", count: "1" },
    // Down then back within one merged message: the subject speaks of the latest.
    {
      items: [{}, { reason: "recovered", status: "ok" }],
      subject: "[watchdog] RECOVERED cosyvoice on gpu-box-01",
      count: "1",
    },
    // Three alerts of two checks: 2 checks, the worst of their latest states.
    {
      items: [{}, { step: 2 }, { check: "llm", severity: "warning", status: "warning" }],
      subject: "[watchdog] CRITICAL: 2 checks on gpu-box-01",
      count: "2",
    },
    // One check recovered and one still down: counted once each.
    {
      items: [{}, { reason: "recovered", status: "ok" }, { check: "llm" }, { check: "llm", step: 2 }],
      subject: "[watchdog] CRITICAL: 2 checks on gpu-box-01, 1 recovered",
      count: "2",
    },
  ] as { items: Partial<NotifyItem>[]; subject: string; count: string }[])(
    "a merged message counts checks, not messages: $subject",
    ({ items, subject, count }) => {
      const m = message(
        "email",
        items.map((i) => item(i)),
        { mergedIds: items.map((_, n) => `m${n}`) },
      );
      expect(renderText(m, "en").subject).toBe(subject);
      expect(smsParams(m, { n: "count" }, "en", 20)).toEqual({ n: count });
    },
  );

  it("the daily-limit notice and the test message have their own subjects", () => {
    const notice = message("email", [], {
      notice: { type: "daily_limit", channel: "sms", limit: 20, day: "2026-11-22" },
    });
    expect(renderText(notice, "zh-CN").subject).toBe("【告警】gpu-box-01 短信已达每日上限（sms）");
    expect(renderText(notice, "en").text).toContain(
      'Channel "sms" has sent its daily limit of 20 messages for 2026-11-22',
    );
    const test = message("sms", [item({ check: "test-notify", reason: "test", status: "ok", summary: "hello" })]);
    expect(renderText(test, "en").subject).toBe("[watchdog] Test message from gpu-box-01");
  });

  it("smsParams: a recovery says recovered and the outage; unknown fields are sent as written", () => {
    const rec = message("sms", [
      item({ reason: "recovered", status: "ok", outageMs: 17 * 60_000, since: T0 - 17 * 60_000 }),
    ]);
    expect(smsParams(rec, { s: "status", o: "outage", app: "watchdog" }, "zh-CN", 20)).toEqual({
      s: "已恢复",
      o: "17m",
      app: "watchdog",
    });
  });
});

describe("render: notices and causes", () => {
  it("names a flapping check and a stable-again one in the subject, without an escalation-step label", () => {
    const flap = renderText(message("email", [item({ step: 0, notice: "flapping", flapShare: 60 })]), "en");
    expect(flap.subject).toBe("[watchdog] FLAPPING cosyvoice on gpu-box-01");
    expect(flap.text).toContain("the check is flapping (60% state changes)");
    expect(flap.text).not.toContain("escalation step");
    const stable = renderText(message("email", [item({ step: 0, notice: "stable", status: "ok" })]), "zh-CN");
    expect(stable.subject).toBe("【通知】gpu-box-01 cosyvoice 状态已稳定（正常）");
  });

  it("an outage that ends a flapping episode says so, in both languages", () => {
    const down = message("email", [item({ wasFlapping: true, failStreak: 3 })]);
    expect(renderText(down, "en").text).toContain("was flapping; down for 3 runs now");
    expect(renderText(down, "zh-CN").text).toContain("现已连续 3 次失败");
    // A channel told it flaps but named by no step gets the outage without an "escalation step" label.
    const off = renderText(message("email", [item({ step: 0, wasFlapping: true })]), "en");
    expect(off.text).not.toContain("escalation step");
    expect(off.subject).toBe("[watchdog] CRITICAL cosyvoice on gpu-box-01");
  });

  it("gives the log probe's probable cause in the message's language", () => {
    const m = message("email", [item({ cause: "gpu_oom: GPU out of memory — lower the batch size" })]);
    expect(renderText(m, "en").text).toMatch(/Probable cause: gpu_oom: /);
    expect(renderText(m, "zh-CN").text).toMatch(/可能原因：gpu_oom: .*[\u4e00-\u9fff]/);
    const free = message("email", [item({ cause: "my own words" })]);
    expect(renderText(free, "zh-CN").text).toContain("可能原因：my own words");
  });
});

describe("render: wording", () => {
  it("a test message has no failure streak, and zh-CN durations and punctuation are Chinese", () => {
    const test = renderText(
      message("email", [item({ check: "test-notify", reason: "test", status: "ok", summary: "hello", failStreak: 0 })]),
      "en",
    );
    expect(test.text).not.toMatch(/failing 0 runs/);
    const rec = renderText(message("email", [item({ reason: "recovered", status: "ok", outageMs: 125_000 })]), "zh-CN");
    expect(rec.subject).toContain("故障时长 2分5秒");
    expect(rec.text).toMatch(/^故障时长：2分5秒（开始于 \d{4}-/m);
  });
});

describe("render: kernel evidence", () => {
  // The kernel's OOM kill of the service and a lost GPU, one row each, worded in the locale.
  const kernel: NotifyItem["kernel"] = [
    { kind: "oom", at: T0, pid: 6154, comm: "python3", anonRssKb: 64_000_000, cgroup: false, certain: true },
    { kind: "xid", at: T0, pci: "0000:3b:00", code: 79 },
  ];
  it.each([
    [
      "en",
      "Kernel: killed by the kernel's OOM killer at ",
      ": python3 (pid 6154), anon-rss 61.0 GiB",
      "Kernel: GPU PCI:0000:3b:00: Xid 79 at ",
    ],
    [
      "zh-CN",
      "内核：",
      " 被内核 OOM killer 杀死：python3（pid 6154），anon-rss 61.0 GiB",
      "内核：GPU PCI:0000:3b:00：",
    ],
  ] as const)("in %s", (locale, head, oom, xid) => {
    const r = renderText(message("email", [item({ kernel })]), locale);
    expect(r.text).toContain(head);
    expect(r.text).toContain(oom);
    expect(r.text).toContain(xid);
  });
});
