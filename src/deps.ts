import os from "node:os";
import type { Logger } from "pino";

/** Clock is the one source of time: epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** Deps is everything that touches the world, built once by the CLI and passed down. */
export interface Deps {
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
  cwd: string;
  logger: Logger;
  /** sleep waits ms or until the signal aborts (resolves early, never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** random returns a number in [0, 1): ids and jitter only, never in the engine. */
  random(): number;
}

/** sleep waits ms or until the signal aborts; it never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** createDeps builds the real dependencies; logger comes from the caller (it depends on the config). */
export function createDeps(logger: Logger, overrides: Partial<Deps> = {}): Deps {
  return {
    clock: { now: () => Date.now() },
    env: process.env,
    hostname: os.hostname(),
    cwd: process.cwd(),
    logger,
    sleep,
    random: Math.random,
    ...overrides,
  };
}
