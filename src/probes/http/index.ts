import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import { duration, httpUrl, size, viaProxy } from "../../core/fields.js";
import { formatDuration } from "../../duration.js";
import { httpRequest, type HttpError } from "../../net/http-client.js";
import { socketPart } from "../socket.js";
import { defineProbe, say, type PartOf, type ProbeOutput } from "../types.js";
import { audioExpectation, judgeAudio } from "./audio.js";
import { words } from "./words.js";

type HttpPart = PartOf<typeof words>;
import { monotonicMs } from "../../core/monotonic.js";

/** How much of a response body is kept for matching; the rest is only counted. */
const BODY_KEEP = 1024 * 1024;

const statusExpectation = z.union([
  z.number().int().min(100).max(599),
  z.array(z.number().int().min(100).max(599)).min(1),
  z.string().regex(/^[1-5]xx$/, 'write a class such as "2xx"'),
]);

const jsonPathCondition = z.strictObject({
  path: z.string().min(1).describe("A dotted path into the JSON answer, array items by number: data.0.status."),
  equals: z.unknown().optional().describe("The value it must have; without it the path must only exist."),
});

/** httpConfigSchema is a `type: http` check: a health or inference call with expectations on the answer. */
export const httpConfigSchema = z.strictObject({
  type: z.literal("http"),
  url: httpUrl.describe("The URL to request: a health endpoint, or a real inference call."),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/)
    .optional()
    .describe("The HTTP method; default GET, or POST when `body` or `json` is set."),
  headers: z.record(z.string(), z.string()).default({}).describe("HTTP headers sent with the request."),
  body: z.string().optional().describe("A request body sent as written."),
  json: z.unknown().optional().describe("A request body sent as JSON (content-type application/json)."),
  timeout: duration
    .default(10_000)
    .describe("No complete answer, body included, within this (default 10s) is critical."),
  insecure: z.boolean().default(false).describe("true: skip TLS certificate verification (a self-signed service)."),
  proxy: viaProxy,
  expect: z
    .strictObject({
      status: statusExpectation
        .default("2xx")
        .describe('The status code the answer must have: 200, a list [200, 204], or a class "2xx".'),
      body_contains: z.string().optional().describe("Text the body must contain."),
      json: z
        .record(z.string(), z.unknown())
        .optional()
        .describe("Keys and values the JSON answer must contain (a subset match), e.g. {status: ok}."),
      max_latency: duration.optional().describe("An answer slower than this is a warning."),
      content_type: z
        .string()
        .min(1)
        .optional()
        .describe(
          "The media type the answer must have, e.g. audio/wav (parameters ignored; audio/ accepts any audio).",
        ),
      min_bytes: size
        .optional()
        .describe("The body must have at least this many bytes, e.g. 10KB: a TTS answer of 0 bytes is broken."),
      json_path: z
        .array(jsonPathCondition)
        .optional()
        .describe("Conditions on values inside the JSON answer, each a path and the value it must equal."),
      audio: audioExpectation
        .optional()
        .describe(
          "The answer must be audio of at least `min_duration` that is not silence: a TTS service really speaks.",
        ),
      cert_expiry: duration
        .optional()
        .describe(
          "https only: a warning when the certificate expires within this long (e.g. 14d), critical once expired.",
        ),
    })
    .default({ status: "2xx" })
    .describe("What the answer must be; a wrong status, body or content is critical."),
});
export type HttpConfig = z.infer<typeof httpConfigSchema>;

type Response = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bytes: number;
  ms: number;
  certExpires: number | undefined;
};

/** httpProbe makes one request and checks status, body and latency. */
export const httpProbe = defineProbe(httpConfigSchema, {
  words,
  port: (cfg) => portOfUrl(cfg.url),
  host: (cfg) => new URL(cfg.url).hostname,
  async run(cfg, { signal, deps }) {
    const res = await request(cfg, signal);
    if ("failed" in res) {
      const asked: HttpPart = {
        key: "request",
        values: { method: cfg.method ?? defaultMethod(cfg), url: safeUrl(cfg.url) },
      };
      return { status: "critical", ...say(words, [asked, res.failed]) };
    }
    return judge(cfg, res, deps.clock.now());
  },
});

function defaultMethod(cfg: HttpConfig): string {
  return cfg.body !== undefined || cfg.json !== undefined ? "POST" : "GET";
}

/** portOfUrl is the TCP port a URL reaches: its own, or the scheme's (443 for https, else 80). */
export function portOfUrl(raw: string): number {
  const url = new URL(raw);
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** safeUrl drops credentials and the query string (tokens live there) from a URL shown to people. */
export function safeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return "<invalid url>";
  }
}

/** request makes the request; a failure comes back as the phrase that says why, never as a throw. */
async function request(cfg: HttpConfig, signal: AbortSignal): Promise<Response | { failed: HttpPart }> {
  const headers: Record<string, string> = { "user-agent": "watchdog", ...cfg.headers };
  let payload: Buffer | undefined;
  if (cfg.json !== undefined) {
    payload = Buffer.from(JSON.stringify(cfg.json));
    headers["content-type"] ??= "application/json";
  } else if (cfg.body !== undefined) {
    payload = Buffer.from(cfg.body);
  }
  const started = monotonicMs();
  try {
    const res = await httpRequest(cfg.url, {
      method: cfg.method ?? defaultMethod(cfg),
      headers,
      body: payload,
      signal,
      timeoutMs: cfg.timeout,
      insecure: cfg.insecure,
      proxy: cfg.proxy,
      maxBody: BODY_KEEP,
    });
    return { ...res, ms: Math.round(monotonicMs() - started) };
  } catch (err) {
    const e = err as HttpError;
    if (e.kind === "aborted") return { failed: { key: "deadline" } };
    if (e.kind === "timeout" && e.status !== undefined) {
      return { failed: { key: "bodyLate", values: { code: e.status, within: formatDuration(cfg.timeout) } } };
    }
    // Node's codes (ECONNREFUSED, CERT_HAS_EXPIRED...) in words; anything else as its message.
    const known = e.kind !== "timeout" && e.code && /^(E[A-Z]+|ERR_TLS|CERT_|UNABLE_|DEPTH_|SELF_SIGNED)/.test(e.code);
    return { failed: known ? describeHttpError(e) : { key: "text", values: { text: (err as Error).message } } };
  }
}

function describeHttpError(err: NodeJS.ErrnoException): HttpPart {
  const code = err.code ?? "";
  if (/CERT|SELF_SIGNED|UNABLE_|DEPTH_|ERR_TLS/.test(code)) return { key: "tls", values: { code } };
  return socketPart(err);
}

/** statusMatches says whether an HTTP status meets the expectation (200, [200, 204] or "2xx"). */
export function statusMatches(status: number, want: HttpConfig["expect"]["status"]): boolean {
  if (typeof want === "number") return status === want;
  if (Array.isArray(want)) return want.includes(status);
  return String(status)[0] === want[0];
}

/**
 * jsonSubset says whether every key of want is in got with an equal value, recursively (arrays compare element-wise).
 */
export function jsonSubset(got: unknown, want: unknown): boolean {
  if (want === null || typeof want !== "object") return got === want;
  if (Array.isArray(want)) {
    return Array.isArray(got) && want.length <= got.length && want.every((w, i) => jsonSubset(got[i], w));
  }
  if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
  return Object.entries(want).every(([k, w]) => jsonSubset((got as Record<string, unknown>)[k], w));
}

/** jsonAt follows a dotted path ("data.0.status") into parsed JSON; array indexes are numbers. */
export function jsonAt(value: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = value;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return { found: false };
    const obj = cur as Record<string, unknown>;
    if (!(key in obj)) return { found: false };
    cur = obj[key];
  }
  return { found: true, value: cur };
}

function judge(cfg: HttpConfig, res: Response, now: number): ProbeOutput {
  const what: HttpPart = { key: "answered", values: { url: safeUrl(cfg.url), code: res.status, ms: res.ms } };
  const metrics: Record<string, number> = { latency_ms: res.ms, status_code: res.status, body_bytes: res.bytes };
  let heardPart: HttpPart | undefined;
  const fail = (key: HttpPart["key"], values?: HttpPart["values"]): ProbeOutput => ({
    status: "critical",
    ...say(words, [what, values ? { key, values } : { key }]),
    metrics,
    detail: snippet(res.body),
  });
  const expect = cfg.expect;
  if (!statusMatches(res.status, expect.status)) return fail("expectedStatus", { want: JSON.stringify(expect.status) });
  const text = res.body.toString("utf8");
  if (expect.body_contains !== undefined && !text.includes(expect.body_contains)) {
    return fail("noText", { text: JSON.stringify(expect.body_contains) });
  }
  if (expect.content_type !== undefined) {
    const got = String(res.headers["content-type"] ?? "")
      .split(";")[0]!
      .trim()
      .toLowerCase();
    const want = expect.content_type.split(";")[0]!.trim().toLowerCase();
    if (want.endsWith("/") ? !got.startsWith(want) : got !== want)
      return fail("contentType", { got: JSON.stringify(got || "none"), want: JSON.stringify(want) });
  }
  if (expect.min_bytes !== undefined && res.bytes < expect.min_bytes)
    return fail("tooSmall", { bytes: res.bytes, min: expect.min_bytes });
  if (expect.audio !== undefined) {
    const heard = judgeAudio(res.body, res.bytes, expect.audio);
    const secs = (n: number) => n.toFixed(1);
    const db = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : "-inf");
    if ("seconds" in heard) metrics.audio_seconds = Math.round(heard.seconds * 1000) / 1000;
    if ("dbfs" in heard && Number.isFinite(heard.dbfs)) metrics.audio_rms_dbfs = Math.round(heard.dbfs * 10) / 10;
    const min = secs(expect.audio.min_duration / 1000);
    if (!heard.ok && (heard.why === "short" || (heard.why === "undecodable" && res.bytes === 0)))
      return fail("audioShort", { seconds: secs(heard.why === "short" ? heard.seconds : 0), min });
    if (!heard.ok && heard.why === "silence")
      return fail("audioSilence", {
        seconds: secs(heard.seconds),
        dbfs: db(heard.dbfs),
        limit: expect.audio.silence_below,
      });
    if (!heard.ok && heard.why === "undecodable")
      return fail("audioUndecodable", { format: expect.audio.format, detail: heard.detail });
    if (heard.ok) heardPart = { key: "audio", values: { seconds: secs(heard.seconds), dbfs: db(heard.dbfs) } };
  }
  if (expect.json !== undefined || expect.json_path !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail("notJson");
    }
    if (expect.json !== undefined && !jsonSubset(parsed, expect.json))
      return fail("jsonMismatch", { want: JSON.stringify(expect.json) });
    for (const cond of expect.json_path ?? []) {
      const at = jsonAt(parsed, cond.path);
      if (!at.found) return fail("jsonMissing", { path: cond.path });
      if (cond.equals !== undefined && !jsonSubset(at.value, cond.equals)) {
        const got = String(JSON.stringify(at.value)?.slice(0, 80));
        return fail("jsonValue", { path: cond.path, got, want: JSON.stringify(cond.equals) });
      }
    }
  }
  if (expect.cert_expiry !== undefined && res.certExpires !== undefined) {
    const left = res.certExpires - now;
    const metricsWithCert = { ...metrics, cert_expires_in_s: Math.round(left / 1000) };
    if (left < expect.cert_expiry) {
      const date = new Date(res.certExpires).toISOString().slice(0, 10);
      const when: HttpPart =
        left <= 0
          ? { key: "certExpired", values: { date } }
          : { key: "certExpires", values: { left: formatDuration(left), date } };
      return { status: left <= 0 ? "critical" : "warning", ...say(words, [what, when]), metrics: metricsWithCert };
    }
    Object.assign(metrics, { cert_expires_in_s: Math.round(left / 1000) });
  }
  if (expect.max_latency !== undefined && res.ms > expect.max_latency) {
    const slow: HttpPart = { key: "slow", values: { ms: expect.max_latency } };
    return { status: "warning", ...say(words, [what, slow]), metrics };
  }
  return { status: "ok", ...say(words, heardPart ? [what, heardPart] : [what]), metrics };
}

function snippet(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const text = body.subarray(0, 300).toString("utf8").replace(/\s+/g, " ").trim();
  return text ? `body: ${text}` : undefined;
}
