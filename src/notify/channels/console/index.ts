import { z } from "zod";
import { stripControl } from "../../../text.js";
import { defineChannel } from "../../define.js";
import { renderText } from "../../render.js";
import type { Channel, ChannelContext } from "../../types.js";
import { starter } from "./starter.js";

/** consoleConfigSchema is a `type: console` channel: messages are printed to standard output. */
export const consoleConfigSchema = z.strictObject({
  type: z.literal("console"),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

/** createConsoleChannel prints each message as plain text where the command prints (stderr under --json). */
export function createConsoleChannel(_cfg: ConsoleConfig, ctx: ChannelContext): Channel {
  const write = ctx.write ?? ((s: string) => void process.stdout.write(s));
  return {
    name: ctx.name,
    type: "console",
    async send(message) {
      const { subject, text } = renderText(message, ctx.locale);
      // Printed to a terminal: what came from outside (a summary, an excerpt) carries no escape sequence.
      write(stripControl(`--- ${subject}\n${text}\n`));
      return { ok: true };
    },
  };
}

/** consoleChannel is the registry entry: it prints where the command prints, so the command's heading goes first. */
export const consoleChannel = defineChannel(consoleConfigSchema, createConsoleChannel, { prints: true, starter });
