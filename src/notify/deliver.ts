import type { Logger } from "pino";
import type { ChannelConfig } from "../config/schema.js";
import type { DroppedEntry, Message, OutboxEntry, State } from "../engine/types.js";
import type { Channel, SendOutcome } from "./types.js";

/** Attempt is one message handed to one channel (after in-run retries), for logs, history and the report. */
export type Attempt = { id: string; channel: string; checks: string[]; ok: boolean; tries: number; fallbackFrom?: string; outcome: SendOutcome };

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
};

const DROPPED_KEPT = 50;

/** enqueue puts new messages in the outbox, due now. Saving the state after this makes them durable before any send. */
export function enqueue(state: State, messages: readonly Message[], now: number): State {
  return { ...state, outbox: [...state.outbox, ...messages.map((message) => ({ message, attempts: 0, nextAttemptAt: now, lastError: undefined }))] };
}

/** nextAttemptDelay is the wait before a later run retries: 1m, 2m, 4m ... capped at 1h. */
export function nextAttemptDelay(attempts: number): number {
  return Math.min(3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * deliver sends every due outbox message. Each channel's messages go in order, channels in parallel.
 * A retryable failure is retried in the run (short backoff), then kept for a later run with exponential backoff;
 * a permanent failure is not retried. Either way a channel's `fallback` gets a copy in the same run.
 * Messages past max_age, or for channels no longer configured, are dropped and recorded: nothing disappears silently.
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
  const sent = structuredClone(state.sent);
  const drop = (e: OutboxEntry, why: string) => {
    dropped.push({ id: e.message.id, channel: e.message.channel, createdAt: e.message.createdAt, droppedAt: opts.now, why, checks: e.message.items.map((i) => i.check) });
    opts.logger.warn({ event: "dropped", id: e.message.id, channel: e.message.channel, why }, "notification dropped");
  };
  const byChannel = new Map<string, OutboxEntry[]>();
  for (const e of state.outbox) {
    if (opts.now - e.message.createdAt > opts.maxAgeMs) drop(e, `not delivered within max_age (${e.attempts} attempts; last error: ${e.lastError ?? "none"})`);
    else if (!channels.has(e.message.channel)) drop(e, `channel "${e.message.channel}" is no longer configured`);
    else if (e.nextAttemptAt > opts.now || opts.signal.aborted) keep.push(e);
    else byChannel.set(e.message.channel, [...(byChannel.get(e.message.channel) ?? []), e]);
  }

  const fallbacks: OutboxEntry[] = [];
  const count = (channel: string, ok: boolean) => {
    const c = (sent[channel] ??= { ok: 0, failed: 0 });
    if (ok) c.ok += 1;
    else c.failed += 1;
  };
  const sendOne = async (e: OutboxEntry): Promise<Attempt> => {
    const channel = channels.get(e.message.channel)!;
    const timeout = channelConfigs[e.message.channel]?.timeout ?? 10_000;
    const backoff = opts.backoffMs ?? [500, 1500];
    const retries = Math.min(2, opts.retries ?? 2);
    let outcome: SendOutcome = { ok: false, retryable: true, reason: "timeout", error: "run deadline reached before sending" };
    let tries = 0;
    for (; tries <= retries && !opts.signal.aborted; ) {
      if (tries > 0) await opts.sleep(backoff[tries - 1] ?? 1500, opts.signal);
      tries += 1;
      outcome = await sendWithTimeout(channel, e.message, timeout, opts.signal);
      if (outcome.ok || !outcome.retryable) break;
    }
    count(e.message.channel, outcome.ok);
    const attempt: Attempt = { id: e.message.id, channel: e.message.channel, checks: e.message.items.map((i) => i.check), ok: outcome.ok, tries, outcome };
    if (e.message.fallbackFrom) attempt.fallbackFrom = e.message.fallbackFrom;
    return attempt;
  };

  const settle = (e: OutboxEntry, a: Attempt) => {
    attempts.push(a);
    if (a.outcome.ok) {
      opts.logger.info({ event: "sent", id: a.id, channel: a.channel, tries: a.tries, checks: a.checks }, "notification sent");
      return;
    }
    const o = a.outcome;
    opts.logger.warn({ event: "send_failed", id: a.id, channel: a.channel, tries: a.tries, reason: o.reason, retryable: o.retryable, error: o.error, hint: o.hint }, "notification failed");
    if (o.retryable) keep.push({ ...e, attempts: e.attempts + a.tries, nextAttemptAt: opts.now + nextAttemptDelay(e.attempts + 1), lastError: o.error });
    else drop({ ...e, attempts: e.attempts + a.tries }, `permanent failure: ${o.error}${o.hint ? ` (${o.hint})` : ""}`);
    // The first failed try of a message (not a fallback copy) sends it to the fallback channels now.
    if (e.attempts === 0 && !e.message.fallbackFrom) {
      for (const fb of channelConfigs[e.message.channel]?.fallback ?? []) {
        if (!channels.has(fb)) continue;
        fallbacks.push({ message: { ...e.message, id: `${e.message.id}~${fb}`, channel: fb, fallbackFrom: e.message.channel }, attempts: 0, nextAttemptAt: opts.now, lastError: undefined });
      }
    }
  };

  await Promise.all(
    [...byChannel.values()].map(async (entries) => {
      for (const e of entries) settle(e, await sendOne(e));
    }),
  );
  // Fallback copies go out in the same run; if they fail too, the outbox keeps them.
  const fbByChannel = new Map<string, OutboxEntry[]>();
  for (const f of fallbacks) fbByChannel.set(f.message.channel, [...(fbByChannel.get(f.message.channel) ?? []), f]);
  await Promise.all(
    [...fbByChannel.values()].map(async (entries) => {
      for (const e of entries) {
        if (opts.signal.aborted) keep.push(e);
        else settle(e, await sendOne(e));
      }
    }),
  );

  keep.sort((a, b) => a.message.createdAt - b.message.createdAt);
  return {
    state: {
      ...state,
      outbox: keep,
      sent,
      dropped: [...state.dropped, ...dropped].slice(-DROPPED_KEPT),
      droppedTotal: state.droppedTotal + dropped.length,
    },
    attempts,
  };
}

/** sendWithTimeout gives a channel its own deadline inside the run's and turns a throw (a bug) into a failure. */
async function sendWithTimeout(channel: Channel, message: Message, timeoutMs: number, runSignal: AbortSignal): Promise<SendOutcome> {
  const signal = AbortSignal.any([runSignal, AbortSignal.timeout(timeoutMs)]);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SendOutcome>((resolve) => {
    const onAbort = () => resolve({ ok: false, retryable: true, reason: "timeout", error: `no answer within ${timeoutMs}ms` });
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", () => {
      // Give the channel a moment to report its own error first.
      timer = setTimeout(onAbort, 200);
    }, { once: true });
  });
  try {
    return await Promise.race([channel.send(message, signal), deadline]);
  } catch (err) {
    return { ok: false, retryable: true, reason: "network", error: `channel error: ${(err as Error).message}` };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
