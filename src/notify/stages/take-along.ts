import type { OutboxEntry } from "../../engine/types.js";
import { quietHours } from "./quiet-hours.js";
import type { ChannelPolicy } from "./types.js";

/**
 * takeAlong: a channel that sends this run takes along what waits for it (retry backoff, rate limit), oldest first.
 * Sent later on its own, an older message would arrive after a newer one ("tts is down" after "tts recovered").
 *   something goes now  the waiting entries join it (quiet hours still hold what they hold)
 *   nothing goes now    the waiting entries stay as they are
 */
export function takeAlong(
  go: readonly OutboxEntry[],
  waiting: readonly OutboxEntry[] | undefined,
  policy: ChannelPolicy,
  now: number,
): { go: OutboxEntry[]; held: OutboxEntry[] } {
  if (!waiting?.length) return { go: [...go], held: [] };
  if (!go.length) return { go: [], held: [...waiting] };
  const q = quietHours(waiting, policy, now);
  return { go: [...go, ...q.go].sort((a, b) => a.message.createdAt - b.message.createdAt), held: q.held };
}
