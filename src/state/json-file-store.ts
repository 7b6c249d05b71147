import fs from "node:fs";
import path from "node:path";
import { withDicts } from "../engine/dict.js";
import { emptyState, type State } from "../engine/types.js";
import { StateError } from "../errors.js";
import type { StateStore } from "./store.js";

/** STATE_VERSION is the version this build writes; another version is moved aside, never guessed at. */
export const STATE_VERSION = 1;

/**
 * createJsonFileStore keeps the state in one JSON file, written atomically with mode 0600. Every string value passes
 * through `redact` on save (error texts from a channel could quote a token); numbers and keys are left alone.
 */
export function createJsonFileStore(file: string, now: () => number, redact: (s: string) => string = (s) => s): StateStore {
  return {
    async load() {
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return { state: emptyState(), warnings: [] };
        return { state: emptyState(), warnings: [moveAside(file, now(), `unreadable (${code})`)] };
      }
      const why = problemWith(text);
      if (why) return { state: emptyState(), warnings: [moveAside(file, now(), why)] };
      return { state: withDicts({ ...emptyState(), ...(JSON.parse(text) as State) }), warnings: [] };
    },
    async save(state) {
      writeFileAtomic(file, `${JSON.stringify(state, (_key, value: unknown) => (typeof value === "string" ? redact(value) : value))}\n`, 0o600);
    },
  };
}

function problemWith(text: string): string | undefined {
  if (text.trim() === "") return "empty";
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return "not valid JSON (truncated?)";
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return "not a JSON object";
  const d = data as Record<string, unknown>;
  if (d.version !== STATE_VERSION) return `version ${JSON.stringify(d.version)} is not ${STATE_VERSION}`;
  if (d.checks === null || typeof d.checks !== "object" || Array.isArray(d.checks)) return "no checks map";
  if (!Array.isArray(d.outbox)) return "no outbox list";
  return undefined;
}

function moveAside(file: string, now: number, why: string): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, "-");
  const aside = `${file}.corrupt-${stamp}`;
  try {
    fs.renameSync(file, aside);
    return `state file ${file} is ${why}: moved it to ${aside} and started from empty state`;
  } catch (err) {
    return `state file ${file} is ${why} and could not be moved aside (${(err as NodeJS.ErrnoException).code}): starting from empty state`;
  }
}

/** describeFsError says in words why the state could not be written, with what to do where that is clear. */
export function describeFsError(err: unknown, withCode = false): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOSPC": return withCode ? "disk full (ENOSPC)" : "disk full";
    case "EACCES": case "EPERM": return `permission denied (${code}): run as root, or set state_file (or --state) to a place this user can write`;
    case "EROFS": return "read-only file system (EROFS)";
    default: return code ?? (err as Error).message;
  }
}

/** writeFileAtomic writes a temp file in the same directory, fsyncs it, renames it over the target and fsyncs the directory. */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = fs.openSync(tmp, "w", mode);
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // The temp file may not exist; nothing else to clean.
    }
    throw new StateError(`cannot write ${file}: ${describeFsError(err)}; the previous file is left as it was`, { cause: err });
  }
  try {
    const dfd = fs.openSync(dir, "r");
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}
