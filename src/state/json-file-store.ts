import fs from "node:fs";
import { withDicts } from "../engine/dict.js";
import { emptyState, type State } from "../engine/types.js";
import { StateError } from "../errors.js";
import { readRegular, UnsafeFileError, writeFileAtomic } from "./safe-fs.js";
import { parseState, STATE_VERSION, type StateParse } from "./state-schema.js";
import type { StateStore } from "./store.js";

export { STATE_VERSION } from "./state-schema.js";

/** StateRead is what reading the state file found: no file, a state (maybe salvaged), or why there is none. */
export type StateRead =
  | { kind: "missing" }
  | ({ kind: "state" } & StateParse)
  | { kind: "bad"; why: string };

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
  if (data === null || typeof data !== "object" || Array.isArray(data)) return { kind: "bad", why: "not a JSON object" };
  const d = data as Record<string, unknown>;
  if (d.version !== STATE_VERSION) return { kind: "bad", why: `version ${JSON.stringify(d.version)} is not ${STATE_VERSION}` };
  const parsed = parseState(d);
  return { kind: "state", ...parsed, state: withDicts(parsed.state) };
}

/**
 * createJsonFileStore keeps the state in one JSON file, written atomically with mode 0600. Every string value passes
 * through `redact` on save (error texts from a channel could quote a token); numbers and keys are left alone.
 * A file that does not fit the schema is moved aside loudly; what fits (open incidents, outbox messages) is kept.
 */
export function createJsonFileStore(file: string, now: () => number, redact: (s: string) => string = (s) => s): StateStore {
  return {
    async load() {
      const read = readStateFile(file);
      if (read.kind === "missing") return { state: emptyState(), warnings: [] };
      if (read.kind === "bad") return { state: emptyState(), warnings: [moveAside(file, now(), `is ${read.why}`, "started from empty state")] };
      if (read.problem) return { state: read.state, warnings: [moveAside(file, now(), read.problem, "kept the rest")] };
      return { state: read.state, warnings: [] };
    },
    async save(state) {
      const text = `${JSON.stringify(state, (_key, value: unknown) => (typeof value === "string" ? redact(value) : value))}\n`;
      try {
        writeFileAtomic(file, text, 0o600);
      } catch (err) {
        throw new StateError(`cannot write ${file}: ${describeFsError(err)}; the previous file is left as it was`, { cause: err });
      }
    },
  };
}

function moveAside(file: string, now: number, why: string, then: string): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, "-");
  const aside = `${file}.corrupt-${stamp}`;
  try {
    fs.renameSync(file, aside);
    return `state file ${file} ${why}: moved it to ${aside} and ${then}`;
  } catch (err) {
    return `state file ${file} ${why} and could not be moved aside (${(err as NodeJS.ErrnoException).code}): ${then}`;
  }
}

/** describeFsError says in words why the state could not be written, with what to do where that is clear. */
export function describeFsError(err: unknown, withCode = false): string {
  if (err instanceof UnsafeFileError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOSPC": return withCode ? "disk full (ENOSPC)" : "disk full";
    case "EACCES": case "EPERM": return `permission denied (${code}): run as root, or set state_file (or --state) to a place this user can write`;
    case "EROFS": return "read-only file system (EROFS)";
    default: return code ?? (err as Error).message;
  }
}

/**
 * peekState reads the state for display or a dry run: never moves a bad file aside, never locks. A file that does
 * not fit gives the part a real run would keep, with the problem in words.
 */
export function peekState(file: string): { state: State; problem: string | undefined } {
  let read: StateRead;
  try {
    read = readStateFile(file);
  } catch (err) {
    return { state: emptyState(), problem: (err as Error).message };
  }
  if (read.kind === "missing") return { state: emptyState(), problem: undefined };
  if (read.kind === "bad") return { state: emptyState(), problem: `state file ${file} is ${read.why}; the next check run moves it aside` };
  if (read.problem) return { state: read.state, problem: `state file ${file} ${read.problem}; the next check run moves it aside and keeps the rest` };
  return { state: read.state, problem: undefined };
}
