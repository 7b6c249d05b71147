import { HttpError, httpRequest } from "../net/http-client.js";
import { clockTlsFailure } from "./tls-clock.js";
import type { Message } from "../engine/types.js";
import { fail, type Channel, type ChannelContext, type SendOutcome } from "./types.js";

/** HttpAnswer is a vendor's reply: status, raw text (capped) and the JSON it parsed to, if any. */
export type HttpAnswer = { status: number; text: string; json: unknown };

/** PostResult is either the vendor's answer (any status) or a failure before one arrived. */
export type PostResult = { ok: true; answer: HttpAnswer } | { ok: false; outcome: SendOutcome };

const MAX_ANSWER = 64 * 1024;

/** describeEndpoint names a URL by its origin only: paths and queries of webhooks carry tokens. */
export function describeEndpoint(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * postJson POSTs a JSON body and reads the answer through the one HTTP client (src/net/http-client.ts, which allows
 * the ports fetch refuses). It never throws: network errors, DNS failures and the deadline come back as retryable
 * failures whose message names the host only (never the URL, which holds the token).
 */
export async function postJson(
  url: string,
  body: unknown,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const where = describeEndpoint(url);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, outcome: fail("config", false, "invalid URL") };
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    return { ok: false, outcome: fail("config", false, `${where}: only http and https URLs are supported`) };
  }
  const data = typeof body === "string" ? body : JSON.stringify(body);
  try {
    const res = await httpRequest(target, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
      body: data,
      signal,
      maxBody: MAX_ANSWER,
    });
    const text = res.body.toString("utf8").slice(0, MAX_ANSWER);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { ok: true, answer: { status: res.status, text, json } };
  } catch (err) {
    return { ok: false, outcome: classifyNetworkError(err, where, signal) };
  }
}

/** Post is what one message becomes on the wire: the URL, the JSON body and any extra headers. */
export type Post = { url: string; body: unknown; headers?: Record<string, string> };

/**
 * postingChannel is a channel whose send is one JSON POST (a robot, a webhook): `post` builds the request from the
 * message, `answer` reads the reply; `endpoint` is named by its host only (its path holds the token).
 */
export function postingChannel(
  ctx: ChannelContext,
  type: string,
  endpoint: string,
  post: (message: Message) => Post,
  answer: (answer: HttpAnswer, where: string) => SendOutcome,
): Channel {
  const where = describeEndpoint(endpoint);
  return {
    name: ctx.name,
    type,
    async send(message, signal) {
      const p = post(message);
      const res = await postJson(p.url, p.body, signal, p.headers);
      return res.ok ? answer(res.answer, where) : res.outcome;
    },
  };
}

/** classifyNetworkError turns a failed request (HttpError, or a Node error) into a retryable failure with a reason. */
export function classifyNetworkError(err: unknown, where: string, signal?: AbortSignal): SendOutcome {
  const name = (err as Error)?.name;
  const late = err instanceof HttpError && (err.kind === "aborted" || err.kind === "timeout");
  if (signal?.aborted || late || name === "AbortError" || name === "TimeoutError") {
    return fail("timeout", true, `${where}: no answer before the deadline`);
  }
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return fail("network", true, `${where}: cannot resolve host (${code})`, "check the hostname and DNS");
  if (code === "ECONNREFUSED") return fail("network", true, `${where}: connection refused`);
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return fail("network", true, `${where}: connection reset`);
  const clock = clockTlsFailure(code, `${where}: `);
  if (clock) return clock;
  if (/^(CERT_|ERR_TLS|DEPTH_|SELF_SIGNED|UNABLE_)/.test(code))
    return fail("config", false, `${where}: TLS certificate problem (${code})`);
  return fail(
    "network",
    true,
    `${where}: ${code || (cause?.message ?? (err as Error)?.message ?? "request failed").split("\n")[0]}`,
  );
}

/**
 * classifyHttpStatus maps an HTTP status to ok or a failure (AM Retrier.Check):
 * 2xx ok; 429 and 5xx retryable; 401/403 auth, other 4xx permanent.
 */
export function classifyHttpStatus(status: number, where: string, detail = ""): SendOutcome {
  const tail = detail ? `: ${detail.replace(/\s+/g, " ").slice(0, 200)}` : "";
  if (status >= 200 && status < 300) return { ok: true };
  if (status === 429) return fail("rate_limited", true, `${where} answered HTTP 429${tail}`);
  if (status >= 500) return fail("server", true, `${where} answered HTTP ${status}${tail}`);
  if (status === 401 || status === 403)
    return fail("auth", false, `${where} answered HTTP ${status}${tail}`, "check the token or credentials");
  return fail("client", false, `${where} answered HTTP ${status}${tail}`);
}

/** VendorCode is how a vendor's error code maps to a failure: retryable or not, with a hint. */
export type VendorCode = {
  reason: "auth" | "rate_limited" | "client" | "server" | "config" | "provider_code";
  retryable: boolean;
  hint?: string;
};

/**
 * vendorOutcome reads a vendor's JSON answer. HTTP errors are classified by status first; an HTTP 200 with a non-zero
 * code is a failure too (DingTalk/WeCom `errcode`, Feishu `code`), mapped through `codes` (unknown codes are
 * permanent).
 */
export function vendorOutcome(
  answer: HttpAnswer,
  vendor: string,
  where: string,
  read: (json: Record<string, unknown>) => { code: number | undefined; msg: string },
  codes: Record<number, VendorCode | ((msg: string) => VendorCode)>,
): SendOutcome {
  const json = answer.json && typeof answer.json === "object" ? (answer.json as Record<string, unknown>) : undefined;
  const { code, msg } = json ? read(json) : { code: undefined, msg: "" };
  if (answer.status < 200 || answer.status >= 300) {
    const http = classifyHttpStatus(answer.status, where, msg || answer.text);
    return code !== undefined && code !== 0 && !http.ok
      ? { ...http, error: `${vendor} HTTP ${answer.status}, code ${code} ${msg}`.trim() }
      : http;
  }
  if (code === undefined)
    return fail(
      "provider_code",
      true,
      `${vendor} answered HTTP ${answer.status} without a result code: ${answer.text.slice(0, 120)}`,
    );
  if (code === 0) return { ok: true, response: answer.text.slice(0, 300) };
  const entry = codes[code];
  const c = typeof entry === "function" ? entry(msg) : (entry ?? { reason: "provider_code", retryable: false });
  const short = msg.split(/, hint:|;solution:| more info/)[0]?.trim() ?? msg;
  return {
    ...fail(c.reason, c.retryable, `${vendor} ${vendorCodeName(vendor)} ${code} ${short}`.trim(), c.hint),
    response: answer.text.slice(0, 300),
  };
}

/** readErrcode reads the answer of DingTalk and WeCom robots: `errcode` and `errmsg`. */
export function readErrcode(j: Record<string, unknown>): { code: number | undefined; msg: string } {
  return { code: typeof j.errcode === "number" ? j.errcode : undefined, msg: String(j.errmsg ?? "") };
}

function vendorCodeName(vendor: string): string {
  return vendor === "Feishu" ? "code" : "errcode";
}

/** truncateUtf8 cuts text to at most maxBytes UTF-8 bytes without splitting a character, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number, marker = "\n…"): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const room = Math.max(0, maxBytes - Buffer.byteLength(marker, "utf8"));
  let bytes = 0;
  let out = "";
  for (const ch of text) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > room) break;
    bytes += n;
    out += ch;
  }
  return out + marker;
}

/** fitJson shrinks the one text field of a body (via `withText`) until the serialised JSON is at most maxBytes. */
export function fitJson<T>(text: string, maxBytes: number, withText: (t: string) => T): T {
  let body = withText(text);
  let size = Buffer.byteLength(JSON.stringify(body), "utf8");
  let room = Buffer.byteLength(text, "utf8");
  for (let i = 0; i < 10 && size > maxBytes; i++) {
    // JSON escapes (\n, \") make the body grow faster than the text: cut by the excess plus a margin, and measure
    // again.
    room = Math.max(0, room - (size - maxBytes) - 16);
    body = withText(truncateUtf8(text, room));
    size = Buffer.byteLength(JSON.stringify(body), "utf8");
  }
  return body;
}
