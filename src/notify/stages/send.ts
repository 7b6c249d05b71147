import type { Logger } from "pino";
import { withLost } from "../refused.js";
import { send as sendMessage } from "../send.js";
import type { Attempt } from "../types.js";
import type { Stage } from "./types.js";

/**
 * send hands the message to its channel (send.ts: in-run retries within the slots the rate limit left), the one
 * stage that does I/O. The first message a channel carries names what it refused before (refused.ts).
 */
export const send: Stage = async (b) => {
  const t = b.turn;
  if (!t?.open) return b;
  const io = b.io;
  const m = withLost(t.group.entry.message, io.carried.has(b.channel) ? undefined : io.refused);
  const a = await sendMessage(io.channel, m, b.policy, Math.min(io.tries, t.slots), io.send);
  if (a.ok && m.lostBefore) io.carried.add(b.channel);
  logAttempt(a, io.logger);
  return { ...b, turn: { ...t, open: false, attempt: a }, attempts: [...b.attempts, a] };
};

function logAttempt(a: Attempt, logger: Logger): void {
  const o = a.outcome;
  const at = { id: a.id, ids: a.ids, channel: a.channel, tries: a.tries };
  if (o.ok) logger.info({ event: "sent", ...at, checks: a.checks, fallbackFrom: a.fallbackFrom }, "notification sent");
  else {
    const why = { reason: o.reason, retryable: o.retryable, error: o.error, hint: o.hint };
    logger.warn({ event: "send_failed", ...at, ...why }, "notification failed");
  }
}
