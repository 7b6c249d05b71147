import type { OutboxEntry } from "../engine/types.js";
import { isDue, reschedule } from "./stages/due.js";
import { expired } from "./stages/expire.js";
import type { Drop, Policies } from "./stages/types.js";

// The intake of delivery, once a run (as Alertmanager's dispatcher comes before its pipeline): the outbox sorted into
// what the channels' pipelines get now, what waits for them, and what is given up on. Nothing here does I/O.

/** Triage is the outbox sorted out at the start of a run. */
export type Triage = { due: OutboxEntry[]; waiting: Map<string, OutboxEntry[]>; keep: OutboxEntry[]; drops: Drop[] };

/**
 * triage sorts the outbox: expired entries are dropped (max_age, channel gone), due ones go to the channels'
 * pipelines, the rest wait (a channel that sends this run takes them along). Past the run's deadline nothing is due.
 */
export function triage(
  outbox: readonly OutboxEntry[],
  policies: Policies,
  now: number,
  maxAgeMs: number,
  aborted: boolean,
): Triage {
  const t: Triage = { due: [], waiting: new Map(), keep: [], drops: [] };
  for (const held of outbox) {
    const channel = held.message.channel;
    // A wait a hold set follows the channel's current settings (quiet hours or rate limit edited since).
    const e = reschedule(held, policies.get(channel), now);
    const why = expired(e, now, maxAgeMs, policies.has(channel));
    if (why !== undefined) t.drops.push({ entry: e, why });
    else if (aborted) t.keep.push(e);
    else if (isDue(e, policies.get(channel), now)) t.due.push(e);
    else t.waiting.set(channel, [...(t.waiting.get(channel) ?? []), e]);
  }
  return t;
}
