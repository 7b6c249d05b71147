import { splitQuiet } from "./quiet-hours.js";
import type { Stage } from "./types.js";

/**
 * takeAlong: a channel that sends this pass takes along what waits for it (retry backoff, rate limit), oldest first.
 * Sent later on its own, an older message would arrive after a newer one ("tts is down" after "tts recovered").
 *   something goes now  the waiting entries join it (quiet hours still hold what they hold)
 *   nothing goes now    the waiting entries stay in the outbox as they are
 */
export const takeAlong: Stage = (b) => {
  if (!b.waiting.length) return b;
  if (!b.go.length) return { ...b, waiting: [], keep: [...b.keep, ...b.waiting] };
  const q = splitQuiet(b.waiting, b.policy, b.now);
  const go = [...b.go, ...q.go].sort((x, y) => x.message.createdAt - y.message.createdAt);
  return { ...b, go, waiting: [], keep: [...b.keep, ...q.held] };
};
