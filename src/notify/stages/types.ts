import type { OutboxEntry } from "../../engine/types.js";
import type { QuietHours, RateLimit } from "../policy.js";

/** Group is what goes out as one message: one outbox entry, or several merged, with the entries it came from. */
export type Group = { entry: OutboxEntry; parts: OutboxEntry[] };

/** Drop is an entry given up on, with the reason `watchdog status` shows. */
export type Drop = { entry: OutboxEntry; why: string };

/**
 * ChannelPolicy is everything delivery reads from one channel's config, resolved once (the type's defaults
 * included): the stages see this, never the config.
 */
export type ChannelPolicy = {
  type: string | undefined;
  rateLimit: RateLimit | undefined;
  dailyLimit: number | undefined;
  quietHours: QuietHours | undefined;
  fallback: readonly string[];
  minSeverity: "warning" | "critical" | undefined;
  timeout: number;
  redact: readonly ("paths" | "ips")[];
  /** Its message cannot name the alerts it refused before (SMS, Alertmanager): none are kept for it. */
  terse?: boolean;
};

/** Policies are the channels delivery can send through this run (built from a config), by name, in config order. */
export type Policies = ReadonlyMap<string, ChannelPolicy>;

/** keepsMemory says whether a channel needs State.channels memory (a rate-limit window or a daily count). */
export function keepsMemory(p: ChannelPolicy): boolean {
  return p.rateLimit !== undefined || p.dailyLimit !== undefined;
}
