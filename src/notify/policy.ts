import type { ChannelState, Message, Severity } from "../engine/types.js";

// The pure decisions of delivery: quiet hours, rate windows and daily caps. No I/O, no clock: `now` is passed in.

/** QuietHours is a channel's `quiet_hours`: a daily window in a timezone, with a severity that still gets through. */
export type QuietHours = {
  from: string;
  to: string;
  timezone?: string | undefined;
  except?: Severity | "none" | undefined;
};

/** RateLimit is at most `max` sends within any `per` milliseconds. */
export type RateLimit = { max: number; per: number };

/** LocalTime is a moment as a wall clock in some timezone. */
export type LocalTime = { day: string; minuteOfDay: number; msIntoMinute: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** localTime reads epoch ms as a date and minute of day in `timeZone` (the system's when undefined). */
export function localTime(now: number, timeZone: string | undefined): LocalTime {
  const key = timeZone ?? "";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(key, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(now)).map((x) => [x.type, x.value]));
  const ms = ((now % 1000) + 1000) % 1000;
  return {
    day: `${p.year}-${p.month}-${p.day}`,
    minuteOfDay: Number(p.hour) * 60 + Number(p.minute),
    msIntoMinute: Number(p.second) * 1000 + ms,
  };
}

/** parseClock reads "HH:MM" as minutes after midnight; undefined when malformed. */
export function parseClock(s: string): number | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(s.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** isValidTimeZone says whether Intl knows the IANA name. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * quietWindow says whether `now` falls in the quiet window and, if so, when it ends.
 *   from < to   (12:00-14:00)  quiet when from <= t < to
 *   from > to   (23:00-07:00)  quiet when t >= from or t < to (the window crosses midnight)
 *   from == to                 never quiet
 */
export function quietWindow(now: number, qh: QuietHours): { quiet: false } | { quiet: true; endsAt: number } {
  const from = parseClock(qh.from);
  const to = parseClock(qh.to);
  if (from === undefined || to === undefined || from === to) return { quiet: false };
  const t = localTime(now, qh.timezone);
  const m = t.minuteOfDay;
  const quiet = from < to ? m >= from && m < to : m >= from || m < to;
  if (!quiet) return { quiet: false };
  const minutesLeft = (to - m + 1440) % 1440;
  return { quiet: true, endsAt: now + minutesLeft * 60_000 - t.msIntoMinute };
}

/** messageSeverity is the worst severity of a message's items (a notice without items is critical). */
export function messageSeverity(m: Pick<Message, "items">): Severity {
  return m.items.length === 0 || m.items.some((i) => i.severity === "critical") ? "critical" : "warning";
}

/** holdsForQuiet says whether quiet hours hold this message back at `now` (until endsAt), or let it through. */
export function holdsForQuiet(
  m: Pick<Message, "items">,
  now: number,
  qh: QuietHours | undefined,
): { hold: false } | { hold: true; until: number } {
  if (!qh) return { hold: false };
  const w = quietWindow(now, qh);
  if (!w.quiet) return { hold: false };
  const except = qh.except ?? "critical";
  if (except !== "none" && (except === "warning" || messageSeverity(m) === "critical")) return { hold: false };
  return { hold: true, until: w.endsAt };
}

/**
 * rateCheck is a sliding window: sends in the last `per` ms are kept, and one more is allowed while fewer than `max`.
 * When full, retryAt is when the oldest send leaves the window.
 */
export function rateCheck(
  sentAt: readonly number[],
  now: number,
  limit: RateLimit | undefined,
): { allowed: true; recent: number[] } | { allowed: false; recent: number[]; retryAt: number } {
  if (!limit) return { allowed: true, recent: [] };
  const recent = sentAt.filter((t) => t > now - limit.per && t <= now).sort((a, b) => a - b);
  if (recent.length < limit.max) return { allowed: true, recent };
  return { allowed: false, recent, retryAt: (recent[recent.length - limit.max] ?? now) + limit.per };
}

/** dailyCheck counts sends per local day: past `limit` nothing more goes out until the day changes. */
export function dailyCheck(
  cs: Pick<ChannelState, "day" | "dayCount">,
  now: number,
  limit: number | undefined,
  timeZone: string | undefined,
): { allowed: boolean; day: string; count: number } {
  // A clock stepped back over midnight stays on the day counted last (going back a day must not reset the count); a
  // count dated further ahead came from a clock that was wrong, and is not kept.
  const today = localTime(now, timeZone).day;
  const day =
    cs.day !== undefined && cs.day > today && cs.day <= localTime(now + 24 * 3_600_000, timeZone).day ? cs.day : today;
  const count = cs.day === day ? cs.dayCount : 0;
  return { allowed: limit === undefined || count < limit, day, count };
}

/** emptyChannelState is a channel that never sent. */
export function emptyChannelState(): ChannelState {
  return { sentAt: [], day: undefined, dayCount: 0 };
}
