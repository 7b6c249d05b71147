import { dict } from "../engine/dict.js";
import { emptyState, type State } from "../engine/types.js";
import { StateError } from "../errors.js";
import { readRegular, UnsafeFileError } from "../core/safe-fs.js";
import { decodeState, type StateParse } from "./state-schema.js";

/*
 * Reading the state file without changing it: the store's load (json-file-store.ts) builds on readStateFile, and
 * peek serves whatever only looks (`status`, `silence list`, `ack`, a dry run). Whether a file fits is decided by
 * the one schema (state-schema.ts), never by checks written here.
 */

/** StateRead is what reading the state file found: no file, a state (maybe salvaged), or why there is none. */
export type StateRead = { kind: "missing" } | ({ kind: "state" } & StateParse) | { kind: "bad"; why: string };

/**
 * readStateFile reads and validates the state file without changing anything. A symlink, FIFO or device at the
 * path throws StateError (never opened blocking, never moved: `state_file: /dev/null` must not rename /dev/null).
 */
export function readStateFile(file: string): StateRead {
  let text: string;
  try {
    text = readRegular(file).text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "missing" };
    if (err instanceof UnsafeFileError) throw new StateError(`state file ${err.message}`, { cause: err });
    return { kind: "bad", why: `unreadable (${code ?? (err as Error).message})` };
  }
  if (text.trim() === "") return { kind: "bad", why: "empty" };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: "bad", why: "not valid JSON (truncated?)" };
  }
  const parsed = decodeState(withoutSeal(data));
  if ("why" in parsed) return { kind: "bad", why: parsed.why };
  return { kind: "state", ...parsed, state: withDicts(parsed.state) };
}

/**
 * peek reads the state for display or a dry run: never moves a bad file aside, never locks. A file that does not
 * fit gives the part a real run would keep, with the problem in words in `warnings` (the shape of a store's load).
 */
export function peek(file: string): { state: State; warnings: string[] } {
  let read: StateRead;
  try {
    read = readStateFile(file);
  } catch (err) {
    return { state: emptyState(), warnings: [(err as Error).message] };
  }
  if (read.kind === "missing") return { state: emptyState(), warnings: [] };
  if (read.kind === "bad") {
    return { state: emptyState(), warnings: [`state file ${file} is ${read.why}; the next check run moves it aside`] };
  }
  if (read.problem) {
    const why = `state file ${file} ${read.problem}; the next check run moves it aside and keeps the rest`;
    return { state: read.state, warnings: [why] };
  }
  return { state: read.state, warnings: [] };
}

/** withDicts returns the state with its name-keyed maps (checks, channels, probes, sent) prototype-less, as loaded. */
export function withDicts(state: State): State {
  const map = <T>(m: Record<string, T> | undefined) => dict<T>(m && typeof m === "object" ? m : undefined);
  const { checks, channels, probes, sent, channelHealth } = state;
  const health = channelHealth === undefined ? {} : { channelHealth: map(channelHealth) };
  return { ...state, checks: map(checks), channels: map(channels), probes: map(probes), sent: map(sent), ...health };
}

/**
 * withoutSeal drops the top-level `seal` key that earlier versions wrote last in the file: the schema keeps unknown
 * keys, and one kept would be written back into every later state file.
 */
function withoutSeal(data: unknown): unknown {
  if (data !== null && typeof data === "object" && !Array.isArray(data) && Object.hasOwn(data, "seal")) {
    delete (data as Record<string, unknown>).seal;
  }
  return data;
}
