import type { Config } from "../config/schema.js";
import { historyFileOf } from "../config/schema.js";
import type { Deps } from "../deps.js";
import { runEvents, type HistoryEvent, type RunInput } from "./events.js";
import { appendHistory } from "./file.js";

/** recordRun appends one run's events to the history file; a write failure is logged, never fatal. */
export function recordRun(
  config: Pick<Config, "history_file" | "state_file" | "history_max_size">,
  deps: Pick<Deps, "logger">,
  input: RunInput,
): void {
  recordEvents(config, deps, runEvents(input));
}

/** recordEvents appends events (reload, silence, ack) to the history file; a write failure is logged, never fatal. */
export function recordEvents(
  config: Pick<Config, "history_file" | "state_file" | "history_max_size">,
  deps: Pick<Deps, "logger">,
  events: readonly HistoryEvent[],
): void {
  const problem = appendHistory(historyFileOf(config), events, config.history_max_size);
  if (problem) deps.logger.warn({ event: "history_write_failed" }, problem);
}
