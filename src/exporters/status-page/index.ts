import type { Config } from "../../config/schema.js";
import { historyFileOf } from "../../config/schema.js";
import { brokenLine, readBroken } from "../../config/last-good.js";
import { formatTime } from "../../notify/render.js";
import type { State } from "../../engine/types.js";
import { readRecentHistory } from "../../history/file.js";
import type { ProbeResult } from "../../probes/types.js";
import { writeFileAtomic } from "../../core/safe-fs.js";
import { renderPage } from "./html.js";
import { buildPageModel } from "./model.js";
import { readSamples, recordSamples, samplesFileOf, type Samples } from "./samples.js";

/** PageConfig is the part of the config the status page reads. */
export type PageConfig = Pick<
  Config,
  "checks" | "host" | "expected_interval" | "status_page" | "locale" | "state_file" | "history_file"
>;
type Redact = (s: string) => string;

/** The page reads at most this much of the history, newest first: a week of a few checks, a day or so of a busy one. */
export const PAGE_HISTORY_BYTES = 1024 * 1024;
const WEEK = 7 * 86_400_000;

/**
 * renderStatusPage renders the page from the saved state, the history file and the metric ring: what
 * `watchdog status --html` writes and what the daemon serves at `/`. Every outside text is masked by `redact`.
 */
export function renderStatusPage(
  config: PageConfig,
  state: State,
  now: number,
  redact: Redact,
  samples?: Samples,
): string {
  const events = readRecentHistory(historyFileOf(config), now - WEEK, PAGE_HISTORY_BYTES).events;
  const ring = samples ?? readSamples(samplesFileOf(config.state_file));
  const model = buildPageModel({ config, state, events, samples: ring, now, redact });
  const broken = readBroken(config.state_file);
  if (broken) model.configProblem = redact(brokenLine(broken, formatTime));
  // A second pass over the whole text: a secret that reached the page some other way is still masked.
  return redact(renderPage(model, config.locale));
}

/**
 * writeStatusPage is the per-run step: add the run's probe metrics to the ring, render, and write `status_page.path`
 * atomically (0644: a web server running as another user serves it). A failure is returned for the log, never fatal.
 */
export function writeStatusPage(
  config: PageConfig,
  state: State,
  results: readonly ProbeResult[],
  now: number,
  redact: Redact,
): string | undefined {
  const file = config.status_page?.path;
  if (!file) return undefined;
  try {
    const samples = recordSamples(
      samplesFileOf(config.state_file),
      results,
      now,
      config.checks.map((c) => c.name),
    );
    writeFileAtomic(file, renderStatusPage(config, state, now, redact, samples), 0o644);
    return undefined;
  } catch (err) {
    return `could not write the status page ${file}: ${(err as Error).message}`;
  }
}
