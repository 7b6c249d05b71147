import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { emptyState } from "../../src/engine/types.js";
import { renderMetrics } from "../../src/exporters/textfile.js";
import { findBinary } from "../system/servers.js";

const ROOT = path.resolve(__dirname, "../..");
const RULES = path.join(ROOT, "contrib/prometheus/watchdog.rules.yml");
const DASHBOARD = path.join(ROOT, "contrib/grafana/watchdog.json");
const PROMTOOL = findBinary("promtool", "/usr/bin/promtool");
if (!PROMTOOL) console.warn("test/contrib: promtool tests SKIPPED: no promtool (apt-get install prometheus)");

/**
 * written is every metric family and label the exporter writes, from a real render with every kind of probe metric
 * the probes report (latency, TTFT, TCP connect, GPU memory and temperature, a disk target) and sends of both results.
 */
function written(): { metrics: Set<string>; labels: Set<string> } {
  const state = emptyState();
  state.checks.llm = {
    status: "critical",
    since: 0,
    failStreak: 2,
    okStreak: 0,
    lastRunAt: 0,
    summary: "",
    recent: "",
    restartTimes: [],
    incident: undefined,
  };
  state.sent = { email: { ok: 1, failed: 1 } };
  state.lastRun = { startedAt: 1, durationMs: 2 };
  const metrics = {
    latency_ms: 1,
    ttft_ms: 1,
    connect_ms: 1,
    gpu0_memory_used_percent: 1,
    gpu0_temperature_c: 1,
    "disk_used_percent:/data": 1,
  };
  const text = renderMetrics(
    { state, results: [{ check: "llm", status: "critical", summary: "", durationMs: 1, metrics }] },
    { checks: [{ name: "llm" }] as never, host: "h" },
  );
  const out = { metrics: new Set<string>(), labels: new Set<string>() };
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(?:\{(.*)\})? /.exec(line);
    if (!m) continue;
    out.metrics.add(m[1]!);
    for (const l of (m[2] ?? "").matchAll(/([a-z_]+)="/g)) out.labels.add(l[1]!);
  }
  return out;
}

// What Prometheus and node_exporter add to every scraped series, and the textfile collector's own metrics.
const SCRAPE_LABELS = ["instance", "job"];
const NODE_EXPORTER = { metrics: ["node_textfile_mtime_seconds"], labels: ["file"] };
const FUNCTIONS = new Set([
  "time",
  "absent",
  "max_over_time",
  "increase",
  "rate",
  "count",
  "sum",
  "max",
  "min",
  "avg",
  "label_values",
  "topk",
  "deriv",
  "delta",
]);
const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "offset",
  "bool",
]);

/** namesIn splits a PromQL expression into the metric names and label names it uses (strings and $vars removed). */
function namesIn(expr: string): { metrics: string[]; labels: string[]; functions: string[] } {
  // Grafana's variable query label_values(METRIC, LABEL) is not PromQL: its second argument is a label.
  const lv = /^label_values\((.*),\s*([a-zA-Z_]\w*)\s*\)$/.exec(expr.trim());
  if (lv) {
    const inner = namesIn(lv[1]!);
    return {
      metrics: inner.metrics,
      labels: [...inner.labels, lv[2]!],
      functions: ["label_values", ...inner.functions],
    };
  }
  const clean = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\$\{?\w+\}?/g, "1")
    .replace(/\[[^\]]*\]/g, "");
  const labels: string[] = [];
  // Label names: in matchers {name="..."} and in by/on/ignoring/without (...) lists.
  for (const m of clean.matchAll(/\{([^}]*)\}/g))
    for (const l of m[1]!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.push(l[1]!);
  for (const m of clean.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g))
    labels.push(
      ...m[1]!
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
  const bare = clean
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const metrics: string[] = [];
  const functions: string[] = [];
  for (const m of bare.matchAll(/\b([a-zA-Z_:][\w:]*)\s*(\()?/g)) {
    const name = m[1]!;
    if (/^\d/.test(name) || KEYWORDS.has(name)) continue;
    if (m[2]) functions.push(name);
    else metrics.push(name);
  }
  return { metrics, labels, functions };
}

function dashboardExprs(): string[] {
  const d = JSON.parse(fs.readFileSync(DASHBOARD, "utf8")) as {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { query?: unknown }[] };
  };
  const exprs = d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  for (const v of d.templating.list)
    if (v.query && typeof v.query === "object") exprs.push((v.query as { query: string }).query);
  return exprs;
}

function ruleExprs(): string[] {
  const doc = YAML.parse(fs.readFileSync(RULES, "utf8")) as { groups: { rules: { expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

describe("contrib: Grafana dashboard and Prometheus rules name only what watchdog writes", () => {
  const real = written();
  const metricsOk = new Set([...real.metrics, ...NODE_EXPORTER.metrics]);
  const labelsOk = new Set([...real.labels, ...SCRAPE_LABELS, ...NODE_EXPORTER.labels]);

  it("the exporter writes what the dashboard charts (latency, TTFT, GPU memory and temperature, notifications)", () => {
    for (const m of [
      "watchdog_probe_latency_seconds",
      "watchdog_probe_ttft_seconds",
      "watchdog_probe_gpu_memory_used_percent",
      "watchdog_probe_gpu_temperature_celsius",
      "watchdog_notifications_total",
    ])
      expect(real.metrics).toContain(m);
  });

  it.each([
    ["the dashboard", dashboardExprs],
    ["the rules", ruleExprs],
  ])("every expression in %s uses real metric and label names", (_what, exprs) => {
    const list = exprs();
    expect(list.length).toBeGreaterThan(5);
    for (const expr of list) {
      const n = namesIn(expr);
      expect(n.metrics.length, expr).toBeGreaterThan(0);
      for (const m of n.metrics) expect(metricsOk, `${m} in ${expr}`).toContain(m);
      for (const l of n.labels) expect(labelsOk, `label ${l} in ${expr}`).toContain(l);
      for (const f of n.functions) expect(FUNCTIONS, `function ${f} in ${expr}`).toContain(f);
    }
  });

  it("the checker itself catches a wrong name", () => {
    expect(namesIn('sum by (host) (watchdog_check_state{check="x"})')).toEqual({
      metrics: ["watchdog_check_state"],
      labels: ["check", "host"],
      functions: ["sum"],
    });
  });

  it("the dashboard imports as is: a datasource variable, no ${DS_*} inputs, unique panel ids", () => {
    const text = fs.readFileSync(DASHBOARD, "utf8");
    const d = JSON.parse(text) as {
      uid: string;
      panels: { id: number; datasource?: { uid: string } }[];
      templating: { list: { name: string; type: string }[] };
    };
    expect(text).not.toContain("DS_PROMETHEUS");
    expect(d.templating.list.find((v) => v.name === "datasource")?.type).toBe("datasource");
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    for (const p of d.panels) if (p.datasource) expect(p.datasource.uid).toBe("${datasource}");
  });
});

describe.skipIf(!PROMTOOL)(`contrib: promtool${PROMTOOL ? "" : " (skipped: prometheus not installed)"}`, () => {
  it("the rules are valid and pass their unit tests (promtool test rules)", () => {
    const check = spawnSync(PROMTOOL!, ["check", "rules", RULES], { encoding: "utf8", timeout: 60_000 });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = spawnSync(PROMTOOL!, ["test", "rules", "watchdog.rules.test.yml"], {
      cwd: path.dirname(RULES),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain("SUCCESS");
  });
});
