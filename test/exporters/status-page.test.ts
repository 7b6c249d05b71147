import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { emptyState, type State } from "../../src/engine/types.js";
import type { HistoryEvent } from "../../src/history/events.js";
import { renderPage } from "../../src/exporters/status-page/html.js";
import { renderStatusPage } from "../../src/exporters/status-page/index.js";
import { buildPageModel, timeline } from "../../src/exporters/status-page/model.js";
import { addSamples, SAMPLES_MAX, type Samples } from "../../src/exporters/status-page/samples.js";
import { createRedactor } from "../../src/notify/redact.js";

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const HOUR = 3_600_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function config(n: number, extra = "") {
  const checks = Array.from({ length: n }, (_, i) => `  - name: svc-${i}\n    type: tcp\n    port: ${1000 + i}\n`).join(
    "",
  );
  const text =
    `host: box\nstate_file: /tmp/x/state.json\nstatus_page:\n  path: /tmp/x/page.html\n  title: T\n` +
    `${extra}checks:\n${checks}`;
  return parseConfig(text, { file: "w.yaml", env: {}, hostname: "box", readFile: () => "" }).config;
}

/** A state where every check failed for a while, with the worst texts a page can meet. */
function busyState(n: number): State {
  const s = emptyState();
  for (let i = 0; i < n; i++) {
    s.checks[`svc-${i}`] = {
      status: i % 2 ? "ok" : "critical",
      since: NOW - HOUR,
      failStreak: i % 2 ? 0 : 40,
      okStreak: i % 2 ? 40 : 0,
      lastRunAt: NOW,
      summary: `<b>${"x".repeat(150)}</b>`,
      recent: "",
      restartTimes: [],
      incident:
        i % 2
          ? undefined
          : {
              id: `i${i}`,
              startedAt: NOW - HOUR,
              peak: "critical",
              stepsFired: [0, 1],
              notified: ["email"],
              held: [],
              lastNotifiedAt: NOW,
              restarts: 2,
              restartsHelped: 0,
              gaveUp: true,
              cause: "gpu_oom: GPU out of memory",
              ack: { at: NOW, note: "on it" },
            },
    };
  }
  s.lastRun = { startedAt: NOW, durationMs: 1200 };
  return s;
}

/** A week of flapping: a transition every 20 minutes for every check, and an incident every 2 hours. */
function busyHistory(n: number): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  for (let t = NOW - 7 * 24 * HOUR; t < NOW; t += 20 * 60_000) {
    for (let i = 0; i < n; i++) {
      const bad = Math.floor(t / (20 * 60_000)) % 2 === 0;
      out.push({
        at: t,
        type: "transition",
        check: `svc-${i}`,
        from: bad ? "ok" : "critical",
        to: bad ? "critical" : "ok",
        summary: "s",
      });
      if (bad && Math.floor(t / (20 * 60_000)) % 6 === 0) {
        out.push({
          at: t,
          type: "incident_open",
          check: `svc-${i}`,
          id: `${i}-${t}`,
          severity: "critical",
          cause: "gpu_oom: GPU out of memory",
        });
        out.push({
          at: t + 20 * 60_000,
          type: "incident_close",
          check: `svc-${i}`,
          id: `${i}-${t}`,
          startedAt: t,
          outageMs: 20 * 60_000,
          peakStep: 1,
          peak: "critical",
          restarts: 0,
          acked: false,
          cause: "gpu_oom: GPU out of memory",
        });
      }
    }
  }
  return out;
}

describe("status page", () => {
  it("stays well under 200 KB for 50 checks with a busy week, full rings and long texts", () => {
    const cfg = config(50);
    let samples: Samples = { version: 1, checks: {} };
    for (let k = 0; k < SAMPLES_MAX + 5; k++) {
      const results = cfg.checks.map((c) => ({
        check: c.name,
        status: "ok" as const,
        summary: "",
        durationMs: 1,
        metrics: {
          latency_ms: 100 + k,
          ttft_ms: 40.123 + k,
          gpu0_memory_used_percent: 50,
          gpu0_temperature_c: 70 + (k % 5),
          gpu1_temperature_c: 1,
        },
      }));
      samples = addSamples(
        samples,
        results,
        NOW - (SAMPLES_MAX - k) * 60_000,
        cfg.checks.map((c) => c.name),
      );
    }
    expect(samples.checks["svc-0"]!.t).toHaveLength(SAMPLES_MAX);
    expect(Object.keys(samples.checks["svc-0"]!.m)).toHaveLength(4);
    const model = buildPageModel({
      config: cfg,
      state: busyState(50),
      events: busyHistory(50),
      samples,
      now: NOW,
      redact: (s) => s,
    });
    const html = renderPage(model, "en");
    const size = Buffer.byteLength(html);
    console.log(`status page, 50 checks, busy week: ${Math.round(size / 1024)} KB`);
    expect(size).toBeLessThan(200_000);
    expect(html.match(/<section class="card/g)).toHaveLength(50);
    // Open incidents first: the even (critical) checks, in config order, then the ok ones.
    expect(model.checks.slice(0, 3).map((c) => c.name)).toEqual(["svc-0", "svc-2", "svc-4"]);
    expect(html).not.toContain("<b>");
  });

  it("escapes every outside text and masks secrets, in titles, summaries, causes, silences and outbox errors", () => {
    const cfg = config(1, "");
    const s = busyState(1);
    const evil = `<script>alert('x')</script>"&'`;
    s.checks["svc-0"]!.summary = `${evil} token sekret-123`;
    s.checks["svc-0"]!.incident!.cause = evil;
    s.checks["svc-0"]!.incident!.ack = { at: NOW, note: `${evil} sekret-123` };
    s.silences = [{ id: "s1", pattern: "svc-*", reason: evil, createdAt: NOW, startsAt: NOW, endsAt: NOW + HOUR }];
    s.outbox = [
      {
        message: { id: "m", channel: "hook", host: "box", createdAt: NOW, items: [] },
        attempts: 2,
        nextAttemptAt: NOW,
        lastError: `POST http://h/x?access_token=sekret-123 failed ${evil}`,
      },
    ];
    const model = buildPageModel({
      config: { ...cfg, status_page: { path: "p", title: evil, refresh: 60_000 } },
      state: s,
      events: [],
      samples: { version: 1, checks: {} },
      now: NOW,
      redact: createRedactor(["sekret-123"]),
    });
    const html = renderPage(model, "zh-CN");
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;&#39;");
    expect(html).not.toContain("sekret-123");
    expect(html).toContain('<html lang="zh-CN">');
  });

  it("timeline: each slice shows the worst status seen in it; before any data it says so", () => {
    const events: HistoryEvent[] = [
      { at: NOW - 10 * HOUR, type: "transition", check: "a", from: "new", to: "ok", summary: "" },
      { at: NOW - 6 * HOUR - 60_000, type: "transition", check: "a", from: "ok", to: "critical", summary: "" },
      { at: NOW - 6 * HOUR + 60_000, type: "transition", check: "a", from: "critical", to: "ok", summary: "" },
    ];
    const t = timeline("a", events, { status: "ok", since: NOW - 6 * HOUR + 60_000 }, NOW - 24 * HOUR, NOW, 24, []);
    // A two-minute outage across the 18th hour's edge colours both hours red; ok fills the rest since the first run.
    expect(t.slices.join(" ")).toBe(
      [...Array(14).fill("none"), "ok", "ok", "ok", "critical", "critical", "ok", "ok", "ok", "ok", "ok"].join(" "),
    );
  });

  it("status page written by renderStatusPage reads the history and the ring from beside the state file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-sp-"));
    dirs.push(dir);
    const cfg = { ...config(1), state_file: path.join(dir, "state.json") };
    fs.writeFileSync(
      path.join(dir, "history.jsonl"),
      JSON.stringify({
        at: NOW - HOUR,
        type: "incident_open",
        check: "svc-0",
        id: "z",
        severity: "critical",
        cause: "port_in_use: x",
      }) + "\nnot json\n",
    );
    fs.writeFileSync(
      `${cfg.state_file}.samples.json`,
      JSON.stringify({ version: 1, checks: { "svc-0": { t: [1, 2, 3], m: { connect_ms: [1, 5, 3] } } } }),
    );
    const html = renderStatusPage(cfg, busyState(1), NOW, (s) => s);
    expect(html).toContain("probable cause: port_in_use");
    expect(html).toContain("<figcaption>connect time 3 ms (1–5)</figcaption>");
  });
});
