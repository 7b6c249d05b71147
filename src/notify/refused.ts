import type { Message, Refused, RefusedAlert } from "../engine/types.js";
import { dict, own } from "../engine/dict.js";
import type { Drop } from "./stages/types.js";

// What a channel refuses for good (bad credentials) or lets expire is not gone: its alerts are kept, bounded, per
// channel, and the first message that channel carries again names them (README "When a channel keeps failing").

/** REFUSED_KEPT bounds each channel's kept list; older ones are counted, not named. */
export const REFUSED_KEPT = 20;

/** SUMMARY_MAX bounds what is kept of each alert's summary. */
const SUMMARY_MAX = 200;

/** lostBy says whether a drop lost alerts the channel could still carry later (not a notice, not a test). */
function lostBy(d: Drop): boolean {
  const m = d.entry.message;
  if (m.notice || m.noFallback) return false;
  return d.why.startsWith("permanent failure") || d.why.startsWith("not delivered within max_age");
}

/**
 * keepRefused is the channels' kept lists after a delivery: the lists of the channels that carried them (`carried`)
 * are cleared, then the alerts of this delivery's refused messages are added, oldest first, at most REFUSED_KEPT.
 */
export function keepRefused(
  prev: Readonly<Record<string, Refused>> | undefined,
  drops: readonly Drop[],
  carried: ReadonlySet<string>,
): Record<string, Refused> | undefined {
  // Prototype-less: a channel may be named `__proto__` (engine/dict.ts).
  const out: Record<string, Refused> = dict(Object.entries(prev ?? {}).filter(([name]) => !carried.has(name)));
  for (const d of drops.filter(lostBy)) {
    const m = d.entry.message;
    const alerts: RefusedAlert[] = m.items
      .filter((i) => i.reason !== "test")
      .map((i) => ({
        id: m.id,
        at: m.createdAt,
        check: i.check,
        status: i.status,
        reason: i.reason,
        step: i.step,
        summary: i.summary.slice(0, SUMMARY_MAX),
      }));
    if (!alerts.length) continue;
    const was = out[m.channel] ?? { alerts: [], omitted: 0, error: "" };
    const all = [...was.alerts, ...alerts];
    const cut = Math.max(0, all.length - REFUSED_KEPT);
    const error = d.why.replace(/^permanent failure: /, "");
    out[m.channel] = { alerts: all.slice(cut), omitted: was.omitted + cut, error };
  }
  return Object.keys(out).length ? out : undefined;
}

/** withLost is MESSAGE carrying the alerts its channel refused before, when there are any. */
export function withLost(m: Message, lost: Refused | undefined): Message {
  return lost?.alerts.length ? { ...m, lostBefore: lost } : m;
}

/** clearRefused forgets the alerts IDS of CHANNEL's kept list (they were named in a message it carried). */
export function clearRefused(
  refused: Readonly<Record<string, Refused>> | undefined,
  channel: string,
  ids: readonly string[],
): Record<string, Refused> | undefined {
  const was = own(refused, channel);
  if (!was) return refused as Record<string, Refused> | undefined;
  const out: Record<string, Refused> = dict(Object.entries(refused ?? {}));
  const alerts = was.alerts.filter((a) => !ids.includes(a.id));
  if (alerts.length) out[channel] = { ...was, alerts };
  else delete out[channel];
  return Object.keys(out).length ? out : undefined;
}

/** refusedLine is what `status` says of one channel's kept list, naming each alert kept. */
export function refusedLine(channel: string, r: Refused, at: (t: number) => string): string {
  const n = r.alerts.length + r.omitted;
  const named = r.alerts.map((a) => `${a.check} ${at(a.at)}`).join(", ");
  return (
    `${channel} refused ${n} alert${n === 1 ? "" : "s"}, kept until it carries a message again ` +
    `(\`watchdog test-notify ${channel}\` delivers them): ${named}${r.omitted ? ` and ${r.omitted} older` : ""}`
  );
}
