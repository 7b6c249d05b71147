import type { Message, OutboxEntry } from "../../engine/types.js";
import { failedRunsOf } from "./due.js";
import type { Group, Stage } from "./types.js";

/** idsOf lists the ids a message stands for (itself, or every message merged into it). */
export function idsOf(m: Message): string[] {
  return m.mergedIds ?? [m.id];
}

/** merge turns what goes into messages, in order: held digests, rate-limited and retried messages go out together. */
export const merge: Stage = (b) => ({ ...b, go: [], groups: [...b.groups, ...mergeEntries(b.go)] });

/**
 * mergeEntries makes one message per channel and origin from what goes now. Entries merge when they share:
 *   the channel, the channel a fallback copy came from, and being a notice or not
 * A notice about delivery (daily limit) stays a message of its own: merged, its subject would hide the alerts.
 * The merged message keeps the first id, lists every id, and dates from the oldest; a quiet-hours hold wins over a
 * rate-limit one (the digest says so).
 */
export function mergeEntries(entries: readonly OutboxEntry[]): Group[] {
  const byKey = new Map<string, OutboxEntry[]>();
  for (const e of entries) {
    const key = `${e.message.channel}\0${e.message.fallbackFrom ?? ""}\0${e.message.notice ? "notice" : ""}`;
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  return [...byKey.values()].map((parts) => ({ entry: parts.length === 1 ? parts[0]! : mergeParts(parts), parts }));
}

function mergeParts(parts: readonly OutboxEntry[]): OutboxEntry {
  const first = parts[0]!.message;
  const held = parts.map((p) => p.message.heldBy);
  const heldBy = held.includes("quiet_hours") ? "quiet_hours" : held.find((h) => h !== undefined);
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
  // Only a message made entirely of restatements may skip the fallback (see fallback.ts).
  if (!parts.every((p) => p.message.noFallback)) delete message.noFallback;
  return {
    message,
    attempts: Math.max(...parts.map((p) => p.attempts)),
    failedRuns: Math.max(...parts.map(failedRunsOf)),
    nextAttemptAt: Math.min(...parts.map((p) => p.nextAttemptAt)),
    lastError: parts.find((p) => p.lastError)?.lastError,
  };
}
