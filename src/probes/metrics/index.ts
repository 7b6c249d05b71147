import { z } from "zod";
import { duration, httpUrl, viaProxy } from "../../core/fields.js";
import { formatDuration } from "../../duration.js";
import { httpOpen, type HttpError } from "../../net/http-client.js";
import { portOfUrl, safeUrl } from "../http/index.js";
import { socketPart } from "../socket.js";
import { defineProbe, say, worst, type PartOf, type ProbeOutput, type Status } from "../types.js";
import { parseCondition } from "./condition.js";
import { evaluate, readMemory, type Rule, type Verdict } from "./evaluate.js";
import { ExpositionError, parseExposition } from "./exposition.js";
import { words } from "./words.js";

type MetricsPart = PartOf<typeof words>;

/** The most of a metrics page read: vLLM's is some hundred KiB; past this the endpoint is not what it seems. */
export const MAX_BODY = 8 * 1024 * 1024;

const ruleSchema = z
  .strictObject({
    name: z.string().min(1).describe('The rule\'s name in the message: "queue not draining for 3 runs (6m): ...".'),
    when: z
      .union([z.string().transform((s) => [s]), z.array(z.string()).min(1)])
      .describe("Conditions EXPR OP NUMBER that must all hold, e.g. increase(vllm:generation_tokens_total) == 0."),
    for: z.number().int().min(1).default(1).describe("Runs in a row the conditions must hold before the rule fires."),
    severity: z.enum(["warning", "critical"]).default("critical").describe("The check's status when the rule fires."),
  })
  .superRefine((rule, ctx) => {
    // Checked here, on the list either form gives, so that each message points at its own condition.
    rule.when.forEach((text, i) => {
      const c = parseCondition(text);
      if (typeof c === "string") ctx.addIssue({ code: "custom", path: ["when", i], message: c });
    });
  });

/**
 * metricsConfigSchema is a `type: metrics` check: a service's own Prometheus metrics (vLLM, SGLang, TGI, Triton,
 * llama.cpp, any exporter), judged by rules on gauges and on counters' change between runs.
 */
export const metricsConfigSchema = z.strictObject({
  type: z.literal("metrics"),
  url: httpUrl.describe("The service's Prometheus (or OpenMetrics) text endpoint, e.g. http://127.0.0.1:8000/metrics."),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe('HTTP headers sent with the scrape, e.g. Authorization: "Bearer ${VLLM_API_KEY}".'),
  timeout: duration.default(10_000).describe("The scrape's limit (default 10s)."),
  insecure: z.boolean().default(false).describe("true: skip TLS certificate verification."),
  proxy: viaProxy,
  rules: z
    .array(ruleSchema)
    .min(1)
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((r, i) => {
        if (seen.has(r.name))
          ctx.addIssue({ code: "custom", path: [i, "name"], message: `rule ${r.name} is named twice` });
        seen.add(r.name);
      });
    })
    .describe("Rules judged on each scrape; increase, rate and mean compare with the previous run's scrape."),
});
export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

/** metricsProbe scrapes the endpoint once and judges each rule, remembering counters and streaks for the next run. */
export const metricsProbe = defineProbe(metricsConfigSchema, {
  words,
  port: (cfg) => portOfUrl(cfg.url),
  async run(cfg, { signal, deps, memory }) {
    const url = safeUrl(cfg.url);
    const asked: MetricsPart = { key: "request", values: { url } };
    const got = await scrape(cfg, signal);
    if (typeof got !== "string") return { status: "critical", ...say(words, [asked, got]) };
    let samples;
    try {
      samples = parseExposition(got).samples;
    } catch (err) {
      const why = err instanceof ExpositionError ? err.message : String(err);
      return { status: "critical", ...say(words, [asked, { key: "notText", values: { why } }]) };
    }
    if (samples.length === 0) return { status: "critical", ...say(words, [asked, { key: "noSamples" }]) };
    const rules: Rule[] = cfg.rules.map((r) => ({
      name: r.name,
      for: r.for,
      severity: r.severity,
      // Validated by the schema, so each one parses.
      when: r.when.map((w) => parseCondition(w)).filter((c) => typeof c !== "string"),
    }));
    const now = deps.clock.now();
    const judged = evaluate(rules, samples, readMemory(memory), now);
    const { status, parts } = word(judged.verdicts, now, samples.length);
    return {
      status,
      ...say(words, [{ key: "scraped", values: { url } }, ...parts]),
      metrics: { series: samples.length },
      memory: judged.memory,
    };
  },
});

/** scrape reads the endpoint's text, at most MAX_BODY; a failure comes back as the phrase that says why. */
async function scrape(cfg: MetricsConfig, signal: AbortSignal): Promise<string | MetricsPart> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), cfg.timeout);
  const all = AbortSignal.any([ctl.signal, signal]);
  const headers = {
    "user-agent": "watchdog",
    // The classic text first, OpenMetrics text too; never protobuf, which this probe does not read.
    accept: "text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5",
    ...cfg.headers,
  };
  try {
    const res = await httpOpen(cfg.url, { headers, signal: all, insecure: cfg.insecure, proxy: cfg.proxy });
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += chunk.length;
      if (bytes > MAX_BODY) return { key: "tooLarge", values: { max: "8 MiB" } };
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    if (res.status < 200 || res.status > 299) {
      return { key: "answered", values: { code: res.status, answer: text.replace(/\s+/g, " ").trim().slice(0, 200) } };
    }
    return text;
  } catch (err) {
    if (signal.aborted) return { key: "deadline" };
    if (ctl.signal.aborted) return { key: "incomplete", values: { within: formatDuration(cfg.timeout) } };
    const e = err as HttpError;
    return e.code ? socketPart(e) : { key: "text", values: { text: e.message } };
  } finally {
    clearTimeout(timer);
  }
}

/** word turns the verdicts into a status and the phrases of the summary: what fired first, with its numbers. */
function word(verdicts: Verdict[], now: number, series: number): { status: Status; parts: MetricsPart[] } {
  const fired: MetricsPart[] = [];
  const notes: MetricsPart[] = [];
  let status: Status = "ok";
  for (const v of [...verdicts].sort((a, b) => rank(b) - rank(a))) {
    const rule = v.rule.name;
    const missing = v.readings.find((r) => r.kind === "missing");
    if (missing) {
      status = worst([status, "warning"]);
      const values = { rule, metric: missing.selector ?? missing.metric };
      fired.push({ key: missing.selector ? "noMatch" : "missing", values });
    } else if (v.fired) {
      status = worst([status, v.rule.severity]);
      const values = valuesOf(v);
      if (v.rule.for > 1)
        fired.push({ key: "firedFor", values: { rule, runs: v.runs, span: span(now - v.since), values } });
      else fired.push({ key: "fired", values: { rule, values } });
    } else if (v.runs > 0) {
      notes.push({ key: "pending", values: { rule, runs: v.runs, for: v.rule.for, values: valuesOf(v) } });
    } else {
      const i = v.readings.findIndex((r) => r.kind === "unknown" && r.why === "first");
      if (i >= 0) notes.push({ key: "first", values: { rule, expr: v.rule.when[i]!.expr } });
    }
  }
  const head: MetricsPart[] = fired.length
    ? fired
    : [{ key: "rulesOk", values: { series, rules: verdicts.map((v) => v.rule.name).join(", ") } }, ...notes];
  return { status, parts: head.flatMap((p, i) => (i === 0 ? [p] : [{ key: "sep" } as MetricsPart, p])) };
}

/** rank puts the rules that fired first, critical before warning, then those with a metric missing. */
function rank(v: Verdict): number {
  if (v.fired) return v.rule.severity === "critical" ? 3 : 2;
  return v.readings.some((r) => r.kind === "missing") ? 1 : 0;
}

/** valuesOf lists each condition's expression with its value now: "vllm:num_requests_waiting = 14". */
function valuesOf(v: Verdict): string {
  return v.readings
    .map((r, i) => `${v.rule.when[i]!.expr} = ${r.kind === "value" ? formatNumber(r.value) : "?"}`)
    .join(", ");
}

/** formatNumber writes a value as people read it: 14, 0.25, 1.235e+6, NaN, +Inf. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  return String(Number(n.toPrecision(4)));
}

/** span words how long a streak lasted, to the minute past one: scrapes start seconds apart from run to run. */
function span(ms: number): string {
  return formatDuration(ms >= 60_000 ? Math.round(ms / 60_000) * 60_000 : ms);
}
