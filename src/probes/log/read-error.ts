import { sayIn, type PartOf, type Status } from "../types.js";
import { words } from "./words.js";

/** ReadError is a failed read: the status the check's `missing:` gives it, and the phrase that says why. */
export type ReadError = { status: Status; part: PartOf<typeof words> };

/** readError turns a failed read into a status and the phrase that says why. */
export function readError(file: string, err: NodeJS.ErrnoException, cfg: { missing: Status }): ReadError {
  switch (err.code) {
    case "ENOENT":
      return { status: cfg.missing, part: { key: /[*?[]/.test(file) ? "noMatch" : "missing", values: { file } } };
    case "EACCES":
    case "EPERM":
      return { status: "unknown", part: { key: "denied", values: { file } } };
    case "EISDIR":
      return { status: "unknown", part: { key: "directory", values: { file } } };
    case "ENOTREG":
      // A FIFO, socket or device: never opened blocking, never read (it could block the run or never end).
      return {
        status: "unknown",
        part: { key: "special", values: { file, kind: String((err as { kind?: string }).kind) } },
      };
    default:
      return { status: "unknown", part: { key: "unreadable", values: { file, why: err.code ?? err.message } } };
  }
}

/** describeReadError turns a failed read into a status and one line in English. */
export function describeReadError(
  file: string,
  err: NodeJS.ErrnoException,
  cfg: { missing: Status },
): { status: Status; text: string } {
  const { status, part } = readError(file, err, cfg);
  return { status, text: sayIn(words, [part], "en") ?? "" };
}
