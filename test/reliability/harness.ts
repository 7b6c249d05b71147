import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI } from "../helpers/cli.js";

/**
 * BUILT is the CLI under test: dist/watchdog.cjs, or WATCHDOG_TEST_CLI (a private copy, when others rebuild dist/
 * meanwhile).
 */
export const BUILT = process.env.WATCHDOG_TEST_CLI || CLI;

/** T0 is the simulated start of every fault test (runs pass WATCHDOG_TEST_NOW, so backoff and ages are exact). */
export const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
/** CRON is the simulated time between runs. */
export const CRON = 120_000;

/** STEP_MS bounds any one CLI run: generous enough for a machine ten times slower than an idle laptop. */
export const STEP_MS = 240_000;

/** Run is one CLI process: how it ended, how long it lived, and whether the hard bound (not the test) killed it. */
export type Run = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  hung: boolean;
};

/**
 * startCli spawns the built CLI. `killAfterMs` sends SIGKILL after that long (if it is still running);
 * `timeoutMs` is the hard bound for any run (STEP_MS unless given); a run it kills says `hung`.
 */
export function startCli(
  args: string[],
  opts: { env?: Record<string, string>; killAfterMs?: number; timeoutMs?: number; uid?: number; gid?: number } = {},
): { pid: number | undefined; done: Promise<Run> } {
  const started = performance.now();
  const child = spawn(process.execPath, [BUILT, ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  let hung = false;
  const kill = opts.killAfterMs !== undefined ? setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs) : undefined;
  const hard = setTimeout(() => ((hung = true), child.kill("SIGKILL")), opts.timeoutMs ?? STEP_MS);
  const done = new Promise<Run>((resolve) => {
    child.on("close", (code, signal) => {
      if (kill) clearTimeout(kill);
      clearTimeout(hard);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, hung });
    });
  });
  return { pid: child.pid, done };
}

/** check runs `watchdog --config FILE check` at simulated time `now`. */
export function check(
  config: string,
  now: number,
  extra: { killAfterMs?: number; args?: string[]; env?: Record<string, string> } = {},
): Promise<Run> {
  return startCli(["--config", config, "check", ...(extra.args ?? [])], {
    env: { WATCHDOG_TEST_NOW: String(now), ...extra.env },
    killAfterMs: extra.killAfterMs,
  }).done;
}

/** tempDir makes a private directory for one test. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `wd-${prefix}-`));
}

/** readState parses the state file; it throws when the file is not valid JSON (the property under test). */
export function readState(file: string): StateFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return JSON.parse(text) as StateFile;
}

/** StateFile is the part of the state file the fault tests read. */
export type StateFile = {
  version: number;
  checks: Record<
    string,
    {
      status: string;
      failStreak: number;
      since: number;
      incident?: { id: string; startedAt: number; stepsFired: number[]; notified: string[]; lastNotifiedAt?: number };
    }
  >;
  outbox: {
    message: { id: string; channel: string; createdAt: number; mergedIds?: string[] };
    attempts: number;
    nextAttemptAt: number;
  }[];
  dropped: { id: string; channel: string; why: string }[];
  droppedTotal: number;
};

/** footerIds reads the message ids from the last line of a rendered message ("watchdog message a, b"). */
export function footerIds(text: string): string[] {
  const m = /watchdog message (.+)\s*$/.exec(text.trimEnd());
  return m ? m[1]!.split(",").map((s) => s.trim()) : [];
}

/** median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
