import type { Message, OutboxEntry } from "../../engine/types.js";
import { messageSeverity } from "../policy.js";
import { mergeEntries } from "./merge.js";
import type { Group, Policies, Stage } from "./types.js";

/** fallback routes what the channel could not deliver (a failed send, a daily-cap drop) to its fallback channels. */
export const fallback: Stage = (b) => {
  const t = b.turn;
  if (!t?.failed) return b;
  return { ...b, next: [...b.next, ...fallbackCopies(t.group, b.policies, b.now, t.failed.why)] };
};

/**
 * fallbackCopies are a group's copies for its channel's `fallback` channels, sent in the same run. Which parts of
 * the group are copied:
 *   first try (attempts 0)             copied; a later retry of it is not (the fallback has it already)
 *   a restatement (message noFallback) not copied: it repeats what the fallback was told, and would every run
 * Where a copy goes: each fallback channel that exists, is not on the copy's path (a chain never goes back to a
 * channel that failed it), and takes its severity (`min_severity: critical` gets no warning). A copy is a new
 * message `<id>~<channel>` marked with where it came from and, given WHY, what that channel answered (the copy then
 * tells the fallback of the failure itself: no separate notice), and goes on to that channel's fallback in turn.
 */
export function fallbackCopies(g: Group, policies: Policies, now: number, why?: string): OutboxEntry[] {
  const fresh = g.parts.filter((p) => p.attempts === 0 && !p.message.noFallback);
  if (!fresh.length) return [];
  const src = fresh.length === 1 ? fresh[0]!.message : mergeEntries(fresh)[0]!.entry.message;
  const severity = messageSeverity(src);
  const came = fresh.flatMap((p) => p.message.fallbackPath ?? (p.message.fallbackFrom ? [p.message.fallbackFrom] : []));
  const path = [...new Set([...came, src.channel])];
  const out: OutboxEntry[] = [];
  for (const fb of policies.get(src.channel)?.fallback ?? []) {
    if (!policies.has(fb) || path.includes(fb)) continue;
    if (severity === "warning" && policies.get(fb)?.minSeverity === "critical") continue;
    const id = `${src.id}~${fb}`;
    const message: Message = { ...src, id, channel: fb, fallbackFrom: src.channel, fallbackPath: path };
    delete message.heldBy;
    if (why !== undefined) message.fallbackWhy = why;
    else delete message.fallbackWhy;
    if (src.mergedIds) message.mergedIds = src.mergedIds.map((id) => `${id}~${fb}`);
    out.push({ message, attempts: 0, nextAttemptAt: now, lastError: undefined });
  }
  return out;
}
