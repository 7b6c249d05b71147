import type { z } from "zod";
import { consoleConfigSchema, createConsoleChannel } from "./channels/console.js";
import { createEmailChannel, emailConfigSchema } from "./channels/email.js";
import { alertmanagerConfigSchema, createAlertmanagerChannel } from "./channels/alertmanager.js";
import type { Channel, ChannelContext } from "./types.js";

/** ChannelEntry pairs a channel factory with the schema of its config. */
export type ChannelEntry = { schema: z.ZodObject; create: (cfg: never, ctx: ChannelContext) => Channel; minSeverity?: "warning" | "critical" };

/** channels lists every channel type: adding one is one line here plus its own file. */
export const channelTypes = {
  email: { schema: emailConfigSchema, create: createEmailChannel },
  console: { schema: consoleConfigSchema, create: createConsoleChannel },
  alertmanager: { schema: alertmanagerConfigSchema, create: createAlertmanagerChannel },
} satisfies Record<string, ChannelEntry>;

/** ChannelType is one of the registered channel type names. */
export type ChannelType = keyof typeof channelTypes;

/** TYPE_ALIASES lets a ladder name a channel by a common word ("sms") when no channel has that name. */
export const TYPE_ALIASES: Record<string, string> = { sms: "aliyun-sms", mail: "email" };

/** createChannels builds every configured channel. */
export function createChannels(configs: Record<string, { type: string }>, ctx: Omit<ChannelContext, "name">): Map<string, Channel> {
  const out = new Map<string, Channel>();
  for (const [name, cfg] of Object.entries(configs)) {
    const entry = (channelTypes as Record<string, ChannelEntry>)[cfg.type];
    if (entry) out.set(name, entry.create(cfg as never, { ...ctx, name }));
  }
  return out;
}
