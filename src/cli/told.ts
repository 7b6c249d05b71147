import { formatDuration } from "../duration.js";
import type { Incident, NotifyItem, State } from "../engine/types.js";

/** Untold is a channel an incident's ladder addressed that has not accepted a message about it, and why. */
export type Untold = {
  channel: string;
  state: "queued" | "held" | "failing" | "refused";
  reason: string;
  attempts: number;
  nextAttemptAt: number | undefined;
};

/**
 * untold lists the channels told of check NAME's incident that no vendor accepted yet: still in the outbox (queued,
 * held by quiet hours or the rate limit, failing with its last error), or refused for good (dropped, with why).
 */
export function untold(name: string, inc: Incident, state: State): Untold[] {
  if (!inc.delivered) return [];
  const told = new Set(inc.delivered);
  const about = (items: readonly NotifyItem[]) => items.some((i) => i.check === name && i.since === inc.startedAt);
  return inc.notified
    .filter((c) => !told.has(c))
    .map((channel): Untold => {
      const e = state.outbox.find((x) => x.message.channel === channel && about(x.message.items));
      if (e) {
        const held = e.message.heldBy?.replace("_", " ");
        const [st, reason] = e.lastError
          ? (["failing", e.lastError] as const)
          : held
            ? (["held", `held by ${held}`] as const)
            : (["queued", "waiting to be sent"] as const);
        return { channel, state: st, reason, attempts: e.attempts, nextAttemptAt: e.nextAttemptAt };
      }
      const fits = (x: State["dropped"][number]) =>
        x.channel === channel && x.checks.includes(name) && x.droppedAt >= inc.startedAt;
      const d = [...state.dropped].reverse().find(fits);
      const reason = d?.why ?? "no message about it was accepted";
      return { channel, state: "refused", reason, attempts: 0, nextAttemptAt: undefined };
    });
}

/**
 * toldOf is who accepted a message about the incident, and when last. An incident opened by an older build has no
 * such record: its addressed channels and last notice stand in, as that build showed them.
 */
export function toldOf(inc: Incident | undefined): { channels: string[]; at: number | undefined } {
  if (!inc) return { channels: [], at: undefined };
  return inc.delivered
    ? { channels: inc.delivered, at: inc.lastSentAt }
    : { channels: inc.notified, at: inc.lastNotifiedAt };
}

/** untoldLine says in one line, for `status`, who has not heard of the incident yet and why. */
export function untoldLine(list: readonly Untold[], now: number): string | undefined {
  if (!list.length) return undefined;
  const one = (u: Untold) => {
    if (u.state === "refused") return `not told: ${u.channel} refused: ${u.reason}`;
    const tries = u.attempts ? `, ${u.attempts} attempt${u.attempts === 1 ? "" : "s"}` : "";
    const t = u.nextAttemptAt;
    const next = t === undefined || t <= now ? "next now" : `next in ${formatDuration(t - now)}`;
    return `not yet told: ${u.channel} (${u.state}${tries}, ${next}): ${u.reason}`;
  };
  return list.map(one).join("; ");
}
