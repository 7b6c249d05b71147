import type { OutboxEntry } from "../../engine/types.js";
import { holdsForQuiet } from "../policy.js";
import type { ChannelPolicy, Stage } from "./types.js";

/**
 * quietHours holds what its channel's quiet hours hold: a held entry is marked `heldBy: quiet_hours` and due when the
 * window ends, when everything held goes out as one digest (merge). Severities in `except` (default critical) go
 * through.
 */
export const quietHours: Stage = (b) => {
  const q = splitQuiet(b.go, b.policy, b.now);
  return { ...b, go: q.go, keep: [...b.keep, ...q.held] };
};

/** splitQuiet sorts entries into those that go now and those the quiet hours hold (take-along asks it too). */
export function splitQuiet(
  entries: readonly OutboxEntry[],
  policy: ChannelPolicy,
  now: number,
): { go: OutboxEntry[]; held: OutboxEntry[] } {
  const go: OutboxEntry[] = [];
  const held: OutboxEntry[] = [];
  for (const e of entries) {
    const h = holdsForQuiet(e.message, now, policy.quietHours);
    if (!h.hold) go.push(e);
    else
      held.push({ ...e, message: { ...e.message, heldBy: "quiet_hours" }, nextAttemptAt: h.until, heldUntil: h.until });
  }
  return { go, held };
}
