import http from "node:http";
import { faultPort } from "./fault-port.js";

/**
 * Shared base of the fake vendor servers (127.0.0.1 only). Each vendor file wraps it with the vendor's own checks.
 *
 * Modes (setMode) drive the fault matrix:
 *   "ok"      the vendor's own checks decide (signature, size, rate limit) and answer like the vendor
 *   "refuse"  nothing listens on the port: connections are refused (setMode back to anything re-listens on it)
 *   "hang"    the request is read and never answered
 *   "500"     HTTP 500 with a short text body
 *   "error"   HTTP 200 with the vendor's error body (a retryable code unless setMode was given another body)
 */
export type VendorMode = "ok" | "refuse" | "hang" | "500" | "error";

/** Received is one request the server read, with what it answered. */
export type Received = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
  accepted: boolean;
  answer: unknown;
};

/** VendorServer is what every fake vendor's start() returns. */
export type VendorServer = {
  /** Base URL, e.g. http://127.0.0.1:PORT (each vendor adds its path and token). */
  origin: string;
  /** The URL to configure in watchdog (vendor path, token or key included). */
  url: string;
  port: number;
  /** Every request read, accepted or not. */
  received: Received[];
  /** The bodies (parsed JSON) of accepted messages only. */
  delivered(): any[];
  setMode(mode: VendorMode, errorBody?: unknown): Promise<void>;
  close(): Promise<void>;
};

/** VendorAnswer is what a vendor handler decides for one request in "ok" mode. */
export type VendorAnswer = { status?: number; body: unknown; accepted: boolean };

export type VendorHandler = (req: {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
  now: number;
}) => VendorAnswer;

/** startHttpVendor listens on 127.0.0.1:0 and answers with `handle` in "ok" mode, `errorBody` in "error" mode. */
export async function startHttpVendor(
  path: string,
  handle: VendorHandler,
  defaultErrorBody: unknown,
  now: () => number = Date.now,
  errorStatus = 200,
): Promise<VendorServer> {
  let mode: VendorMode = "ok";
  let errorBody = defaultErrorBody;
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= 1_000_000) chunks.push(c);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: any;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const rec: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        json,
        at: now(),
        accepted: false,
        answer: undefined,
      };
      received.push(rec);
      if (mode === "hang") return;
      if (mode === "500") {
        res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
        rec.answer = 500;
        return;
      }
      const answer: VendorAnswer =
        mode === "error"
          ? { status: errorStatus, body: errorBody, accepted: false }
          : handle({
              method: rec.method,
              url: new URL(rec.url, "http://127.0.0.1"),
              headers: req.headers,
              body,
              json,
              now: now(),
            });
      rec.accepted = answer.accepted;
      rec.answer = answer.body;
      res
        .writeHead(answer.status ?? 200, { "content-type": "application/json;charset=utf-8" })
        .end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  const front = await faultPort(server);
  const port = front.port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: `${origin}${path}`,
    port,
    received,
    delivered: () => received.filter((r) => r.accepted).map((r) => r.json),
    async setMode(next, body) {
      if (body !== undefined) errorBody = body;
      else if (next === "error") errorBody = defaultErrorBody;
      await front.to(next);
      mode = next;
    },
    async close() {
      await front.close();
      mode = "refuse";
    },
  };
}

/** rateWindow counts accepted sends per minute, like the vendors (a sliding 60 s window). */
export function rateWindow(perMinute: number) {
  const times: number[] = [];
  return {
    /** hit records a send at `now` and says whether it is within the limit. */
    hit(now: number): boolean {
      while (times.length && times[0]! <= now - 60_000) times.shift();
      if (times.length >= perMinute) return false;
      times.push(now);
      return true;
    },
  };
}
