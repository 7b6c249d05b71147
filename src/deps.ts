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

/**
 * testClock is for tests that drive the built CLI across simulated hours (outbox backoff, max_age, clock jumps):
 * WATCHDOG_TEST_NOW=<epoch ms> makes the clock start at that time and run on from there. Never set it in production.
 */
function testClock(env: Readonly<Record<string, string | undefined>>): Clock | undefined {
  const start = Number(env.WATCHDOG_TEST_NOW);
  if (!env.WATCHDOG_TEST_NOW || !Number.isFinite(start)) return undefined;
  const base = Date.now();
  return { now: () => start + (Date.now() - base) };
}

/** realClock is the clock createDeps gives, for what runs before the deps exist (loading the config). */
export function realClock(): Clock {
  return testClock(process.env) ?? { now: () => Date.now() };
}

/** createDeps builds the real dependencies; logger comes from the caller (it depends on the config). */
export function createDeps(logger: Logger, overrides: Partial<Deps> = {}): Deps {
  return {
    clock: realClock(),
    env: process.env,
    hostname: os.hostname(),
    cwd: process.cwd(),
    logger,
    sleep,
    random: Math.random,
    ...overrides,
  };
}
