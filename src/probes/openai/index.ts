import { z } from "zod";
import { duration, httpUrl, viaProxy } from "../../core/fields.js";
import { formatDuration } from "../../duration.js";
import { httpOpen, httpRequest, type HttpError } from "../../net/http-client.js";
import { portOfUrl, safeUrl } from "../http/index.js";
import { socketPart } from "../socket.js";
import { defineProbe, say, type PartOf, type ProbeOutput } from "../types.js";
import { words } from "./words.js";

type OpenaiPart = PartOf<typeof words>;

/** failed is a critical result with one phrase. */
function failed(key: OpenaiPart["key"], values: OpenaiPart["values"]): ProbeOutput {
  return { status: "critical", ...say(words, [{ key, values }]) };
}
import { monotonicMs } from "../../core/monotonic.js";

/**
 * openaiConfigSchema is a `type: openai` check: an OpenAI-compatible server (vLLM, TGI, llama.cpp, Ollama) really
 * generates.
 */
export const openaiConfigSchema = z.strictObject({
  type: z.literal("openai"),
  base_url: httpUrl.describe("The server's root, with or without /v1, e.g. http://127.0.0.1:8000."),
  model: z.string().min(1).describe("The model `GET /v1/models` must list, and the one asked to answer."),
  api_key: z
    .string()
    .optional()
    .describe("Sent as a Bearer token, never shown: write ${VAR}, or api_key_file with a file's path."),
  prompt: z.string().min(1).default("Say OK.").describe("The chat message sent to the model."),
  timeout: duration
    .default(60_000)
    .describe("No complete answer within this (default 60s) is critical: a hung engine."),
  max_ttft: duration.optional().describe("A first token slower than this is a warning."),
  max_latency: duration.optional().describe("A whole answer slower than this is a warning."),
  // Counted from the first token to the last (the prompt's processing is max_ttft's business); tokens from the
  // stream's usage when it gives them.
  min_tokens_per_second: z
    .number()
    .positive()
    .optional()
    .describe("Asks for 32 tokens: streaming them slower than this many per second is critical."),
  max_tokens: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Tokens asked for: default 1, or 32 with min_tokens_per_second (use a prompt that fills them)."),
  proxy: viaProxy,
});
export type OpenAiConfig = z.infer<typeof openaiConfigSchema>;

/** apiRoot returns the URL that /models and /chat/completions hang from (…/v1). */
export function apiRoot(base: string): string {
  const b = base.replace(/\/+$/, "");
  return /\/v1$/.test(b) ? b : `${b}/v1`;
}

/** parseSseEvents splits an SSE text buffer into complete `data:` payloads and the unfinished rest. */
export function parseSseEvents(buffer: string): { events: string[]; rest: string } {
  const events: string[] = [];
  const blocks = buffer.replace(/\r\n/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    const data = block
      .split("\n")
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).replace(/^ /, ""))
      .join("\n");
    if (data) events.push(data);
  }
  return { events, rest };
}

function errorText(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: string } | string; message?: string; detail?: unknown };
    const e =
      typeof j.error === "string"
        ? j.error
        : (j.error?.message ?? j.message ?? (typeof j.detail === "string" ? j.detail : undefined));
    if (e) return e.slice(0, 200);
  } catch {
    // Not JSON: show the start of the text.
  }
  return body.replace(/\s+/g, " ").trim().slice(0, 200);
}

/** chatBody asks for one streamed token, or for enough to time the stream (with its usage) when a rate is wanted. */
function chatBody(cfg: OpenAiConfig, messages: { role: string; content: string }[]) {
  const rated = cfg.min_tokens_per_second !== undefined;
  const max = cfg.max_tokens ?? (rated ? 32 : 1);
  const body = { model: cfg.model, messages, max_tokens: max, temperature: 0, stream: true };
  return rated ? { ...body, stream_options: { include_usage: true } } : body;
}

/**
 * tokensPerSecond is the decode rate: the tokens after the first over the time from the first to the last; undefined
 * with fewer than two tokens. A stream that came in one piece (no time between them) is as fast as can be told.
 */
export function tokensPerSecond(tokens: number, ttftMs: number, lastMs: number): number | undefined {
  if (tokens < 2) return undefined;
  const span = (lastMs - ttftMs) / 1000;
  return span > 0 ? (tokens - 1) / span : Infinity;
}

/** FOLLOW: redirects are followed, as fetch did before the probe used the one client (fetch's limit). */
const FOLLOW = 20;

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

/** readAll reads an error answer's body, the first 64 KiB of it (errorText shows 200 characters). */
async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < 64 * 1024) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** openaiProbe lists the models, then asks for one streamed token and times the first token and the whole answer. */
export const openaiProbe = defineProbe(openaiConfigSchema, {
  words,
  // The service's port, for a restart's stop_hung and for its owner's OOM kill in the kernel log.
  port: (cfg) => portOfUrl(cfg.base_url),
  async run(cfg, { signal }) {
    const root = apiRoot(cfg.base_url);
    const where = safeUrl(root);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), cfg.timeout);
    const all = AbortSignal.any([ctl.signal, signal]);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "watchdog",
    };
    if (cfg.api_key) headers.authorization = `Bearer ${cfg.api_key}`;
    const started = monotonicMs();
    const elapsed = () => Math.round(monotonicMs() - started);
    let stage = "GET /models";
    try {
      const models = await httpRequest(`${root}/models`, { headers, signal: all, redirects: FOLLOW, proxy: cfg.proxy });
      const text = models.body.toString("utf8");
      if (!ok(models.status)) {
        return failed("modelsAnswered", { where, code: models.status, answer: errorText(text) });
      }
      let ids: string[];
      try {
        ids = ((JSON.parse(text) as { data?: { id?: string }[] }).data ?? []).map((m) => String(m.id));
      } catch {
        return failed("modelsNotJson", { where });
      }
      if (!ids.includes(cfg.model)) {
        const serves = ids.slice(0, 5).join(", ");
        return failed(serves ? "noModel" : "noModels", { where, model: cfg.model, serves });
      }
      stage = "chat completion";
      const t0 = monotonicMs();
      const messages = [{ role: "user", content: cfg.prompt }];
      const res = await httpOpen(`${root}/chat/completions`, {
        method: "POST",
        headers: { ...headers, accept: "text/event-stream" },
        body: JSON.stringify(chatBody(cfg, messages)),
        signal: all,
        redirects: FOLLOW,
        proxy: cfg.proxy,
      });
      if (!ok(res.status)) {
        const answer = errorText(await readAll(res.body));
        return failed("chatAnswered", { where, code: res.status, answer });
      }
      let ttft: number | undefined;
      let last = 0;
      let chunks = 0;
      let usage: number | undefined;
      let done = false;
      let buf = "";
      const decoder = new TextDecoder();
      stage = "streaming";
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk, { stream: true });
        const { events, rest } = parseSseEvents(buf);
        buf = rest;
        for (const ev of events) {
          if (ev.trim() === "[DONE]") {
            done = true;
            continue;
          }
          let j: {
            error?: unknown;
            choices?: { delta?: { content?: string; reasoning_content?: string }; text?: string }[];
            usage?: { completion_tokens?: unknown } | null;
          };
          try {
            j = JSON.parse(ev);
          } catch {
            return failed("eventNotJson", { where, event: ev.slice(0, 100) });
          }
          if (j.error) return failed("streamError", { where, answer: errorText(ev) });
          const c = j.choices?.[0];
          if (typeof j.usage?.completion_tokens === "number") usage = j.usage.completion_tokens;
          if (c && (c.delta?.content || c.delta?.reasoning_content || c.text)) {
            last = monotonicMs() - t0;
            chunks++;
            if (ttft === undefined) ttft = Math.round(last);
          }
        }
        if (done) break;
      }
      const total = Math.round(monotonicMs() - t0);
      if (ttft === undefined) return failed("noToken", { where, model: cfg.model, ms: total });
      const metrics = { ttft_ms: ttft, latency_ms: total, models_ms: Math.round(t0 - started) };
      const parts: OpenaiPart[] = [{ key: "answered", values: { model: cfg.model, where, ttft, total } }];
      const slow: OpenaiPart[] = [];
      if (cfg.max_ttft !== undefined && ttft > cfg.max_ttft)
        slow.push({ key: "slowTtft", values: { limit: formatDuration(cfg.max_ttft) } });
      if (cfg.max_latency !== undefined && total > cfg.max_latency)
        slow.push({ key: "slowAnswer", values: { limit: formatDuration(cfg.max_latency) } });
      slow.forEach((p, i) => parts.push({ key: i === 0 ? "colon" : "comma" }, p));
      const rate = tokensPerSecond(usage ?? chunks, ttft, last);
      if (cfg.min_tokens_per_second !== undefined && rate !== undefined && Number.isFinite(rate)) {
        const values = { rate: rate.toFixed(1), min: cfg.min_tokens_per_second, n: usage ?? chunks };
        Object.assign(metrics, { tokens_per_second: Math.round(rate * 10) / 10 });
        if (rate < cfg.min_tokens_per_second) {
          const said = say(words, [parts[0]!, { key: "colon" }, { key: "slowTokens", values }]);
          return { status: "critical", ...said, metrics };
        }
        parts.push({ key: "rate", values });
      }
      return { status: slow.length ? "warning" : "ok", ...say(words, parts), metrics };
    } catch (err) {
      if (all.aborted)
        return failed("incomplete", { where, within: formatDuration(cfg.timeout), stage, ms: elapsed() });
      // An HttpError carries Node's code (ECONNREFUSED...), an AggregateError's too (a name with two addresses).
      const e = err as HttpError;
      const why: OpenaiPart = e.code ? socketPart(e) : { key: "text", values: { text: e.message } };
      return { status: "critical", ...say(words, [{ key: "stageFailed", values: { where, stage } }, why]) };
    } finally {
      clearTimeout(timer);
    }
  },
});
