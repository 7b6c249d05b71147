import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { proxyAgent, proxyFor } from "./proxy.js";

/**
 * The one HTTP client of watchdog: every channel (webhook, DingTalk, WeCom, Feishu, Alertmanager), the http and
 * openai probes and the heartbeat go through it (the Aliyun SMS SDK has its own). It is built on node:http and
 * node:https rather than fetch, which refuses the ports of its "bad port" list (6000, 6665-6669, 10080, ...): a
 * heartbeat, a webhook or a model server on such a port is legitimate. node:https (TLS) is loaded on first use.
 *
 * Its errors are HttpError and never quote the URL (webhook paths and queries carry tokens): a Node error names at
 * most the host and port.
 */

/** HttpOptions say what to send and how long, how much and how far to go for the answer. */
export type HttpOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The caller's deadline: when it aborts, the request ends with an HttpError of kind "aborted". */
  signal?: AbortSignal;
  /** This request's own limit for the whole answer, body included: then an HttpError of kind "timeout". */
  timeoutMs?: number;
  /** Body bytes kept (httpRequest); the rest is read and only counted. Default 1 MiB. */
  maxBody?: number;
  /** Skip the TLS certificate check (self-signed internal endpoints, when the config says so). */
  insecure?: boolean;
  /**
   * Redirects followed, by fetch's rules (a 303, or a 301/302 answering a POST, goes on as a GET without a body;
   * the authorization header is dropped when the origin changes). Default 0: a 3xx is the answer.
   */
  redirects?: number;
  /** false: never through the proxy of HTTP_PROXY/HTTPS_PROXY (a check of a local service says so). Default true. */
  proxy?: boolean;
};

/** HttpHead is an answer whose body is still to be read: status, headers, the URL answered (after redirects). */
export type HttpHead = { status: number; headers: IncomingHttpHeaders; url: URL; certExpires: number | undefined };

/** HttpResponse is a whole answer: the body kept (up to maxBody) and how many bytes it had in all. */
export type HttpResponse = HttpHead & { body: Buffer; bytes: number };

/** HttpStream is an answer whose body is read piece by piece (server-sent events); errors come as HttpError. */
export type HttpStream = HttpHead & { body: AsyncIterable<Buffer> };

/** HttpErrorKind: the caller's deadline, our own timeout, a TLS failure, any other network failure, a bad URL. */
export type HttpErrorKind = "aborted" | "timeout" | "tls" | "network" | "url";

/** HttpError is why no (complete) answer came; `code` is Node's (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED...). */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly kind: HttpErrorKind,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.status = options?.status;
  }
  /** The status of the answer, when its head came before the failure (a body that stalled or was cut). */
  readonly status: number | undefined;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const REDIRECTS = [301, 302, 303, 307, 308];
const TLS_CODE = /^(CERT_|ERR_TLS|DEPTH_|SELF_SIGNED|UNABLE_)/;

/** httpRequest sends one request and reads the whole answer (any status is an answer; only no answer throws). */
export async function httpRequest(url: string | URL, opts: HttpOptions = {}): Promise<HttpResponse> {
  let status: number | undefined;
  return withDeadline(
    opts,
    () => status,
    async (signal) => {
      const { res, head } = await open(url, opts, signal);
      status = head.status;
      const max = opts.maxBody ?? DEFAULT_MAX_BODY;
      const chunks: Buffer[] = [];
      let kept = 0;
      let bytes = 0;
      for await (const chunk of res as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (kept < max) {
          chunks.push(chunk.subarray(0, max - kept));
          kept += Math.min(chunk.length, max - kept);
        }
      }
      // A body that only the connection's close ends (HTTP/1.0, no length) looks whole when a deadline cuts it.
      signal?.throwIfAborted();
      return { ...head, body: Buffer.concat(chunks), bytes };
    },
  );
}

/**
 * httpOpen sends one request and returns once the head of the answer has come; its body is then read as a stream.
 * timeoutMs covers the head only: a stream's reader bounds the rest with `signal`.
 */
export async function httpOpen(url: string | URL, opts: HttpOptions = {}): Promise<HttpStream> {
  const { res, head } = await withDeadline(opts, noStatus, (signal) => open(url, opts, signal));
  const outer = opts.signal;
  async function* body(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) yield chunk;
      outer?.throwIfAborted();
    } catch (err) {
      throw toHttpError(err, outer?.aborted ? "aborted" : undefined);
    }
  }
  return { ...head, body: body() };
}

const noStatus = (): undefined => undefined;

/**
 * withDeadline runs `work` under the caller's signal and, when timeoutMs is set, a timer of its own. `answered` is
 * the status once the head has come, so that a stalled body is told apart from a stalled head.
 */
async function withDeadline<T>(
  opts: HttpOptions,
  answered: () => number | undefined,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  const own = opts.timeoutMs === undefined ? undefined : new AbortController();
  const timer = own && setTimeout(() => own.abort(), opts.timeoutMs);
  const signals = [opts.signal, own?.signal].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  try {
    return await work(signal);
  } catch (err) {
    if (own?.signal.aborted && !opts.signal?.aborted) {
      const status = answered();
      const message =
        status === undefined
          ? `gave no complete answer within ${opts.timeoutMs}ms`
          : `answered ${status}, but the body was not complete within ${opts.timeoutMs}ms`;
      throw new HttpError("timeout", message, undefined, { cause: err, status });
    }
    throw toHttpError(err, opts.signal?.aborted ? "aborted" : undefined);
  } finally {
    clearTimeout(timer);
  }
}

/** open sends the request, following redirects as allowed, and returns the final answer with its body unread. */
async function open(raw: string | URL, opts: HttpOptions, signal: AbortSignal | undefined) {
  let url = parse(raw);
  let method = (opts.method ?? "GET").toUpperCase();
  let headers = { ...opts.headers };
  let body = opts.body;
  for (let hops = 0; ; hops++) {
    const res = await send(url, method, headers, body, { insecure: opts.insecure === true, proxy: opts.proxy }, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    const follow = location !== undefined && REDIRECTS.includes(status) && hops < (opts.redirects ?? 0);
    const next = follow ? redirectTarget(location, url) : undefined;
    if (!next) return { res, head: headOf(res, url) };
    res.resume();
    if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
      method = method === "HEAD" ? "HEAD" : "GET";
      body = undefined;
      headers = without(headers, /^content-/i);
    }
    if (next.origin !== url.origin) headers = without(headers, /^(authorization|cookie)$/i);
    url = next;
  }
}

function parse(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HttpError("url", "invalid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpError("url", `${url.protocol.replace(/:$/, "")}: only http and https URLs are supported`);
  }
  return url;
}

/** redirectTarget is where a Location header points, if it is an http(s) URL; else the 3xx is the answer. */
function redirectTarget(location: string, base: URL): URL | undefined {
  try {
    const url = new URL(location, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

function without(headers: Record<string, string>, name: RegExp): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !name.test(k)));
}

async function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  how: { insecure: boolean; proxy: boolean | undefined },
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  const { request } = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  const via = how.proxy === false ? "" : proxyFor(url);
  // A proxy's agent, like agent: false, opens one connection for this request and closes it after.
  const agent = via ? await proxyAgent(url, via) : false;
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  const sized = Object.keys(headers).some((k) => /^content-length$/i.test(k));
  const all = data && !sized ? { ...headers, "content-length": String(data.length) } : headers;
  signal?.throwIfAborted();
  return new Promise<IncomingMessage>((resolve, reject) => {
    // agent false: one connection per request, closed after it; a keep-alive socket would outlive a cron run.
    const options = { method, headers: all, signal, agent, rejectUnauthorized: !how.insecure };
    const req: ClientRequest = request(url, options, resolve);
    req.once("error", reject);
    req.end(data);
  });
}

function headOf(res: IncomingMessage, url: URL): HttpHead {
  const socket = res.socket as Partial<TLSSocket> | null;
  const cert = typeof socket?.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
  const certExpires = cert?.valid_to ? Date.parse(cert.valid_to) : undefined;
  return { status: res.statusCode ?? 0, headers: res.headers, url, certExpires };
}

/** toHttpError names a failure by Node's code, never by the URL. */
export function toHttpError(err: unknown, kind?: HttpErrorKind): HttpError {
  if (err instanceof HttpError) {
    return kind && err.kind !== kind ? new HttpError(kind, err.message, err.code, { cause: err.cause }) : err;
  }
  const e = err as NodeJS.ErrnoException & { errors?: { code?: string }[] };
  // A host name with several addresses fails as an AggregateError (happy eyeballs): its first error's code.
  const code = e?.code ?? e?.errors?.[0]?.code;
  if (kind === "aborted" || e?.name === "AbortError") return new HttpError("aborted", "aborted", code, { cause: err });
  const message = String(e?.message ?? err).split("\n")[0]!;
  const tls = code !== undefined && TLS_CODE.test(code);
  return new HttpError(tls ? "tls" : "network", message || code || "request failed", code, { cause: err });
}
