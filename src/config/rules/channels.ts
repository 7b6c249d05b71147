import { TYPE_ALIASES } from "../../notify/registry.js";
import { closest } from "../locate.js";
import type { ChannelConfig, RawConfig } from "../schema.js";
import type { RuleContext, RuleIssue } from "./types.js";

type Channels = Readonly<Record<string, ChannelConfig>>;

/** resolveChannel maps a ladder reference to a channel name: by name, else the only channel of that type (or alias). */
export function resolveChannel(ref: string, channels: Channels): string | undefined {
  if (channels[ref]) return ref;
  const type = TYPE_ALIASES[ref] ?? ref;
  const ofType = Object.entries(channels).filter(([, c]) => c.type === type);
  return ofType.length === 1 ? ofType[0]![0] : undefined;
}

/** unknownChannel says a reference names no channel, with the closest name or type alias and what is configured. */
export function unknownChannel(ref: string, channels: Channels): string {
  const names = Object.keys(channels);
  const words = [...names, ...Object.values(channels).map((c) => c.type), ...Object.keys(TYPE_ALIASES)];
  const hint = closest(ref, words);
  const usable = hint && resolveChannel(hint, channels) ? hint : undefined;
  const ofType = Object.entries(channels)
    .filter(([, c]) => c.type === (TYPE_ALIASES[ref] ?? ref))
    .map(([n]) => n);
  const why = ofType.length > 1 ? ` (${ofType.length} channels have that type: name one of ${ofType.join(", ")})` : "";
  const list = names.length ? ` (configured: ${names.join(", ")})` : " (no channels are configured)";
  const guess = usable ? `; did you mean "${usable}"?` : "";
  return `unknown channel "${ref}"${why}${guess}${why ? "" : list}: alerts for it would be lost`;
}

/** resolveFallbacks is a channel's fallback list with each reference turned into the channel it names. */
export function resolveFallbacks(name: string, fallback: readonly string[], channels: Channels): string[] {
  return fallback.map((f) => {
    const target = resolveChannel(f, channels);
    return target && target !== name ? target : f;
  });
}

/** fallbacksNameAChannel: a fallback is the last way out of a failing channel, so it must name another channel. */
export function fallbacksNameAChannel(_config: RawConfig, ctx: RuleContext): RuleIssue[] {
  return Object.entries(ctx.channels).flatMap(([name, ch]) =>
    ch.fallback.flatMap((f, i) => {
      const target = resolveChannel(f, ctx.channels);
      const path = ["channels", name, "fallback", i];
      if (!target) return [{ path, message: unknownChannel(f, ctx.channels) }];
      return target === name ? [{ path, message: "a channel cannot fall back to itself" }] : [];
    }),
  );
}

/** someChannel (a warning): with no channel, a failing check is printed and nobody is told. Allowed, but said. */
export function someChannel(_config: RawConfig, ctx: RuleContext): RuleIssue[] {
  if (Object.keys(ctx.channels).length || !ctx.checks.length) return [];
  const message =
    "no channels are configured: a failing check is printed, and nobody is told (add one under `channels:`)";
  return [{ path: [], message }];
}
