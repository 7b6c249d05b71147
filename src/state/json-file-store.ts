import fs from "node:fs";
import { emptyState } from "../engine/types.js";
import { StateError } from "../errors.js";
import { readStateFile } from "./peek.js";
import { UnsafeFileError, writeFileAtomic } from "../core/safe-fs.js";
import type { StateStore } from "./store.js";

export { STATE_VERSION } from "./state-schema.js";

/**
 * createJsonFileStore keeps the state in one JSON file, written atomically with mode 0600. Every string value passes
 * through `redact` on save (error texts from a channel could quote a token); numbers and keys are left alone.
 * A file that does not fit the schema is moved aside loudly; what fits (open incidents, outbox messages) is kept.
 */
export function createJsonFileStore(
  file: string,
  now: () => number,
  redact: (s: string) => string = (s) => s,
): StateStore {
  return {
    async load() {
      const read = readStateFile(file);
      if (read.kind === "missing") return { state: emptyState(), warnings: [] };
      if (read.kind === "bad")
        return {
          state: emptyState(),
          warnings: [moveAside(file, now(), `is ${read.why}`, "started from empty state")],
        };
      if (read.problem) return { state: read.state, warnings: [moveAside(file, now(), read.problem, "kept the rest")] };
      return { state: read.state, warnings: [] };
    },
    async save(state) {
      const text = `${JSON.stringify(state, (_, v: unknown) => (typeof v === "string" ? redact(v) : v))}\n`;
      try {
        writeFileAtomic(file, text, 0o600);
      } catch (err) {
        throw new StateError(`cannot write ${file}: ${describeFsError(err)}; the previous file is left as it was`, {
          cause: err,
        });
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

/** DISK_CODES: the disk failed, not watchdog or its setup: full, over quota, remounted read-only, an I/O error. */
const DISK_CODES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EIO"]);

/** isDiskError says whether a file system error comes of the disk rather than of permissions or an unsafe path. */
export function isDiskError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && DISK_CODES.has(code);
}

/** describeFsError says in words why the state could not be written, with what to do where that is clear. */
export function describeFsError(err: unknown, withCode = false): string {
  if (err instanceof UnsafeFileError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOSPC":
      return withCode ? "disk full (ENOSPC)" : "disk full";
    case "EACCES":
    case "EPERM":
      return `permission denied (${code}): run as root, or set state_file (or --state) to a place this user can write`;
    case "EROFS":
      return "read-only file system (EROFS)";
    default:
      return code ?? (err as Error).message;
  }
}
