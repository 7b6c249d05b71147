import { httpRequest, type HttpError, type HttpResponse } from "../../../net/http-client.js";
import { defineChannel } from "../../define.js";
import { fail, type Channel, type ChannelContext, type SendOutcome } from "../../types.js";
import { alertmanagerConfigSchema, type AlertmanagerConfig } from "./schema.js";
import { buildAlertmanagerAlerts } from "./body.js";
import { refreshMemory, keepAlive } from "./keep-alive.js";

/** createAlertmanagerChannel posts to every URL at once and succeeds when at least one accepts. */
export function createAlertmanagerChannel(cfg: AlertmanagerConfig, ctx: ChannelContext): Channel {
  return {
    name: ctx.name,
    type: "alertmanager",
    async send(message, signal) {
      const body = JSON.stringify(buildAlertmanagerAlerts(message, cfg, ctx.deps.clock.now(), ctx.locale));
      const outcomes = await Promise.all(cfg.urls.map((u) => postAlerts(u, body, cfg, signal)));
      const ok = outcomes.find((o) => o.ok);
      if (ok) return ok;
      const failures = outcomes.filter((o): o is Extract<SendOutcome, { ok: false }> => !o.ok);
      const retryable = failures.some((f) => f.retryable);
      const first = failures.find((f) => f.retryable === retryable) ?? failures[0]!;
      const error = failures.map((f) => f.error).join("; ");
      return { ...first, retryable, error };
    },
  };
}

/** postAlerts sends one POST /api/v2/alerts; 2xx is ok, 5xx and network errors are retryable, 4xx is not. */
async function postAlerts(
  base: string,
  body: string,
  cfg: AlertmanagerConfig,
  signal: AbortSignal,
): Promise<SendOutcome> {
  let url: URL;
  try {
    url = new URL(`${base.replace(/\/+$/, "")}/api/v2/alerts`);
  } catch {
    return fail("config", false, "invalid Alertmanager URL");
  }
  // Only the origin goes into messages: the URL may carry basic-auth credentials.
  const where = `${url.protocol}//${url.host}`;
  const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const auth = url.username ? `Basic ${Buffer.from(basic).toString("base64")}` : undefined;
  const headers: Record<string, string> = { "content-type": "application/json", ...cfg.headers };
  if (auth) headers.authorization = auth;
  let res: HttpResponse;
  try {
    res = await httpRequest(url, { method: "POST", headers, body, signal, insecure: cfg.insecure, maxBody: 4096 });
  } catch (err) {
    if (signal.aborted) return fail("timeout", true, `${where}: no answer before the deadline`);
    const e = err as HttpError;
    return fail("network", true, `${where}: ${e.code ?? e.message}`);
  }
  const status = res.status;
  const answer = res.body.toString("utf8").slice(0, 300).trim();
  if (status >= 200 && status < 300) return { ok: true, response: `${where}: HTTP ${status}` };
  const msg = `${where}: HTTP ${status}${answer ? `: ${answer}` : ""}`;
  if (status === 429) return fail("rate_limited", true, msg);
  if (status >= 500) return fail("server", true, msg);
  if (status === 401 || status === 403) {
    return fail("auth", false, msg, "check the credentials in the URL or `headers`");
  }
  const hint = status === 400 ? "Alertmanager rejected the alerts (labels or times invalid)" : undefined;
  return fail("client", false, msg, hint);
}

/** alertmanagerChannel is the registry entry, with the keep-alive that re-sends open incidents every run. */
export const alertmanagerChannel = defineChannel(alertmanagerConfigSchema, createAlertmanagerChannel, {
  keepAlive: { memory: refreshMemory, run: keepAlive },
  terse: true,
});
