import type { OutboxEntry } from "../engine/types.js";
import type { Delivered } from "../engine/record.js";
import type { Attempt } from "./types.js";

/**
 * deliveredOf lists what the channels accepted in a delivery: each item of each message an ok attempt stood for,
 * found by id in the outbox the delivery started from. A fallback copy (`<id>~<channel>`, in turn) speaks for its
 * original's items; messages that only speak of delivery (notices) have none.
 */
export function deliveredOf(outbox: readonly OutboxEntry[], attempts: readonly Attempt[]): Delivered[] {
  const byId = new Map(outbox.map((e) => [e.message.id, e.message]));
  const out: Delivered[] = [];
  for (const a of attempts) {
    if (!a.ok) continue;
    for (const id of a.ids ?? [a.id]) {
      const m = byId.get(id) ?? byId.get(id.split("~")[0]!);
      for (const i of m?.items ?? []) out.push({ channel: a.channel, check: i.check, since: i.since });
    }
  }
  return out;
}
