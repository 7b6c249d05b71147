/**
 * Kernel evidence for failing checks: when a check that watches a service (one with a port, or a process check)
 * fails, the kernel log since the last run is read once for the run (probes/kernel/read.ts), and each failing
 * check's result gets what it says of that service (an OOM kill, an Xid) and the probable cause it names. A healthy
 * run reads no kernel log; it only notes which process holds each check's port, so a later OOM kill of that process
 * is named with certainty. The port's owner is found as a restart's stop_hung finds it (stop-first.ts).
 */
import fs from "node:fs";
import type { CheckConfig, Config } from "../config/schema.js";
import type { Deps } from "../deps.js";
import type { State } from "../engine/types.js";
import { evidenceCause, findEvidence, type Watched } from "../probes/kernel/evidence.js";
import { readKernelLog, type KernelMemory } from "../probes/kernel/read.js";
import { describeCause } from "../probes/log/causes.js";
import { probeOf } from "../probes/registry.js";
import type { ProbeRun } from "../probes/run.js";
import type { ProbeResult } from "../probes/types.js";
import { listeners } from "../probes/port-owner.js";

/** FIRST_LOOK_BACK_MS is how far a first read looks back; a long gap since the last run is cut to MAX_LOOK_BACK_MS. */
const FIRST_LOOK_BACK_MS = 10 * 60_000;
const MAX_LOOK_BACK_MS = 60 * 60_000;
/** SLACK_MS reaches a little before the last run's start: a service killed while it was probed. */
const SLACK_MS = 30_000;

type Owners = NonNullable<KernelMemory["owners"]>;

/** KernelRun is the results with their kernel evidence, the memory to keep, and why no kernel log could be read. */
export type KernelRun = { results: ProbeResult[]; memory: KernelMemory; unavailable?: string };

/**
 * withKernelEvidence adds the kernel's evidence to the failing results of the checks (`runs`, one per check) that
 * watch a service; a run's probe memory holds what a process check knew of its last pass. Never throws.
 */
export async function withKernelEvidence(
  config: Pick<Config, "kernel_log" | "checks">,
  prev: State,
  checks: readonly CheckConfig[],
  runs: readonly ProbeRun[],
  deps: Deps,
  signal: AbortSignal,
): Promise<KernelRun> {
  const results = runs.map((r) => r.result);
  const owners = noteOwners(prev.kernel?.owners ?? {}, config.checks, checks, results);
  const memory: KernelMemory = { ...prev.kernel, owners };
  const failing = checks.flatMap((c, i) => {
    const probe = probeOf(c.type);
    const r = results[i];
    return r && r.status !== "ok" && (probe?.port || probe?.watched) ? [i] : [];
  });
  if (failing.length === 0 || config.kernel_log === "off") return { results, memory };
  const now = deps.clock.now();
  const last = prev.lastRun?.startedAt;
  const since = last === undefined ? now - FIRST_LOOK_BACK_MS : Math.max(last - SLACK_MS, now - MAX_LOOK_BACK_MS);
  const log = await readKernelLog(config.kernel_log, memory, { now, since, signal });
  if (log.unavailable) deps.logger.info({ event: "kernel_log_unavailable", why: log.unavailable }, "no kernel log");
  const out = results;
  for (const i of failing) {
    const check = checks[i]!;
    const watched = watchedBy(check, owners, runs[i]!.memory);
    const evidence = findEvidence(log.lines, watched);
    if (evidence.length === 0) continue;
    const id = evidenceCause(evidence);
    const r = out[i]!;
    out[i] = { ...r, kernel: evidence, ...(id && r.cause === undefined ? { cause: describeCause(id) } : {}) };
  }
  return { results: out, memory: log.memory, ...(log.unavailable ? { unavailable: log.unavailable } : {}) };
}

/** watchedBy is what a check knows of its service's processes: its own (a process check), else its port's owner. */
function watchedBy(check: CheckConfig, owners: Owners, memory: unknown): Watched {
  const own = probeOf(check.type)?.watched?.(check as never, memory);
  if (own) return own;
  const owner = owners[check.name];
  return { pids: owner ? [owner.pid] : [] };
}

/**
 * noteOwners keeps, for each passing check of `checks` (this run's) with a port, the process that holds it. A known
 * owner that still runs is kept without a look at every process's descriptors; a failing check keeps the owner of
 * its last pass.
 */
function noteOwners(
  prev: Owners,
  all: readonly CheckConfig[],
  checks: readonly CheckConfig[],
  results: readonly ProbeResult[],
): Owners {
  // The daemon probes some checks a run: the others keep what they knew; a check no longer configured is forgotten.
  const probed = new Set(checks.map((c) => c.name));
  const next: Owners = {};
  for (const c of all) if (!probed.has(c.name) && Object.hasOwn(prev, c.name)) next[c.name] = prev[c.name]!;
  checks.forEach((check, i) => {
    const port = probeOf(check.type)?.port?.(check as never);
    if (port === undefined) return;
    const known = Object.hasOwn(prev, check.name) ? prev[check.name] : undefined;
    if (results[i]?.status !== "ok" || (known && commOf(known.pid) === known.comm)) {
      if (known) next[check.name] = known;
      return;
    }
    const pid = listeners(port)[0];
    const comm = pid === undefined ? undefined : commOf(pid);
    if (pid !== undefined && comm !== undefined) next[check.name] = { pid, comm };
  });
  return next;
}

function commOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}
