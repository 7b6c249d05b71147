import { createHash } from "node:crypto";
import os from "node:os";
import { bootTime, earliest, listeners, startTimeOf } from "./port-owner.js";
import { readCmdline, readStat, scanProcesses } from "./proc-scan.js";
import { probeOf } from "./registry.js";
import type { ProbeResult, Started } from "./types.js";

/** StartCheck is what finding a check's process reads: its name and type, and its probe's fields. */
export type StartCheck = { name: string; type: string };

/** Seen is what the state remembers of a check for this: its last status, the hash of its process's command line. */
export type Seen = { status: string; warmup?: { cmd?: string | undefined; start?: number | undefined } | undefined };

/**
 * withStarts adds to the results of tcp and http checks on this host when the process they watch started (the
 * engine holds alerts while a restarted service loads). The process is the one listening on the check's port or,
 * while nothing listens yet (a model still loading), one with the command line of the last listener seen. Looked up
 * when the check fails, when it recovers, and until a listener has been seen once: a healthy run reads no /proc.
 */
export async function withStarts(
  results: readonly ProbeResult[],
  checks: readonly StartCheck[],
  seen: Readonly<Record<string, Seen>>,
  signal: AbortSignal,
): Promise<ProbeResult[]> {
  const boot = bootTime();
  if (boot === undefined) return [...results];
  return Promise.all(
    results.map(async (r) => {
      const check = checks.find((c) => c.name === r.check);
      const before = Object.hasOwn(seen, r.check) ? seen[r.check] : undefined;
      const cmd = before?.warmup?.cmd;
      if (!check || r.started || (r.status === "ok" && cmd !== undefined && before?.status === "ok")) return r;
      const started = await startedOf(check, { cmd, start: before?.warmup?.start }, boot, signal);
      return started ? { ...r, started } : r;
    }),
  );
}

/** startedOf is the start of the check's process: the first-started listener on its port, or one with `cmd`. */
async function startedOf(
  check: StartCheck,
  { cmd, start }: { cmd: string | undefined; start: number | undefined },
  boot: number,
  signal: AbortSignal,
): Promise<Started | undefined> {
  const probe = probeOf(check.type);
  const port = probe?.port?.(check as never);
  const host = probe?.host?.(check as never);
  if (port === undefined || host === undefined || !isLocal(host)) return undefined;
  const owners = listeners(port);
  if (owners.length) {
    // The first started is the master: workers that inherit its socket come and go under it.
    const first = earliest(owners, boot);
    const line = first && (await readCmdline(first.pid));
    return first && { at: first.at, ...(line ? { cmd: cmdHash(line) } : {}), ...stoppedIf(readStat(first.pid)?.state) };
  }
  if (cmd === undefined) return undefined;
  const procs = (await scanProcesses({ cmdline: (c) => cmdHash(c) === cmd }, "/proc", signal)).filter(
    (p) => p.state !== "Z" && p.pid !== process.pid,
  );
  // The listener seen last, still there (it closed its port), is the one to read: another copy is not a restart.
  const same = procs.find((p) => start !== undefined && startTimeOf(p.pid, boot) === start);
  const first = same
    ? { pid: same.pid, at: start! }
    : earliest(
        procs.map((p) => p.pid),
        boot,
      );
  return first && { at: first.at, cmd, ...stoppedIf(procs.find((p) => p.pid === first.pid)?.state) };
}

/** stoppedIf marks a process stopped by a signal (SIGSTOP, a debugger): it hangs, it is not loading. */
function stoppedIf(state: string | undefined): { stopped?: true } {
  return state === "T" || state === "t" ? { stopped: true } : {};
}

/** cmdHash keeps a command line in the state as a hash: it may hold a token (`--api-key ...`). */
export function cmdHash(cmdline: string): string {
  return createHash("sha256").update(cmdline).digest("hex").slice(0, 16);
}

/** isLocal says whether host names this machine: a loopback name or address, or one of its interfaces. */
function isLocal(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1" || h === "::" || h === "0.0.0.0" || /^127\./.test(h)) return true;
  if (h === os.hostname().toLowerCase()) return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((a) => a.address.toLowerCase() === h));
}
