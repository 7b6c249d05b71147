import type { OutboxEntry } from "../../engine/types.js";

/**
 * expired says why an entry can no longer be delivered, or undefined while it can. Checked first, for every entry:
 *   older than max_age                   dropped (with its tries and last error, so the drop explains itself)
 *   its channel is no longer configured  dropped
 * A dropped message is recorded and logged: nothing disappears silently.
 */
export function expired(e: OutboxEntry, now: number, maxAgeMs: number, configured: boolean): string | undefined {
  if (now - e.message.createdAt > maxAgeMs) {
    return `not delivered within max_age (${e.attempts} attempts; last error: ${e.lastError ?? "none"})`;
  }
  if (!configured) return `channel "${e.message.channel}" is no longer configured`;
  return undefined;
}
