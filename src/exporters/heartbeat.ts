import type { Config } from "../config/schema.js";
import type { Deps } from "../deps.js";
import { httpRequest, type HttpError } from "../net/http-client.js";

/**
 * sendHeartbeat GETs `heartbeat.url` after a completed run (a dead-man's switch such as healthchecks.io: it alerts
 * when the pings stop). A failure is logged and never fails the run. The URL is not logged (it is a secret).
 * `leftMs` is what remains of the run's time: the ping never takes the run past run_timeout.
 */
export async function sendHeartbeat(
  config: Pick<Config, "heartbeat">,
  deps: Pick<Deps, "logger">,
  leftMs = Infinity,
): Promise<void> {
  const hb = config.heartbeat;
  if (!hb) return;
  try {
    // The one HTTP client (src/net/http-client.ts): unlike fetch, it allows any port; redirects followed as fetch did.
    const signal = AbortSignal.timeout(Math.max(1, Math.min(hb.timeout, leftMs)));
    const res = await httpRequest(hb.url, { signal, redirects: 20, maxBody: 64 * 1024 });
    const ok = res.status >= 200 && res.status < 300;
    if (!ok) {
      deps.logger.warn({ event: "heartbeat_failed", status: res.status }, `heartbeat answered HTTP ${res.status}`);
    }
  } catch (err) {
    deps.logger.warn({ event: "heartbeat_failed" }, `heartbeat failed: ${why(err)}`);
  }
}

/** why names a failure by its code (ECONNREFUSED, ENOTFOUND, timeout), never by the URL. */
function why(err: unknown): string {
  const e = err as HttpError;
  return e.kind === "aborted" || e.kind === "timeout" ? "timeout" : (e.code ?? e.message);
}
