import { z } from "zod";
import type { CheckState, Message, NotifyItem, OutboxEntry } from "../../../engine/types.js";
import type { KeepAliveInput } from "../../define.js";
import type { AlertmanagerConfig } from "./schema.js";

/** REFRESH_PREFIX marks the outbox messages the keep-alive makes, so a newer refresh can replace a pending one. */
export const REFRESH_PREFIX = "refresh-";

/** refreshMemory is the keep-alive's memory: when it last re-stated every open incident (State.channels[name]). */
export const refreshMemory = z.object({ refreshedAt: z.number().optional() });
export type RefreshMemory = z.infer<typeof refreshMemory>;

/**
 * keepAlive keeps open incidents alive in Alertmanager, which resolves an alert on its own when it is not re-sent
 * before its endsAt (Alertmanager's client guide, docs/vendors.md §6: clients re-send active alerts). decide speaks
 * only on ladder events, so after it this queues one message re-stating every open incident the channel was told of, at
 * most once per `resend_every` (0: every run). A pending refresh that a newer one supersedes, or whose incident has
 * closed, is removed from the outbox: sending it late would re-fire a resolved alert. A refresh is marked noFallback:
 * it restates incidents the fallback was already given, and a new one is made every run, so a copy would send the
 * fallback the same alert every run while Alertmanager is down.
 */
export function keepAlive(
  cfg: AlertmanagerConfig,
  input: KeepAliveInput<RefreshMemory>,
): { outbox: OutboxEntry[]; memory: RefreshMemory | undefined } {
  const { name, state, now } = input;
  const open = (check: string) => state.checks[check]?.incident?.notified.includes(name) ?? false;
  // Asked only when there is an incident or a pending refresh: the memory is then read (and validated).
  let dueNow: boolean | undefined;
  const due = () => {
    const last = input.memory?.refreshedAt;
    // A clock that moved back counts as due: better one extra re-send than an alert left to expire.
    return (dueNow ??= last === undefined || now - last >= cfg.resend_every || now < last);
  };
  let outbox = state.outbox.flatMap((e): OutboxEntry[] => {
    if (e.message.channel !== name || !e.message.id.startsWith(REFRESH_PREFIX)) return [e];
    const items = e.message.items.filter((i) => open(i.check));
    if (items.length === 0 || due()) return [];
    // A refresh queued by an older build carries no noFallback flag: it gets one here.
    const same = items.length === e.message.items.length && e.message.noFallback;
    return [same ? e : { ...e, message: { ...e.message, items, noFallback: true } }];
  });
  const toldNow = new Set(input.thisRun.flatMap((m) => m.items.map((i) => i.check)));
  // The refresh clock moves only when every open incident was re-stated: a message about one check this run (its
  // step) must not postpone the re-send of the others, which Alertmanager would then let expire.
  let refreshed = toldNow.size > 0 && due();
  const stale = input.checks.filter((c) => open(c.name) && !toldNow.has(c.name));
  if (stale.length > 0 && due()) {
    const items = stale.map((c) => refreshItem(state.checks[c.name]!, c));
    const id = `${REFRESH_PREFIX}${now.toString(36)}-${name}`;
    const message: Message = { id, channel: name, host: input.host, createdAt: now, items, noFallback: true };
    outbox = [...outbox, { message, attempts: 0, nextAttemptAt: now, lastError: undefined }];
    refreshed = true;
  }
  return { outbox, memory: refreshed ? { refreshedAt: now } : undefined };
}

/** refreshItem restates an open incident; its severity is the incident's peak, so the alert's labels stay the same. */
function refreshItem(cs: CheckState, check: KeepAliveInput<never>["checks"][number]): NotifyItem {
  const inc = cs.incident!;
  const item: NotifyItem = {
    check: check.name,
    reason: "reminder",
    step: Math.max(0, ...inc.stepsFired) + 1,
    severity: inc.peak,
    status: cs.status,
    summary: cs.summary,
    failStreak: cs.failStreak,
    since: inc.startedAt,
    restarts: inc.restarts,
    restartsHelped: inc.restartsHelped,
  };
  if (inc.cause) item.cause = inc.cause;
  if (check.runbook !== undefined) item.runbook = check.runbook;
  if (Object.keys(check.labels).length) item.labels = check.labels;
  return item;
}
