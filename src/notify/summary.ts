import { probeOf } from "../probes/registry.js";
import { sayIn, type Said } from "../probes/types.js";
import type { Locale } from "./types.js";

/**
 * summaryIn words a probe's summary in the locale, from its structured form with the words of the probe that said it.
 * English is the summary as the probe wrote it; one with no structured form (a notice) is shown as written.
 */
export function summaryIn(item: { summary: string; said?: Said | undefined }, locale: Locale): string {
  const said = item.said;
  if (locale === "en" || !said || !Array.isArray(said.parts)) return item.summary;
  const words = probeOf(said.type)?.words;
  return (words && sayIn(words, said.parts, locale)) || item.summary;
}
