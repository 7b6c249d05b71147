import type { Deps } from "../../src/deps.js";
import { sleep } from "../../src/deps.js";
import { silentLogger } from "../../src/logger.js";
import type { ProbeContext } from "../../src/probes/types.js";

/** fakeClock is a clock the test moves by hand. */
export function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** testDeps builds Deps by hand: no process.env, a fixed clock unless given. */
export function testDeps(clock: { now(): number } = fakeClock()): Deps {
  return { clock, env: {}, hostname: "test", cwd: process.cwd(), logger: silentLogger(), sleep, random: () => 0.5 };
}

/** ctx builds a ProbeContext with last run's memory. */
export function ctx(
  memory: unknown = undefined,
  deps: Deps = testDeps(),
  signal: AbortSignal = new AbortController().signal,
): ProbeContext {
  return { deps, signal, memory };
}
