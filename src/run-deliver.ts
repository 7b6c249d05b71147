import type { Config } from "./config/schema.js";
import type { Deps } from "./deps.js";
import type { Message, State } from "./engine/types.js";
import { deliverWatched, rerouteAroundFailing } from "./notify/channel-health.js";
import { deliver, enqueue, type Attempt } from "./notify/deliver.js";
import type { Redactor } from "./notify/redact.js";
import { createChannels, keepChannelsAlive } from "./notify/registry.js";
import type { Channel } from "./notify/types.js";
import type { RunStore } from "./state/run-store.js";

// The run's delivery steps (run-check.ts calls them after decide and the restarts): into the outbox, then out of it.

/** fallbacksIn gives a channel's `fallback:` list (the channels told in its stead while it fails). */
const fallbacksIn = (config: Config) => (c: string) => config.channels[c]?.fallback ?? [];

/**
 * enqueueAndSave puts this run's messages in the outbox and saves the state before anything is sent, so a crash can
 * repeat a message but never lose one.
 */
export async function enqueueAndSave(
  state: State,
  messages: Message[],
  config: Config,
  store: RunStore,
  now: number,
  restarted: boolean,
): Promise<State> {
  // While a channel is failing, its alerts go to the channels its notice named too (notify/channel-health.ts).
  const minSeverityOf = (c: string) => config.channels[c]?.min_severity;
  const routed = rerouteAroundFailing(messages, state.channelHealth, minSeverityOf, fallbacksIn(config));
  let next = enqueue(state, routed, now);
  next = keepChannelsAlive(next, config, messages, now);
  // Saved before anything is sent, so that a run killed while sending neither loses nor repeats an alert. With
  // nothing to send and no restart made (a healthy run), the save after delivery, moments later, is the only one.
  if (next.outbox.length > 0 || restarted) await store.save(next);
  return next;
}

/** deliverOutbox sends what the outbox holds that is due, within the run's budget. */
export async function deliverOutbox(
  state: State,
  config: Config,
  deps: Deps,
  opts: { channels?: Map<string, Channel>; redact: Redactor },
  budget: AbortSignal,
): Promise<{ state: State; attempts: Attempt[]; opened: string[] }> {
  const channels = opts.channels ?? createChannels(config.channels, { deps, locale: config.locale });
  const sendAt = deps.clock.now();
  const deliverOnce = (s: State) =>
    deliver(s, channels, config.channels, {
      now: sendAt,
      maxAgeMs: config.outbox.max_age,
      signal: budget,
      sleep: deps.sleep,
      logger: deps.logger,
      redact: opts.redact,
      redactExcerpts: config.redact,
    });
  // A channel that keeps failing is told, once, through the others (notify/channel-health.ts).
  const requeue = (s: State, m: Message[]) => enqueue(s, m, sendAt);
  const names = [...channels.keys()];
  const delivered = await deliverWatched(state, deliverOnce, requeue, names, fallbacksIn(config), config.host, sendAt);
  for (const name of delivered.opened) {
    const health = delivered.state.channelHealth?.[name];
    deps.logger.warn({ event: "channel_failing", channel: name, ...health }, "channel keeps failing");
  }
  return delivered;
}
