import type { z } from "zod";
import type { ChannelState, Message, OutboxEntry, State } from "../engine/types.js";
import type { RateLimit } from "./policy.js";
import type { Channel, ChannelContext } from "./types.js";

/** ChannelDefaults are what a channel type says of all its channels, for the code that does not build them. */
export type ChannelDefaults = {
  /** The least severity a channel of this type receives unless it sets `min_severity` (SMS: critical). */
  minSeverity?: "warning" | "critical";
  /** The vendor's rate limit, used when a channel sets no `rate_limit` (DingTalk and WeCom 20/min). */
  rateLimit?: RateLimit;
  /** It prints its messages where the command prints (ChannelContext.write), so the command's heading goes first. */
  prints?: true;
  /**
   * Its message is a fixed template or a set of alerts (SMS, Alertmanager): it cannot name the alerts it refused
   * before, so none are kept for it (notify/refused.ts); the failing-channel notice names them to the others.
   */
  terse?: true;
  /** Other words a ladder, `test-notify` and `init --channels` accept for this type ("sms" for aliyun-sms). */
  aliases?: readonly string[];
  /** The block `watchdog init --channels` writes for this type, its secrets as ${VARS}. */
  starter?: Starter;
  /** Its config keys whose values are secrets (each also has a `<key>_file` form); they are masked everywhere. */
  secrets?: readonly string[];
};

/** Starter is a channel's block in the short starter config: the channel's name there and its YAML lines. */
export type Starter = { name: string; yaml: string };

/** ChannelEntry is a registered channel type with its config type erased: its schema and its defaults. */
export type ChannelEntry = ChannelDefaults & { schema: z.ZodObject };

/** CheckInfo is what a keep-alive hook reads of a configured check (notify does not depend on config's types). */
export type CheckInfo = { name: string; runbook?: string; labels: Readonly<Record<string, string>> };

/** KeepAliveInput is what a keep-alive hook is given: the state after decide and this run's messages to it. */
export type KeepAliveInput<M> = {
  name: string;
  state: State;
  checks: readonly CheckInfo[];
  host: string;
  /** This run's messages to the channel. */
  thisRun: readonly Message[];
  now: number;
  /** The hook's own memory from its last run (kept in State.channels[name], read through the hook's schema). */
  memory: M | undefined;
};

/**
 * KeepAlive is a hook run every run, after decide and before the outbox is saved, for a channel that must hear
 * again what it was told (Alertmanager resolves an alert that is not re-sent). It returns the whole outbox (it may
 * add messages to its channel, or remove its own stale ones) and its new memory, or undefined to leave it as it is.
 */
export type KeepAlive<C, M extends object> = {
  /** The shape of its memory; what does not fit reads as no memory (a hand-edited state file). */
  memory: z.ZodType<M>;
  run: (cfg: C, input: KeepAliveInput<M>) => { outbox: OutboxEntry[]; memory: M | undefined };
};

/** ChannelHooks are a type's defaults and the hooks the run calls on its channels. */
export type ChannelHooks<C, M extends object> = ChannelDefaults & { keepAlive?: KeepAlive<C, M> };

/** KeepAliveRun is what the registry hands a definition's keep-alive: its input, with the memory as stored. */
export type KeepAliveRun = Omit<KeepAliveInput<never>, "memory"> & { stored: ChannelState | undefined };

/** ChannelDefinition is a registered type with its config type kept: create() and hooks take its schema's output. */
export type ChannelDefinition<S extends z.ZodObject> = ChannelEntry & {
  schema: S;
  create: (cfg: z.output<S>, ctx: ChannelContext) => Channel;
  keepAlive?: (cfg: z.output<S>, run: KeepAliveRun) => { outbox: OutboxEntry[]; memory: object | undefined };
};

/**
 * defineChannel registers a channel type: the schema of its config, the factory that builds a channel from that
 * schema's output (checked here, not cast), and its hooks and defaults. A keep-alive's typed memory is read here.
 */
export function defineChannel<S extends z.ZodObject, M extends object = never>(
  schema: S,
  create: (cfg: z.output<S>, ctx: ChannelContext) => Channel,
  hooks: ChannelHooks<z.output<S>, M> = {},
): ChannelDefinition<S> {
  const { keepAlive, ...defaults } = hooks;
  const def: ChannelDefinition<S> = { ...defaults, schema, create };
  if (keepAlive) {
    def.keepAlive = (cfg, { stored, ...run }) => {
      // Read on first use: a hook that finds nothing to do (no open incident) never reads it, and a healthy run
      // then validates nothing with zod (which it would load for this alone).
      let memory: { value: M | undefined } | undefined;
      const read = (): M | undefined => {
        const parsed = keepAlive.memory.safeParse(stored ?? {});
        return (memory ??= { value: parsed.success ? parsed.data : undefined }).value;
      };
      return keepAlive.run(cfg, {
        ...run,
        get memory() {
          return memory ? memory.value : read();
        },
      });
    };
  }
  return def;
}
