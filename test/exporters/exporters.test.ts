import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { emptyState, type CheckState, type State } from "../../src/engine/types.js";
import { probeMetricName, renderMetrics } from "../../src/exporters/textfile.js";
import { buildAlertmanagerAlerts } from "../../src/notify/channels/alertmanager/body.js";
import { amCheck, failingSince, stepItem } from "../helpers/incidents.js";

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

const check = amCheck;
const failing = failingSince;

describe("buildAlertmanagerAlerts", () => {
  const item = stepItem("a", T0, { labels: { team: "speech", alertname: "spoof" }, runbook: "rb", cause: "gpu_oom" });
  it("labels identify the alert; a firing one ends after the ttl; a critical one resolves its warning twin", () => {
    const alerts = buildAlertmanagerAlerts(
      { id: "1", channel: "am", host: "h1", createdAt: T0, items: [{ ...item }] },
      { resend_every: 0, ttl: undefined, generator_url: undefined },
      T0 + 1000,
      "en",
    );
    expect(alerts[0]!.labels).toEqual({ team: "speech", alertname: "a", instance: "h1", severity: "critical" });
    expect(alerts[0]!.annotations).toMatchObject({ summary: "down", runbook: "rb", cause: "gpu_oom" });
    expect(alerts[0]!.startsAt).toBe(new Date(T0).toISOString());
    expect(alerts[0]!.endsAt).toBe(new Date(T0 + 1000 + 600_000).toISOString());
    expect(alerts[1]).toMatchObject({ labels: { severity: "warning" }, endsAt: new Date(T0).toISOString() });
  });
  it("a test-notify alert fires and expires on its own after 5 minutes", () => {
    const alerts = buildAlertmanagerAlerts(
      {
        id: "1",
        channel: "am",
        host: "h1",
        createdAt: T0,
        items: [{ ...item, check: "test-notify", reason: "test", step: 0, labels: undefined }],
      },
      { resend_every: 0, ttl: undefined, generator_url: undefined },
      T0,
      "en",
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      labels: { alertname: "test-notify", instance: "h1", severity: "critical" },
      endsAt: new Date(T0 + 300_000).toISOString(),
    });
  });
  it("a recovery ends the alert at the time it was seen", () => {
    const alerts = buildAlertmanagerAlerts(
      { id: "1", channel: "am", host: "h1", createdAt: T0 + 5000, items: [{ ...item, reason: "recovered", step: 0 }] },
      { resend_every: 0, ttl: undefined, generator_url: undefined },
      T0 + 9000,
      "en",
    );
    expect(alerts.map((a) => a.endsAt)).toEqual([new Date(T0 + 5000).toISOString(), new Date(T0 + 5000).toISOString()]);
  });
});

describe("renderMetrics", () => {
  it("renders HELP/TYPE once per family, base units and escaped labels", () => {
    const state: State = {
      ...emptyState(),
      checks: { a: failing(T0, ["am"]) },
      sent: { am: { ok: 3, failed: 1 } },
      lastRun: { startedAt: T0, durationMs: 1500 },
    };
    const text = renderMetrics(
      {
        state,
        results: [
          {
            check: "a",
            status: "critical",
            summary: "x",
            durationMs: 250,
            metrics: { latency_ms: 1200, 'disk_used_percent:/data "x"': 91.5 },
          },
        ],
      },
      { host: "h", checks: [check("a")] },
    );
    expect(text).toContain('# TYPE watchdog_check_status gauge\nwatchdog_check_status{check="a"} 2\n');
    expect(text).toContain('watchdog_check_duration_seconds{check="a"} 0.25');
    expect(text).toContain('watchdog_probe_latency_seconds{check="a"} 1.2');
    expect(text).toContain('watchdog_probe_disk_used_percent{check="a",target="/data \\"x\\""} 91.5');
    expect(text).toContain('watchdog_notifications_total{channel="am",result="failed"} 1');
    expect(text).toContain("watchdog_last_run_timestamp_seconds 1795338000");
    expect(text.match(/# HELP watchdog_notifications_total /g)).toHaveLength(1);
    for (const line of text.trimEnd().split("\n"))
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_:][a-z0-9_:]* .+|[a-z_:][a-z0-9_:]*(\{.*\})? -?[0-9.e+-]+)$/);
    expect(text.endsWith("\n")).toBe(true);
  });
  it("maps probe metric names to Prometheus base units", () => {
    expect(probeMetricName("ttft_ms")).toEqual({ name: "watchdog_probe_ttft_seconds", factor: 0.001, labels: {} });
    expect(probeMetricName("memory_used_mib:/dev/nvidia0")).toEqual({
      name: "watchdog_probe_memory_used_bytes",
      factor: 1048576,
      labels: { target: "/dev/nvidia0" },
    });
    expect(probeMetricName("gpu1_temperature_c")).toEqual({
      name: "watchdog_probe_gpu_temperature_celsius",
      factor: 1,
      labels: { gpu: "1" },
    });
    expect(probeMetricName("gpu0_power_w").name).toBe("watchdog_probe_gpu_power_watts");
    expect(probeMetricName("Weird-Key.x").name).toBe("watchdog_probe_weird_key_x");
  });
});
