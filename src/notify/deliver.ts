import type { Logger } from "pino";
import type { ChannelConfig } from "./options.js";
import { dict, own } from "../engine/dict.js";
import type { ChannelState, DroppedEntry, Message, OutboxEntry, State } from "../engine/types.js";
import { REFRESH_PREFIX } from "../exporters/alertmanager-refresh.js";
import { dailyCheck, emptyChannelState, holdsForQuiet, messageSeverity, rateCheck, type RateLimit } from "./policy.js";
import type { Redactor } from "./redact.js";
import { channelTypes, type ChannelEntry } from "./registry.js";
import { prepareMessage, sendWithTimeout } from "./send.js";
import type { Channel, SendOutcome } from "./types.js";

/** Re-exported for callers that deliver by hand (test-notify). */
export { prepareMessage, sendWithTimeout };

/** Attempt is one message handed to one channel (after in-run retries), for logs, history and the report. */
/** `ids` lists every message id the send stood for (merged messages); always set by deliver. */
export type Attempt = { id: string; ids?: string[]; channel: string; checks: string[]; ok: boolean; tries: number; fallbackFrom?: string; outcome: SendOutcome };

/** DeliverOptions bound delivery in time and say how long a message may wait. */
export type DeliverOptions = {
  now: number;
  maxAgeMs: number;
  signal: AbortSignal;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger: Logger;
  /** In-run retries after the first try, for retryable failures (at most 2). */
  retries?: number;
  backoffMs?: readonly number[];
  /** Masks secrets in what a message says (probe summaries, excerpts, hook output). */
  redact?: Redactor;
  /** `redact:` of the whole config, added to each channel's own. */
  redactExcerpts?: readonly ("paths" | "ips")[];
};

const DROPPED_KEPT = 50;
/** Passes of one run: the outbox, then what it produced (fallback copies, limit notices); a fallback chain needs more. */
const MIN_PASSES = 3;

/** enqueue puts new messages in the outbox, due now. Saving the state after this makes them durable before any send. */
export function enqueue(state: State, messages: readonly Message[], now: number): State {
  return { ...state, outbox: [...state.outbox, ...messages.map((message) => ({ message, attempts: 0, nextAttemptAt: now, lastError: undefined }))] };
}

/** nextAttemptDelay is the wait before a later run retries, after `failedRuns` failed runs: 1m, 2m, 4m ... capped at 1h. */
export function nextAttemptDelay(failedRuns: number): number {
  return Math.min(3_600_000, 60_000 * 2 ** Math.max(0, failedRuns - 1));
}

/** failedRunsOf is how many runs failed to deliver an entry; a state file from before the count guesses from the tries (3 a run). */
function failedRunsOf(e: OutboxEntry): number {
  return e.failedRuns ?? Math.ceil(e.attempts / 3);
}

/** rateLimitOf is a channel's `rate_limit`, else its type's default (DingTalk and WeCom 20/min). */
export function rateLimitOf(cfg: ChannelConfig | undefined): RateLimit | undefined {
  if (!cfg) return undefined;
  return cfg.rate_limit ?? (channelTypes as Record<string, ChannelEntry>)[cfg.type]?.rateLimit;
}

/** idsOf lists the ids a message stands for (itself, or every message merged into it). */
export function idsOf(m: Message): string[] {
  return m.mergedIds ?? [m.id];
}

/** A group is what goes out as one message: one outbox entry, or several merged, with the entries it came from. */
type Group = { entry: OutboxEntry; parts: OutboxEntry[] };

/**
 * mergeEntries makes one message per channel and origin from the due entries (held digests, rate-limited and retried
 * messages go out together). The merged message keeps the first id, lists every id, and dates from the oldest.
 */
export function mergeEntries(entries: readonly OutboxEntry[]): Group[] {
  const byKey = new Map<string, OutboxEntry[]>();
  for (const e of entries) {
    // A notice about delivery (daily limit) stays a message of its own: merged, its subject would hide the alerts.
    const key = `${e.message.channel}\0${e.message.fallbackFrom ?? ""}\0${e.message.notice ? "notice" : ""}`;
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  return [...byKey.values()].map((parts) => {
    if (parts.length === 1) return { entry: parts[0]!, parts };
    const first = parts[0]!.message;
    const heldBy = parts.find((p) => p.message.heldBy === "quiet_hours")?.message.heldBy ?? parts.find((p) => p.message.heldBy)?.message.heldBy;
    const notice = parts.find((p) => p.message.notice)?.message.notice;
    const message: Message = {
      ...first,
      createdAt: Math.min(...parts.map((p) => p.message.createdAt)),
      items: parts.flatMap((p) => p.message.items),
      mergedIds: parts.flatMap((p) => idsOf(p.message)),
    };
    if (heldBy) message.heldBy = heldBy;
    else delete message.heldBy;
    if (notice) message.notice = notice;
    const entry: OutboxEntry = { message, attempts: Math.max(...parts.map((p) => p.attempts)), failedRuns: Math.max(...parts.map(failedRunsOf)), nextAttemptAt: Math.min(...parts.map((p) => p.nextAttemptAt)), lastError: parts.find((p) => p.lastError)?.lastError };
    return { entry, parts };
  });
}

/**
 * deliver sends every due outbox message. Per channel, in order: quiet hours hold what they hold (until the window
 * ends, then one digest); the daily cap drops what is past it (one notice to the other channels); due messages are
 * merged into one; the rate limit (kept across runs in State.channels) makes the rest wait. A retryable failure is
 * retried in the run (short backoff), then kept with exponential backoff; a permanent one is dropped and recorded.
 * Either way the channel's `fallback` gets a copy in the same run. Messages past max_age, or for channels no longer
 * configured, are dropped and recorded: nothing disappears silently. Channels run in parallel.
 */
export async function deliver(
  state: State,
  channels: ReadonlyMap<string, Channel>,
  channelConfigs: Readonly<Record<string, ChannelConfig>>,
  opts: DeliverOptions,
): Promise<{ state: State; attempts: Attempt[] }> {
  const keep: OutboxEntry[] = [];
  const dropped: DroppedEntry[] = [];
  const attempts: Attempt[] = [];
  // Prototype-less copies: a channel named `constructor` must count and rate-limit like any other (engine/dict.ts).
  const sent = dict(Object.entries(structuredClone(state.sent)));
  const chState: Record<string, ChannelState> = dict(Object.entries(structuredClone(state.channels)));
  const now = opts.now;
  const drop = (e: OutboxEntry, why: string) => {
    for (const id of idsOf(e.message)) {
      dropped.push({ id, channel: e.message.channel, createdAt: e.message.createdAt, droppedAt: now, why, checks: e.message.items.map((i) => i.check) });
    }
    opts.logger.warn({ event: "dropped", id: e.message.id, ids: idsOf(e.message), channel: e.message.channel, why }, "notification dropped");
  };
  const count = (channel: string, ok: boolean) => {
    const c = (sent[channel] ??= { ok: 0, failed: 0 });
    if (ok) c.ok += 1;
    else c.failed += 1;
  };

  /**
   * clockWentBack says an entry waits longer than anything could have made it wait (its backoff, its rate limit window,
   * a day of quiet hours): the clock was stepped back, and it is due now rather than after the jump. Holds still apply.
   */
  const clockWentBack = (e: OutboxEntry): boolean => {
    const held = e.message.heldBy === "quiet_hours" ? 24 * 3_600_000 : e.message.heldBy === "rate_limit" ? (rateLimitOf(channelConfigs[e.message.channel])?.per ?? 0) : 0;
    return e.nextAttemptAt - now > Math.max(held, nextAttemptDelay(failedRunsOf(e)));
  };
  let due: OutboxEntry[] = [];
  // Entries not due yet, by channel: when their channel sends anyway this run, they go with it (see processChannel).
  const waiting = new Map<string, OutboxEntry[]>();
  for (const e of state.outbox) {
    if (now - e.message.createdAt > opts.maxAgeMs) drop(e, `not delivered within max_age (${e.attempts} attempts; last error: ${e.lastError ?? "none"})`);
    else if (!channels.has(e.message.channel)) drop(e, `channel "${e.message.channel}" is no longer configured`);
    else if (opts.signal.aborted) keep.push(e);
    else if (e.nextAttemptAt > now && !clockWentBack(e)) waiting.set(e.message.channel, [...(waiting.get(e.message.channel) ?? []), e]);
    else due.push(e);
  }

  const sendGroup = async (g: Group, cs: ChannelState | undefined, limit: RateLimit | undefined): Promise<Attempt> => {
    const m = g.entry.message;
    const cfg = channelConfigs[m.channel];
    const channel = channels.get(m.channel)!;
    const timeout = cfg?.timeout ?? 10_000;
    const backoff = opts.backoffMs ?? [500, 1500];
    const retries = Math.min(2, opts.retries ?? 2);
    const prepared = prepareMessage(m, opts.redact, [...(opts.redactExcerpts ?? []), ...(cfg?.redact ?? [])]);
    let outcome: SendOutcome = { ok: false, retryable: true, reason: "timeout", error: "run deadline reached before sending" };
    let tries = 0;
    while (tries <= retries && !opts.signal.aborted) {
      if (tries > 0) {
        // A retry spends a slot of the rate limit too; past it, the outbox keeps the message for a later run.
        if (cs && limit && !rateCheck(cs.sentAt, now, limit).allowed) break;
        await opts.sleep(backoff[tries - 1] ?? 1500, opts.signal);
      }
      tries += 1;
      if (cs && limit) cs.sentAt = [...rateCheck(cs.sentAt, now, limit).recent, now];
      outcome = await sendWithTimeout(channel, prepared, timeout, opts.signal);
      // A channel that let its whole timeout pass is not retried in this run (the outbox retries it next run): two more
      // waits of `timeout` would hold the run, and every other message, for three times as long.
      if (outcome.ok || !outcome.retryable || outcome.reason === "timeout") break;
    }
    count(m.channel, outcome.ok);
    const attempt: Attempt = { id: m.id, ids: idsOf(m), channel: m.channel, checks: m.items.map((i) => i.check), ok: outcome.ok, tries, outcome };
    if (m.fallbackFrom) attempt.fallbackFrom = m.fallbackFrom;
    return attempt;
  };

  /**
   * fallbackCopies sends what a channel could not deliver, on its first try, to its fallback channels. A copy that its
   * channel cannot deliver goes on to that channel's fallback, never back to a channel it came through. An
   * Alertmanager keep-alive refresh is not copied: it restates incidents the fallback was already given, and a new one
   * is made every run, so copying it would send the fallback the same alert every run while Alertmanager is down.
   */
  const fallbackCopies = (g: Group): OutboxEntry[] => {
    const fresh = g.parts.filter((p) => p.attempts === 0 && !p.message.id.startsWith(REFRESH_PREFIX));
    if (!fresh.length) return [];
    const src = fresh.length === 1 ? fresh[0]!.message : mergeEntries(fresh)[0]!.entry.message;
    const severity = messageSeverity(src);
    const path = [...new Set([...fresh.flatMap((p) => p.message.fallbackPath ?? (p.message.fallbackFrom ? [p.message.fallbackFrom] : [])), src.channel])];
    const out: OutboxEntry[] = [];
    for (const fb of channelConfigs[src.channel]?.fallback ?? []) {
      if (!channels.has(fb) || path.includes(fb)) continue;
      if (severity === "warning" && channelConfigs[fb]?.min_severity === "critical") continue;
      const message: Message = { ...src, id: `${src.id}~${fb}`, channel: fb, fallbackFrom: src.channel, fallbackPath: path };
      delete message.heldBy;
      if (src.mergedIds) message.mergedIds = src.mergedIds.map((id) => `${id}~${fb}`);
      out.push({ message, attempts: 0, nextAttemptAt: now, lastError: undefined });
    }
    return out;
  };

  const processChannel = async (name: string, entries: OutboxEntry[], extra: OutboxEntry[]) => {
    const cfg = own(channelConfigs, name);
    const limit = rateLimitOf(cfg);
    const dailyLimit = typeof cfg?.daily_limit === "number" ? cfg.daily_limit : undefined;
    const cs = limit || dailyLimit !== undefined ? (chState[name] ??= emptyChannelState()) : undefined;
    let sendable: OutboxEntry[] = [];
    const sortOut = (list: OutboxEntry[]) => {
      for (const e of list) {
        const h = holdsForQuiet(e.message, now, cfg?.quiet_hours);
        if (h.hold) keep.push({ ...e, message: { ...e.message, heldBy: "quiet_hours" }, nextAttemptAt: h.until });
        else sendable.push(e);
      }
    };
    sortOut(entries);
    // A channel that sends this run takes along what waits for it (retry backoff, rate limit): sent later on its own,
    // an older message would arrive after a newer one ("tts is down" after "tts recovered"). Holds still apply to it.
    const later = waiting.get(name);
    waiting.delete(name);
    if (later && sendable.length) {
      sortOut(later);
      sendable = sendable.sort((a, b) => a.message.createdAt - b.message.createdAt);
    } else if (later) keep.push(...later);
    for (const g of mergeEntries(sendable)) {
      if (opts.signal.aborted) {
        keep.push(...g.parts);
        continue;
      }
      if (cs && dailyLimit !== undefined) {
        const d = dailyCheck(cs, now, dailyLimit, cfg?.quiet_hours?.timezone);
        if (!d.allowed) {
          drop(g.entry, `daily_limit of ${dailyLimit} reached for ${d.day}: not sent through "${name}"`);
          extra.push(...fallbackCopies(g));
          if (cs.limitNoticeDay !== d.day) {
            cs.limitNoticeDay = d.day;
            extra.push(...limitNotices(name, dailyLimit, d.day, g.entry.message.host));
          }
          continue;
        }
      }
      if (cs && limit) {
        const r = rateCheck(cs.sentAt, now, limit);
        if (!r.allowed) {
          opts.logger.info({ event: "rate_limited", channel: name, ids: idsOf(g.entry.message), until: r.retryAt }, "rate limit: message waits");
          for (const p of g.parts) keep.push({ ...p, message: { ...p.message, heldBy: p.message.heldBy ?? "rate_limit" }, nextAttemptAt: r.retryAt });
          continue;
        }
      }
      const a = await sendGroup(g, cs, limit);
      attempts.push(a);
      const o = a.outcome;
      const e = g.entry;
      if (o.ok) {
        if (cs && dailyLimit !== undefined) {
          const d = dailyCheck(cs, now, dailyLimit, cfg?.quiet_hours?.timezone);
          cs.day = d.day;
          cs.dayCount = d.count + 1;
        }
        opts.logger.info({ event: "sent", id: a.id, ids: a.ids, channel: a.channel, tries: a.tries, checks: a.checks, fallbackFrom: a.fallbackFrom }, "notification sent");
        continue;
      }
      opts.logger.warn({ event: "send_failed", id: a.id, ids: a.ids, channel: a.channel, tries: a.tries, reason: o.reason, retryable: o.retryable, error: o.error, hint: o.hint }, "notification failed");
      // Keep the messages themselves, not the merged copy: a later merge then lists them in the order they were made
      // (a kept merge dated from its oldest part would jump ahead of messages made before its newer parts).
      // The backoff counts failed runs, not tries: the in-run retries of one run are one step of it (1m, 2m, 4m ...).
      const failedRuns = failedRunsOf(e) + 1;
      if (o.retryable) for (const p of g.parts) keep.push({ ...p, attempts: e.attempts + a.tries, failedRuns, nextAttemptAt: now + nextAttemptDelay(failedRuns), lastError: o.error });
      else drop({ ...e, attempts: e.attempts + a.tries }, `permanent failure: ${o.error}${o.hint ? ` (${o.hint})` : ""}`);
      extra.push(...fallbackCopies(g));
    }
  };

  /** limitNotices tells every other channel (not of the capped channel's type) that the cap was reached. */
  const limitNotices = (name: string, limit: number, day: string, host: string): OutboxEntry[] => {
    const type = channelConfigs[name]?.type;
    return [...channels.keys()]
      .filter((c) => c !== name && channelConfigs[c]?.type !== type)
      .map((c) => ({ message: { id: `${name}-daily-limit-${day}~${c}`, channel: c, host, createdAt: now, items: [], notice: { type: "daily_limit" as const, channel: name, limit, day } }, attempts: 0, nextAttemptAt: now, lastError: undefined }));
  };

  // Pass 1 sends the outbox; later passes send what it produced (fallback copies, limit notices) in the same run.
  const passes = Math.max(MIN_PASSES, channels.size + 1);
  for (let pass = 0; pass < passes && due.length; pass++) {
    const byChannel = new Map<string, OutboxEntry[]>();
    for (const e of due) byChannel.set(e.message.channel, [...(byChannel.get(e.message.channel) ?? []), e]);
    const extra: OutboxEntry[] = [];
    await Promise.all([...byChannel].map(([name, entries]) => processChannel(name, entries, extra)));
    due = extra.filter((e) => channels.has(e.message.channel));
  }
  keep.push(...due);
  for (const list of waiting.values()) keep.push(...list);

  keep.sort((a, b) => a.message.createdAt - b.message.createdAt);
  return {
    state: {
      ...state,
      outbox: keep,
      sent,
      channels: chState,
      dropped: [...state.dropped, ...dropped].slice(-DROPPED_KEPT),
      droppedTotal: state.droppedTotal + dropped.length,
    },
    attempts,
  };
}
