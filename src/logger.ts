import fs from "node:fs";
import pino, { type Logger } from "pino";
import { redactJsonLine, type Redactor } from "./notify/redact.js";
import { openAppend, UnsafeFileError } from "./core/safe-fs.js";

/**
 * createLogger writes pino JSON lines to FILE, every line passed through the redactor first, so no secret can reach
 * the log whatever a message or error contains. If the file cannot be opened, logs go to stderr (with a note).
 */
export function createLogger(
  file: string | undefined,
  redact: Redactor,
  level = "info",
): { logger: Logger; warning: string | undefined } {
  let fd: number | undefined;
  let warning: string | undefined;
  if (file) {
    try {
      // O_NOFOLLOW, non-blocking, regular files only, in a directory no other user can write: see safe-fs.
      fd = openAppend(file, 0o600);
    } catch (err) {
      const why = err instanceof UnsafeFileError ? err.message : (err as NodeJS.ErrnoException).code;
      warning = `cannot open log file ${file} (${why}): warnings and errors go to stderr`;
    }
  }
  const target = fd ?? (file ? 2 : undefined);
  const stream = {
    write(line: string) {
      if (target === undefined) return;
      // On stderr (the log file is unusable) only warnings and errors: cron mails what reaches it, every run.
      if (target === 2 && Number(/"level":(\d+)/.exec(line)?.[1] ?? 0) < 40) return;
      try {
        // Masked as JSON: a secret holding `"` or `\` is escaped in the line, and must stay valid JSON once masked.
        fs.writeSync(target, redactJsonLine(line, redact));
      } catch {
        // A full disk must not stop the run; the state save reports it.
      }
    },
  };
  return {
    logger: pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, stream),
    warning,
  };
}

/** silentLogger drops everything (dry runs and commands that keep no log). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
