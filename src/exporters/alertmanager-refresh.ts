import type { Config } from "../config/schema.js";
import { dict, own } from "../engine/dict.js";
import type { ChannelState, Message, NotifyItem, OutboxEntry, State } from "../engine/types.js";

/** REFRESH_PREFIX marks the outbox messages this step makes, so a newer refresh can replace a pending one. */
export const REFRESH_PREFIX = "refresh-";

type RefreshMemory = ChannelState & { refreshedAt?: number };

/**
 * enqueueAlertmanagerRefresh keeps open incidents alive in Alertmanager, which resolves an alert on its own when it is
 * not re-sent before its endsAt (docs/clients.md: clients re-send active alerts). decide speaks only on ladder events,
 * so after it, for every `type: alertmanager` channel, this queues one message re-stating every open incident that
 * channel was told of, at most once per `resend_every` (0: every run). The time of the last refresh is kept in
 * State.channels[name].refreshedAt. A pending refresh that a newer one supersedes, or whose incident has closed, is
 * removed from the outbox: sending it late would re-fire a resolved alert.
 */
export function enqueueAlertmanagerRefresh(state: State, config: Pick<Config, "channels" | "checks" | "host">, thisRun: readonly Message[], now: number): State {
  let outbox = state.outbox;
  let channels = state.channels;
  for (const [name, ch] of Object.entries(config.channels)) {
    if (ch.type !== "alertmanager") continue;
    const open = (check: string) => state.checks[check]?.incident?.notified.includes(name) ?? false;
    const memory = own(channels, name) as RefreshMemory | undefined;
    const every = typeof ch.resend_every === "number" ? ch.resend_every : 0;
    const last = memory?.refreshedAt;
    // A clock that moved back counts as due: better one extra re-send than an alert left to expire.
    const due = last === undefined || now - last >= every || now < last;
    outbox = outbox.flatMap((e): OutboxEntry[] => {
      if (e.message.channel !== name || !e.message.id.startsWith(REFRESH_PREFIX)) return [e];
      const items = e.message.items.filter((i) => open(i.check));
      if (due || items.length === 0) return [];
      return [items.length === e.message.items.length ? e : { ...e, message: { ...e.message, items } }];
    });
    const toldNow = new Set(thisRun.filter((m) => m.channel === name).flatMap((m) => m.items.map((i) => i.check)));
    // The refresh clock moves only when every open incident was re-stated: a message about one check this run (its
    // step) must not postpone the re-send of the others, which Alertmanager would then let expire.
    let refreshed = due && toldNow.size > 0;
    if (due) {
      const items = config.checks.filter((c) => open(c.name) && !toldNow.has(c.name)).map((c) => refreshItem(state, c));
      if (items.length) {
        const message: Message = { id: `${REFRESH_PREFIX}${now.toString(36)}-${name}`, channel: name, host: config.host, createdAt: now, items };
        outbox = [...outbox, { message, attempts: 0, nextAttemptAt: now, lastError: undefined }];
        refreshed = true;
      }
    }
    if (refreshed) {
      const next: RefreshMemory = { ...(memory ?? { sentAt: [], day: undefined, dayCount: 0 }), refreshedAt: now };
      channels = dict(channels);
      channels[name] = next;
    }
  }
  return outbox === state.outbox && channels === state.channels ? state : { ...state, outbox, channels };
}

/** refreshItem restates an open incident; its severity is the incident's peak, so the alert's labels stay the same. */
function refreshItem(state: State, check: Config["checks"][number]): NotifyItem {
  const cs = state.checks[check.name]!;
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
