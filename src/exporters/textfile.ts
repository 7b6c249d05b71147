import type { Config } from "../config/schema.js";
import type { Deps } from "../deps.js";
import type { State } from "../engine/types.js";
import type { ProbeResult, Status } from "../probes/types.js";
import { describeFsError } from "../state/json-file-store.js";
import { writeFileAtomic } from "../core/safe-fs.js";

/** MetricsInput is what the metrics are made of: the saved state and, when there is one, the last run's results. */
export type MetricsInput = { state: State; results: readonly ProbeResult[] };

const STATUS_CODE: Record<Status, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

type Sample = { labels: Record<string, string>; value: number };
type Family = { help: string; type: "gauge" | "counter"; samples: Sample[] };

/**
 * renderMetrics renders the Prometheus text exposition format (version 0.0.4): one HELP and one TYPE line per family,
 * then its samples, ending with a newline. The textfile exporter and the daemon's /metrics serve this same text.
 * Probe metrics become `watchdog_probe_<name>` gauges labelled by check (see probeMetricName).
 */
export function renderMetrics(
  input: MetricsInput,
  config: Pick<Config, "checks" | "host">,
  redact: (s: string) => string = (s) => s,
): string {
  const families = new Map<string, Family>();
  const add = (name: string, type: Family["type"], help: string, raw: Record<string, string>, value: number) => {
    if (!Number.isFinite(value)) return;
    // Label values can come from outside (an exec plugin's perfdata labels): secrets are masked in them, one by one
    // (masking the rendered text could put *** into a metric name, which Prometheus would refuse).
    const labels = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, redact(v)]));
    let f = families.get(name);
    if (!f) families.set(name, (f = { help, type, samples: [] }));
    f.samples.push({ labels, value });
  };
  const { state, results } = input;
  for (const check of config.checks) {
    const result = results.find((r) => r.check === check.name);
    const cs = state.checks[check.name];
    const status = result?.status ?? cs?.status;
    if (status === undefined) continue;
    const l = { check: check.name };
    add(
      "watchdog_check_status",
      "gauge",
      "Status of the check's last run: 0 ok, 1 warning, 2 critical, 3 unknown.",
      l,
      STATUS_CODE[status],
    );
    add("watchdog_check_up", "gauge", "1 if the check's last run was ok, else 0.", l, status === "ok" ? 1 : 0);
    if (result)
      add(
        "watchdog_check_duration_seconds",
        "gauge",
        "How long the check's probe took in the last run.",
        l,
        result.durationMs / 1000,
      );
    add(
      "watchdog_check_failure_streak",
      "gauge",
      "Consecutive failing runs of the check (0 when ok).",
      l,
      cs?.failStreak ?? 0,
    );
    add("watchdog_check_incident_open", "gauge", "1 while the check has an open incident.", l, cs?.incident ? 1 : 0);
    for (const [key, value] of Object.entries(result?.metrics ?? {})) {
      // Masked before the name is made of it: the name is lowercased, where the secret could no longer be found.
      const { name, factor, labels } = probeMetricName(redact(key));
      add(
        name,
        "gauge",
        `Probe metric ${name.slice("watchdog_probe_".length)} reported by watchdog checks.`,
        { ...l, ...labels },
        value * factor,
      );
    }
  }
  for (const [channel, c] of Object.entries(state.sent).sort(([a], [b]) => a.localeCompare(b))) {
    const help = "Notifications handed to a channel, by result (after in-run retries).";
    add("watchdog_notifications_total", "counter", help, { channel, result: "ok" }, c.ok);
    add("watchdog_notifications_total", "counter", help, { channel, result: "failed" }, c.failed);
  }
  add(
    "watchdog_notifications_dropped_total",
    "counter",
    "Notifications given up on (max_age, permanent failure, channel removed).",
    {},
    state.droppedTotal,
  );
  add("watchdog_outbox_messages", "gauge", "Messages waiting in the outbox for a later run.", {}, state.outbox.length);
  if (state.lastRun) {
    add(
      "watchdog_last_run_timestamp_seconds",
      "gauge",
      "When the last completed run started, in seconds since the epoch.",
      {},
      state.lastRun.startedAt / 1000,
    );
    add(
      "watchdog_run_duration_seconds",
      "gauge",
      "How long the last completed run took.",
      {},
      state.lastRun.durationMs / 1000,
    );
  }
  const lines: string[] = [];
  for (const [name, f] of families) {
    lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
    for (const s of f.samples) lines.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * probeMetricName maps a probe metric key to a Prometheus name in base units, with what the key held as labels:
 * `disk_used_percent:/data` -> watchdog_probe_disk_used_percent{target="/data"}, `gpu0_temperature_c` ->
 * watchdog_probe_gpu_temperature_celsius{gpu="0"}, `latency_ms` -> watchdog_probe_latency_seconds (value / 1000).
 */
export function probeMetricName(key: string): { name: string; factor: number; labels: Record<string, string> } {
  const labels: Record<string, string> = {};
  const colon = key.indexOf(":");
  let base = colon >= 0 ? key.slice(0, colon) : key;
  if (colon >= 0) labels.target = key.slice(colon + 1);
  const gpu = /^gpu(\d+)_(.+)$/.exec(base);
  if (gpu) {
    labels.gpu = gpu[1]!;
    base = `gpu_${gpu[2]}`;
  }
  let name = base.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  let factor = 1;
  const units: [RegExp, string, number][] = [
    [/_ms$/, "_seconds", 1 / 1000],
    [/_mib$/, "_bytes", 1024 * 1024],
    [/_kib$/, "_bytes", 1024],
    [/_(c|celsius)$/, "_celsius", 1],
    [/_w$/, "_watts", 1],
  ];
  for (const [re, unit, f] of units) {
    if (re.test(name)) {
      name = name.replace(re, unit);
      factor = f;
      break;
    }
  }
  return { name: `watchdog_probe_${name.replace(/^_+/, "")}`, factor, labels };
}

function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

/**
 * writeTextfileMetrics writes `metrics.textfile` for node_exporter's textfile collector, atomically (a dot-file in the
 * same directory renamed over the target: node_exporter reads only *.prom, and never sees half a file).
 * It is mode 0644 so that node_exporter, running as another user, can read it. A failure is logged, never fatal.
 */
export function writeTextfileMetrics(
  input: MetricsInput,
  config: Pick<Config, "checks" | "host" | "metrics">,
  deps: Pick<Deps, "logger">,
  redact?: (s: string) => string,
): void {
  const file = config.metrics?.textfile;
  if (!file) return;
  try {
    writeFileAtomic(file, renderMetrics(input, config, redact), 0o644);
  } catch (err) {
    deps.logger.warn(
      { event: "metrics_failed", file, error: describeFsError(err) },
      "could not write the metrics file",
    );
  }
}
