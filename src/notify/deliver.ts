import type { Logger } from "pino";
import type { ChannelConfig } from "./registry.js";
import { dict, own } from "../engine/dict.js";
import type { ChannelState, DroppedEntry, Message, OutboxEntry, Refused, State } from "../engine/types.js";
import { PIPELINE, runStages } from "./pipeline.js";
import { emptyChannelState, type RateLimit } from "./policy.js";
import type { Redactor } from "./redact.js";
import { keepRefused } from "./refused.js";
import { defaultRateLimit, isTerse } from "./registry.js";
import { prepareMessage, sendWithTimeout } from "./send.js";
import { idsOf } from "./stages/merge.js";
import { keepsMemory, type Batch, type ChannelPolicy, type Drop, type Io } from "./stages/types.js";
import type { Policies, SendOptions } from "./stages/types.js";
import { triage } from "./triage.js";
import type { Attempt, Channel } from "./types.js";

// Delivery is a pipeline, as Alertmanager's notify pipeline is: triage the outbox once (triage.ts), then each
// channel's due entries go through the ordered stages of pipeline.ts (pure, but for the send stage). What a failure
// or a cap produces (fallback copies, limit notices) is delivered by the next pass of the same run. This file runs
// the passes and writes what they did into the state.

/** Re-exported for callers that deliver by hand (test-notify) and for the run's report. */
export { prepareMessage, sendWithTimeout };
export type { Attempt };
export { idsOf };
export { nextAttemptDelay } from "./stages/due.js";

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
/** Passes of one run: the outbox, then what it produced (fallback copies, limit notices); fallback chains need more. */
const MIN_PASSES = 3;

/** enqueue puts new messages in the outbox, due now. Saving the state after this makes them durable before any send. */
export function enqueue(state: State, messages: readonly Message[], now: number): State {
  const added = messages.map((message) => ({ message, attempts: 0, nextAttemptAt: now, lastError: undefined }));
  return { ...state, outbox: [...state.outbox, ...added] };
}

/** rateLimitOf is a channel's `rate_limit`, else its type's default (DingTalk and WeCom 20/min). */
export function rateLimitOf(cfg: ChannelConfig | undefined): RateLimit | undefined {
  return cfg ? (cfg.rate_limit ?? defaultRateLimit(cfg.type)) : undefined;
}

/** policyOf is what delivery reads from a channel's config (undefined: a channel built without one, in tests). */
function policyOf(cfg: ChannelConfig | undefined): ChannelPolicy {
  return {
    type: cfg?.type,
    rateLimit: rateLimitOf(cfg),
    dailyLimit: typeof cfg?.daily_limit === "number" ? cfg.daily_limit : undefined,
    quietHours: cfg?.quiet_hours,
    fallback: cfg?.fallback ?? [],
    minSeverity: cfg?.min_severity,
    timeout: cfg?.timeout ?? 10_000,
    redact: cfg?.redact ?? [],
    terse: cfg ? isTerse(cfg.type) : false,
  };
}

/** Ledger is what delivery did, in order: what stays in the outbox, what was dropped, what was tried. */
type Ledger = { keep: OutboxEntry[]; drops: Drop[]; attempts: Attempt[] };
/** Run is what every pass shares: the channels, their policies and the send step's options. */
type Run = {
  channels: ReadonlyMap<string, Channel>;
  policies: Policies;
  now: number;
  /** Tries a send may take (the first and the in-run retries), less where the rate limit has fewer slots. */
  tries: number;
  send: SendOptions;
  logger: Logger;
  /** What each channel refused before (State.refused); `carried` are the channels that named theirs this run. */
  refused: Readonly<Record<string, Refused>>;
  carried: Set<string>;
};

/**
 * deliver sends every due outbox message. Per channel, in order: quiet hours hold what they hold (until the window
 * ends, then one digest); what waits for the channel goes along; what goes is merged into one message per origin;
 * the daily cap drops what is past it (one notice to the other channels); the rate limit (kept across runs in
 * State.channels) makes the rest wait. A retryable failure is retried in the run (short backoff), then kept with
 * exponential backoff; a permanent one is dropped and recorded. Either way the channel's `fallback` gets a copy in the
 * same run. Messages past max_age, or for channels no longer configured, are dropped and recorded: nothing disappears
 * silently. Channels run in parallel.
 */
export async function deliver(
  state: State,
  channels: ReadonlyMap<string, Channel>,
  channelConfigs: Readonly<Record<string, ChannelConfig>>,
  opts: DeliverOptions,
): Promise<{ state: State; attempts: Attempt[] }> {
  const run = runOf(channels, channelConfigs, opts, state.refused);
  // A prototype-less copy: a channel named `constructor` must count and rate-limit like any other (engine/dict.ts).
  const memory: Record<string, ChannelState> = dict(Object.entries(state.channels));
  const t = triage(state.outbox, run.policies, opts.now, opts.maxAgeMs, opts.signal.aborted);
  const ledger: Ledger = { keep: t.keep, drops: t.drops, attempts: [] };
  // Pass 1 sends the outbox; later passes send what it produced (fallback copies, limit notices) in the same run.
  let due = t.due;
  for (let pass = 0; pass < Math.max(MIN_PASSES, channels.size + 1) && due.length; pass++) {
    due = await deliverPass(due, t.waiting, memory, ledger, run);
  }
  // What is left for a later run: the products of a last pass, and what waited for a channel that sent nothing.
  ledger.keep.push(...due, ...[...t.waiting.values()].flat());
  for (const d of ledger.drops) logDrop(d, opts.logger);
  const kept = ledger.drops.filter((d) => !run.policies.get(d.entry.message.channel)?.terse);
  return { state: close(state, ledger, memory, opts.now, kept, run.carried), attempts: ledger.attempts };
}

/** runOf is what every pass shares, read once from the configs and the options. */
function runOf(
  channels: ReadonlyMap<string, Channel>,
  configs: Readonly<Record<string, ChannelConfig>>,
  opts: DeliverOptions,
  refused: Readonly<Record<string, Refused>> | undefined,
): Run {
  return {
    channels,
    policies: new Map([...channels.keys()].map((name) => [name, policyOf(own(configs, name))])),
    now: opts.now,
    tries: Math.min(2, opts.retries ?? 2) + 1,
    send: {
      signal: opts.signal,
      sleep: opts.sleep,
      backoffMs: opts.backoffMs ?? [500, 1500],
      redact: opts.redact,
      redactExcerpts: opts.redactExcerpts ?? [],
    },
    logger: opts.logger,
    refused: refused ?? {},
    carried: new Set(),
  };
}

/**
 * deliverPass gives each channel its due entries (and, the first time, what waits for it), all channels at once;
 * it adds their results to the ledger and memory in channel order, and returns what goes on to the next pass.
 */
async function deliverPass(
  due: readonly OutboxEntry[],
  waiting: Map<string, OutboxEntry[]>,
  memory: Record<string, ChannelState>,
  ledger: Ledger,
  run: Run,
): Promise<OutboxEntry[]> {
  const byChannel = new Map<string, OutboxEntry[]>();
  for (const e of due) byChannel.set(e.message.channel, [...(byChannel.get(e.message.channel) ?? []), e]);
  const names = [...byChannel.keys()];
  const runs = await Promise.all(
    names.map((name) => {
      const later = waiting.get(name);
      waiting.delete(name);
      return deliverTo(name, byChannel.get(name)!, later, own(memory, name), run);
    }),
  );
  const next: OutboxEntry[] = [];
  names.forEach((name, i) => {
    const r = runs[i]!;
    if (r.cs) memory[name] = r.cs;
    ledger.keep.push(...r.keep);
    ledger.drops.push(...r.drops);
    ledger.attempts.push(...r.attempts);
    next.push(...r.next.filter((e) => run.channels.has(e.message.channel)));
  });
  return next;
}

/** deliverTo is one channel's turn in a pass: its due entries (and what waits for it) through the pipeline. */
function deliverTo(
  name: string,
  due: OutboxEntry[],
  waiting: OutboxEntry[] | undefined,
  cs0: ChannelState | undefined,
  run: Run,
): Promise<Batch> {
  const policy = run.policies.get(name)!;
  const io: Io = {
    channel: run.channels.get(name)!,
    send: run.send,
    tries: run.tries,
    logger: run.logger,
    refused: own(run.refused, name),
    carried: run.carried,
  };
  return runStages(PIPELINE, {
    channel: name,
    policy,
    policies: run.policies,
    now: run.now,
    io,
    go: due,
    waiting: waiting ?? [],
    groups: [],
    turn: undefined,
    cs: keepsMemory(policy) ? (cs0 ?? emptyChannelState()) : undefined,
    keep: [],
    drops: [],
    next: [],
    attempts: [],
  });
}

/** close is the state after delivery: the outbox oldest first, the drops recorded, the send counters. */
function close(
  state: State,
  ledger: Ledger,
  channels: Record<string, ChannelState>,
  now: number,
  refusedNow: readonly Drop[],
  carried: ReadonlySet<string>,
): State {
  const sent = dict(Object.entries(structuredClone(state.sent)));
  for (const a of ledger.attempts) {
    const c = (sent[a.channel] ??= { ok: 0, failed: 0 });
    if (a.ok) c.ok += 1;
    else c.failed += 1;
  }
  const dropped = ledger.drops.flatMap((d) => droppedEntries(d, now));
  const refused = keepRefused(state.refused, refusedNow, carried);
  const { refused: _was, ...rest } = state;
  return {
    ...rest,
    ...(refused ? { refused } : {}),
    outbox: [...ledger.keep].sort((a, b) => a.message.createdAt - b.message.createdAt),
    sent,
    channels,
    dropped: [...state.dropped, ...dropped].slice(-DROPPED_KEPT),
    droppedTotal: state.droppedTotal + dropped.length,
  };
}

/** droppedEntries records a drop once for every message it stood for. */
function droppedEntries({ entry: e, why }: Drop, now: number): DroppedEntry[] {
  const checks = e.message.items.map((i) => i.check);
  const m = e.message;
  return idsOf(m).map((id) => ({ id, channel: m.channel, createdAt: m.createdAt, droppedAt: now, why, checks }));
}

function logDrop({ entry: e, why }: Drop, logger: Logger): void {
  const m = e.message;
  logger.warn({ event: "dropped", id: m.id, ids: idsOf(m), channel: m.channel, why }, "notification dropped");
}
