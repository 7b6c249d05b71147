import type { ChannelHealth, DroppedEntry, Message, OutboxEntry, State } from "../engine/types.js";
import type { Attempt } from "./deliver.js";
import { formatTime } from "./render.js";

/**
 * A channel that keeps failing loses every alert sent to it, and cron throws the report away: someone must hear of
 * it through another way. The rule (README "When a channel keeps failing"):
 *
 *   healthy -> failing   a send fails permanently (refused credentials, unknown robot, bad request), a message to it
 *                        is dropped (max_age), or a message has waited through FAILING_RUNS failed runs
 *   failing -> failing   nothing more is said (once per episode); `status` shows it, `status --exit-status` exits 1
 *   failing -> healthy   the next send it delivers closes the episode
 *
 * When an episode opens, one notice goes to every other configured channel that is not failing itself (its fallback
 * channels among them), and the run writes it to stderr (cron mails stderr).
 */
export const FAILING_RUNS = 3;

/** HealthChange is what one run changed: the next health map and the channels whose episode opened now. */
export type HealthChange = { health: Record<string, ChannelHealth>; opened: string[]; closed: string[] };

const PROBLEM: Record<string, string> = {
  auth: "refuses the credentials",
  config: "is not configured right",
  client: "refuses the messages",
  provider_code: "answers with an error",
  network: "cannot be reached",
  timeout: "does not answer",
  server: "keeps failing on its side",
  rate_limited: "keeps rate-limiting",
  clock: "fails TLS on certificate dates (is the local clock wrong?)",
};

/** updateChannelHealth applies one run's sends, drops and outbox to the channels' episodes (pure). */
export function updateChannelHealth(
  prev: Readonly<Record<string, ChannelHealth>> | undefined,
  run: { attempts: readonly Attempt[]; dropped: readonly DroppedEntry[]; outbox: readonly OutboxEntry[] },
  channels: readonly string[],
  now: number,
): HealthChange {
  const health: Record<string, ChannelHealth> = {};
  for (const [name, h] of Object.entries(prev ?? {})) if (channels.includes(name)) health[name] = h;
  const opened: string[] = [];
  const closed: string[] = [];
  const open = (channel: string, problem: string, error: string) => {
    if (health[channel] || opened.includes(channel) || !channels.includes(channel)) return;
    health[channel] = { since: now, problem, error, told: [] };
    opened.push(channel);
  };
  for (const a of run.attempts) {
    if (a.outcome.ok) {
      if (health[a.channel] && !opened.includes(a.channel)) closed.push(a.channel);
      delete health[a.channel];
      const i = opened.indexOf(a.channel);
      if (i >= 0) opened.splice(i, 1);
    }
  }
  for (const a of run.attempts) {
    const o = a.outcome;
    if (!o.ok && !o.retryable && !run.attempts.some((b) => b.channel === a.channel && b.ok)) {
      open(a.channel, PROBLEM[o.reason] ?? "cannot deliver", `${o.error}${o.hint ? ` (${o.hint})` : ""}`);
    }
  }
  // A daily limit is a cap the user set, with its own notice: not a broken channel.
  for (const d of run.dropped) if (!d.why.startsWith("daily_limit")) open(d.channel, "dropped a message", d.why);
  for (const e of run.outbox) {
    if ((e.failedRuns ?? 0) >= FAILING_RUNS)
      open(
        e.message.channel,
        PROBLEM[reasonOf(e.lastError)] ?? "cannot deliver",
        `${e.lastError ?? "no error given"} (${e.failedRuns} runs)`,
      );
  }
  return { health, opened, closed };
}

function reasonOf(error: string | undefined): string {
  if (error && /CERT_NOT_YET_VALID|CERT_HAS_EXPIRED/.test(error)) return "clock";
  return error && /timed? ?out|deadline/i.test(error) ? "timeout" : "network";
}

/**
 * failingNotices are the messages that tell the other channels about the episodes just opened (one each). Each
 * carries the alerts the channel lost this run, except to its own `fallback` channels, which got them already. A
 * channel that took a fallback copy this run (`carried`, "from>to") gets no notice: that copy said why, and one
 * message per channel per run is the rule.
 */
export function failingNotices(
  change: HealthChange,
  channels: readonly string[],
  host: string,
  now: number,
  lost: LostItems,
  fallbacks: FallbackOf,
  carried: ReadonlySet<string> = new Set(),
): Message[] {
  const out: Message[] = [];
  for (const name of change.opened) {
    const h = change.health[name]!;
    const others = channels.filter((c) => c !== name && !change.health[c]);
    h.told = others;
    for (const to of others) {
      if (carried.has(`${name}>${to}`)) continue;
      const items = fallbacks(name).includes(to) ? [] : (lost.get(name) ?? []);
      out.push({
        id: `${name}-failing-${h.since.toString(36)}~${to}`,
        channel: to,
        host,
        createdAt: now,
        items: items.map((i) => ({ ...i })),
        notice: { type: "channel_failing", channel: name, since: h.since, problem: h.problem, error: h.error, others },
      });
    }
  }
  return out;
}

/** LostItems are, by channel, the alerts a delivery pass could not get through it (dropped, or failed for good). */
export type LostItems = Map<string, Message["items"]>;
/** FallbackOf gives a channel's configured `fallback` list. */
export type FallbackOf = (channel: string) => readonly string[];

function lostItems(before: State, attempts: readonly Attempt[], dropped: readonly DroppedEntry[]): LostItems {
  const gone = new Set([
    ...dropped.map((d) => d.id),
    ...attempts.filter((a) => !a.outcome.ok && !a.outcome.retryable).flatMap((a) => a.ids ?? [a.id]),
  ]);
  const out: LostItems = new Map();
  for (const e of before.outbox) {
    const ids = e.message.mergedIds ?? [e.message.id];
    if (!ids.some((id) => gone.has(id)) || e.message.notice) continue;
    out.set(e.message.channel, [...(out.get(e.message.channel) ?? []), ...e.message.items]);
  }
  return out;
}

/**
 * rerouteAroundFailing gives the other channels a copy of each new message for a channel that is failing (marked as
 * sent there because that channel could not deliver it): "alerts now go to sms only" is then true. A channel that
 * already gets a message this run takes the items into it. `min_severity` of the target is kept. The channel's own
 * `fallback` channels are left out: its failed send gives them a copy that says why (one message per run).
 */
export function rerouteAroundFailing(
  messages: readonly Message[],
  health: Readonly<Record<string, ChannelHealth>> | undefined,
  minSeverity: (channel: string) => "warning" | "critical" | undefined,
  fallbacks: FallbackOf = () => [],
): Message[] {
  if (!health || !Object.keys(health).length) return [...messages];
  const out = messages.map((m) => ({ ...m, items: [...m.items] }));
  for (const m of messages) {
    const h = health[m.channel];
    if (!h) continue;
    for (const to of h.told.filter((c) => !health[c] && !fallbacks(m.channel).includes(c))) {
      const items = m.items.filter((i) => minSeverity(to) !== "critical" || i.severity === "critical");
      if (!items.length) continue;
      const there = out.find((x) => x.channel === to && !x.notice);
      if (there) {
        for (const i of items)
          if (!there.items.some((j) => j.check === i.check && j.reason === i.reason)) there.items.push({ ...i });
      } else
        out.push({
          ...m,
          id: `${m.id}~${to}`,
          channel: to,
          items: items.map((i) => ({ ...i })),
          fallbackFrom: m.channel,
          fallbackPath: [m.channel],
        });
    }
  }
  return out;
}

/** failingLine is the one line stderr and `status` give for an episode. */
export function failingLine(
  name: string,
  h: ChannelHealth,
  others: readonly string[],
  at: (t: number) => string,
): string {
  const where = others.length
    ? `alerts now go to ${others.join(", ")} only`
    : "no other channel is configured: nobody is told until it is fixed";
  return (
    `channel ${name} ${h.problem} since ${at(h.since)}: ${where} ` +
    `(${h.error}; try \`watchdog test-notify ${name}\`)`
  );
}

/** droppedSince lists the entries a delivery dropped (its droppedTotal grew by that many). */
export function droppedSince(
  before: Pick<State, "droppedTotal">,
  after: Pick<State, "dropped" | "droppedTotal">,
): DroppedEntry[] {
  const n = after.droppedTotal - before.droppedTotal;
  return n > 0 ? after.dropped.slice(-n) : [];
}

/**
 * deliverWatched runs `deliverOnce` on the state, updates the channels' health from what it did, and delivers the
 * notices of newly failing channels in the same run (a notice that fails may open another episode: bounded passes).
 */
export async function deliverWatched(
  state: State,
  deliverOnce: (s: State) => Promise<{ state: State; attempts: Attempt[] }>,
  enqueue: (s: State, messages: Message[]) => State,
  channels: readonly string[],
  fallbacks: FallbackOf,
  host: string,
  now: number,
): Promise<{ state: State; attempts: Attempt[]; opened: string[] }> {
  let cur = state;
  const attempts: Attempt[] = [];
  const opened: string[] = [];
  for (let pass = 0; pass <= channels.length; pass++) {
    const before = cur;
    const d = await deliverOnce(cur);
    attempts.push(...d.attempts);
    const change = updateChannelHealth(
      before.channelHealth,
      { attempts: d.attempts, dropped: droppedSince(before, d.state), outbox: d.state.outbox },
      channels,
      now,
    );
    opened.push(...change.opened);
    cur = { ...d.state, channelHealth: change.health };
    const notices = failingNotices(
      change,
      channels,
      host,
      now,
      lostItems(before, d.attempts, droppedSince(before, d.state)),
      fallbacks,
      new Set(d.attempts.filter((a) => a.ok && a.fallbackFrom).map((a) => `${a.fallbackFrom}>${a.channel}`)),
    );
    if (!notices.length) break;
    cur = enqueue(cur, notices);
  }
  return { state: cur, attempts, opened };
}

/**
 * sendTrouble is what stderr says after a run: every failed send, every message dropped, and each channel that
 * started failing (its notice went to the other channels), so a person hears of it even when stdout is /dev/null.
 */
export function sendTrouble(
  r: { attempts: readonly Attempt[]; channelsFailing: readonly string[]; state: State; startedAt: number },
  stateFile: string,
): string[] {
  const out: string[] = [];
  for (const a of r.attempts) {
    if (a.outcome.ok) continue;
    const next = a.outcome.retryable ? "kept in the outbox, tried again next run" : "not retryable: dropped";
    out.push(
      `watchdog: FAILED to send to ${a.channel} (${a.checks.join(", ") || "notice"}): ` +
        `${a.outcome.error}${a.outcome.hint ? ` (${a.outcome.hint})` : ""}; ${next}`,
    );
  }
  const health = r.state.channelHealth ?? {};
  for (const name of r.channelsFailing) {
    const h = health[name];
    if (h) out.push(`watchdog: ${failingLine(name, h, h.told, formatTime)}`);
  }
  const dropped = r.state.dropped.filter(
    (d) => d.droppedAt >= r.startedAt && !r.attempts.some((a) => !a.ok && (a.ids ?? [a.id]).includes(d.id)),
  );
  for (const d of dropped)
    out.push(`watchdog: DROPPED a message to ${d.channel} (${d.checks.join(", ") || "notice"}): ${d.why}`);
  if (out.length) out.push(`(\`watchdog status\` shows the channels and the outbox of ${stateFile})`);
  return out;
}
