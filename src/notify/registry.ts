import type { z } from "zod";
import { dict, own } from "../engine/dict.js";
import type { ChannelState, Message, OutboxEntry, State } from "../engine/types.js";
import { alertmanagerChannel } from "./channels/alertmanager/index.js";
import { aliyunSmsChannel } from "./channels/aliyun-sms/index.js";
import { consoleChannel } from "./channels/console/index.js";
import { dingtalkChannel } from "./channels/dingtalk/index.js";
import { emailChannel } from "./channels/email/index.js";
import { feishuChannel } from "./channels/feishu/index.js";
import { webhookChannel } from "./channels/webhook/index.js";
import { wecomChannel } from "./channels/wecom/index.js";
import type { CheckInfo, ChannelDefinition, ChannelEntry, KeepAliveRun } from "./define.js";
import type { ChannelCommon, quietHoursSchema, rateLimitSchema } from "./options.js";
import type { Severity } from "../core/status.js";
import type { RateLimit } from "./policy.js";
import type { Channel, ChannelContext } from "./types.js";

export type { ChannelEntry };
// What config/schema.ts composes its channel schema from: config imports notify through this module only.
export { channelCommon, redactSchema } from "./options.js";

/** channelTypes lists every channel type: adding one is one folder in channels/ and one line here. */
export const channelTypes = {
  email: emailChannel,
  console: consoleChannel,
  "aliyun-sms": aliyunSmsChannel,
  dingtalk: dingtalkChannel,
  wecom: wecomChannel,
  feishu: feishuChannel,
  webhook: webhookChannel,
  alertmanager: alertmanagerChannel,
} satisfies Record<string, ChannelEntry>;

/** ChannelType is one of the registered channel type names. */
export type ChannelType = keyof typeof channelTypes;

// Each entry seen with its own config type. Looked up by a type parameter K, an entry's create() and hooks take
// ConfigOf<K>: TypeScript keeps the entry and the config together (its "correlated union" pattern, TS 4.6).
const definitions: { [K in ChannelType]: ChannelDefinition<(typeof channelTypes)[K]["schema"]> } = channelTypes;
const entries: Readonly<Record<string, ChannelEntry>> = channelTypes;

/** ConfigOf is the validated config of one channel type (its schema's output). */
export type ConfigOf<K extends ChannelType> = z.output<(typeof channelTypes)[K]["schema"]>;

/** AnyChannelConfig is the validated config of some registered type. */
export type AnyChannelConfig = { [K in ChannelType]: ConfigOf<K> }[ChannelType];

/** ChannelConfig is one validated channel (its own fields plus the common ones). */
export type ChannelConfig = {
  min_severity?: Severity;
  fallback: string[];
  timeout: number;
  rate_limit?: z.infer<typeof rateLimitSchema>;
  quiet_hours?: z.infer<typeof quietHoursSchema>;
  redact?: ("paths" | "ips")[];
} & ChannelFields;

/**
 * ChannelFields is a channel's type and its own fields, one member per registered type. Only the channel reads them
 * (typed by its schema through defineChannel); here they are optional, so delivery cannot lean on them.
 */
export type ChannelFields = {
  [K in ChannelType]: { type: K } & Partial<Omit<ConfigOf<K>, "type" | keyof ChannelCommon>>;
}[ChannelType];

/** TYPE_ALIASES lets a ladder name a channel by a common word ("sms") when no channel has that name. */
export const TYPE_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(entries).flatMap(([type, e]) => (e.aliases ?? []).map((alias) => [alias, type])),
);

/** channelWord is the word a person uses for a type: its starter's channel name ("sms"), else the type itself. */
export function channelWord(type: string): string {
  return entryOf(type)?.starter?.name ?? type;
}

/** starters are the blocks `watchdog init --channels` can write, by their channel name, in registry order. */
export function starters(): { type: string; name: string; yaml: string; words: string[] }[] {
  return Object.entries(entries).flatMap(([type, e]) =>
    e.starter ? [{ type, ...e.starter, words: [e.starter.name, type, ...(e.aliases ?? [])] }] : [],
  );
}

/** channelSecretKeys are the config keys that some channel type holds secrets in. */
export function channelSecretKeys(): string[] {
  return Object.values(entries).flatMap((e) => [...(e.secrets ?? [])]);
}

/** entryOf is the registry entry of a type name, or undefined for a name that is not registered. */
export function entryOf(type: string): ChannelEntry | undefined {
  return Object.hasOwn(entries, type) ? entries[type] : undefined;
}

/** defaultRateLimit is the vendor's rate limit of a type, used when a channel sets no `rate_limit`. */
export function defaultRateLimit(type: string): RateLimit | undefined {
  return entryOf(type)?.rateLimit;
}

/** isTerse says whether a type's message cannot name the alerts its channel refused before (SMS, Alertmanager). */
export function isTerse(type: string): boolean {
  return entryOf(type)?.terse === true;
}

/** printsMessages says whether one of the channels prints its messages where the command prints (console). */
export function printsMessages(configs: Readonly<Record<string, { type: string }>>): boolean {
  return Object.values(configs).some((c) => entryOf(c.type)?.prints === true);
}

/**
 * isValidated says a channel config is of a registered type. `channels:` was parsed by a union of these very
 * schemas (config/schema.ts), so a config whose `type` is K is K's schema's output: this is where that fact, which
 * the config's own ChannelConfig type does not carry, is stated once.
 */
function isValidated(cfg: { type: string }): cfg is AnyChannelConfig {
  return entryOf(cfg.type) !== undefined;
}

/** createChannels builds every configured channel. */
export function createChannels(
  configs: Readonly<Record<string, { type: string }>>,
  ctx: Omit<ChannelContext, "name">,
): Map<string, Channel> {
  const out = new Map<string, Channel>();
  for (const [name, cfg] of Object.entries(configs)) {
    if (!isValidated(cfg)) continue;
    const channel = create(cfg.type, cfg, { ...ctx, name });
    channel.target ??= targetOf(cfg);
    out.set(name, channel);
  }
  return out;
}

function create<K extends ChannelType>(type: K, cfg: ConfigOf<K>, ctx: ChannelContext): Channel {
  return definitions[type].create(cfg, ctx);
}

/**
 * keepChannelsAlive runs every channel's keep-alive hook (Alertmanager re-sends open incidents) on the state after
 * decide, before the outbox is saved: a hook may add messages to its channel's outbox and keep its own memory.
 */
export function keepChannelsAlive(
  state: State,
  config: { channels: Readonly<Record<string, ChannelConfig>>; checks: readonly CheckInfo[]; host: string },
  thisRun: readonly Message[],
  now: number,
): State {
  let s = state;
  for (const [name, cfg] of Object.entries(config.channels)) {
    if (!isValidated(cfg)) continue;
    const told = thisRun.filter((m) => m.channel === name);
    s = keepAlive(cfg.type, cfg, { name, state: s, checks: config.checks, host: config.host, thisRun: told, now });
  }
  return s;
}

function keepAlive<K extends ChannelType>(type: K, cfg: ConfigOf<K>, run: Omit<KeepAliveRun, "stored">): State {
  const hook = definitions[type].keepAlive;
  if (!hook) return run.state;
  const r = hook(cfg, { ...run, stored: own(run.state.channels, run.name) });
  if (r.outbox === run.state.outbox && !r.memory) return run.state;
  const channels = r.memory ? dict(run.state.channels) : run.state.channels;
  if (r.memory) channels[run.name] = { ...(own(run.state.channels, run.name) ?? emptyMemory()), ...r.memory };
  return { ...run.state, outbox: r.outbox, channels };
}

function emptyMemory(): ChannelState {
  return { sentAt: [], day: undefined, dayCount: 0 };
}

/** targetOf is host:port of a channel's server (SMTP host and port, or the host of its URL), never a token. */
function targetOf(cfg: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof cfg.host === "string")
    return `${cfg.host}:${typeof cfg.port === "number" ? cfg.port : cfg.secure ? 465 : 587}`;
  const url = [cfg.webhook, cfg.url, cfg.endpoint, Array.isArray(cfg.urls) ? cfg.urls[0] : undefined].find(
    (u) => typeof u === "string",
  );
  if (url === undefined) return undefined;
  try {
    const u = new URL(String(url).includes("://") ? String(url) : `https://${String(url)}`);
    return `${u.hostname}:${u.port || (u.protocol === "http:" ? 80 : 443)}`;
  } catch {
    return undefined;
  }
}
