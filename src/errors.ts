/** ConfigError is a configuration that cannot be used; the CLI prints every issue and exits 78. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(issues.join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** LockedError means another run holds the lock; the CLI exits 75. */
export class LockedError extends Error {
  readonly pid: number | undefined;
  constructor(pid: number | undefined) {
    super(`another watchdog check (pid ${pid ?? "unknown"}) is running`);
    this.name = "LockedError";
    this.pid = pid;
  }
}

/** StateError is a state file that cannot be written; the CLI exits 1 and the previous file stays intact. */
export class StateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StateError";
  }
}

/** UsageError is a bad command line argument; the CLI exits 2 (64 for test-notify). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** ExitError ends the process with a chosen code after its message is printed. */
export class ExitError extends Error {
  readonly code: number;
  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExitError";
    this.code = code;
  }
}

/** errorMessage returns a one-line message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0] ?? err.name;
  return String(err);
}
