import type { Config } from "../config/schema.js";
import type { Deps } from "../deps.js";

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
    const res = await fetch(hb.url, { method: "GET", signal: AbortSignal.timeout(Math.max(1, Math.min(hb.timeout, leftMs))) });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) deps.logger.warn({ event: "heartbeat_failed", status: res.status }, `heartbeat answered HTTP ${res.status}`);
  } catch (err) {
    deps.logger.warn({ event: "heartbeat_failed" }, `heartbeat failed: ${why(err)}`);
  }
}

/** why names a fetch failure by its cause (ECONNREFUSED, ENOTFOUND, timeout), never by the URL. */
function why(err: unknown): string {
  if ((err as Error).name === "TimeoutError") return "timeout";
  const cause = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message;
}
