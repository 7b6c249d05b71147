import fs from "node:fs";
import type { CheckConfig, RestartConfig } from "../config/schema.js";
import type { HeldPort, StopStep } from "../engine/types.js";
import { listeners } from "../probes/port-owner.js";
import { probeOf } from "../probes/registry.js";
import { runCommand } from "../run-command.js";

/** STOP_GRACE_MS is how long a TERMed process may take to exit before it is KILLed. */
const STOP_GRACE_MS = 10_000;

/**
 * stopFirst ends what a hung service still holds before the hook starts a new copy: the `stop` command, then (with
 * stop_hung) the processes listening on the check's port, TERM (and CONT, so a SIGSTOPped one gets it), a grace,
 * KILL. It says what it did, step by step, for the message (worded in each locale by the renderer).
 */
export async function stopFirst(check: CheckConfig, cfg: RestartConfig, signal: AbortSignal): Promise<StopStep[]> {
  const steps: StopStep[] = [];
  if (cfg.stop !== undefined) {
    const argv = typeof cfg.stop === "string" ? (cfg.shell ? [cfg.stop] : cfg.stop.split(/\s+/)) : cfg.stop;
    const r = await runCommand(argv, { shell: cfg.shell, timeoutMs: cfg.timeout, signal, maxOutput: 4096 });
    steps.push(
      r.spawnError
        ? { step: "command", spawnError: r.spawnError.code ?? r.spawnError.message }
        : { step: "command", exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut },
    );
  }
  const port = cfg.stop_hung ? portOf(check) : undefined;
  if (port !== undefined) {
    for (const pid of listeners(port)) steps.push(await endProcess(pid, port, cfg.stop_grace ?? STOP_GRACE_MS, signal));
  }
  return steps;
}

/** portOf is the TCP port the check's probe targets (tcp, http); undefined for types without one. */
export function portOf(check: CheckConfig): number | undefined {
  return probeOf(check.type)?.port?.(check as never);
}

/**
 * heldBy names which of the processes that held the check's port before the hook (`before`) still hold it after a
 * restart that did not help; undefined if none (a new copy that answers wrongly is not blamed on the old).
 */
export function heldBy(check: CheckConfig, before: readonly number[]): HeldPort | undefined {
  const port = portOf(check);
  const pids = port === undefined ? [] : listeners(port).filter((pid) => before.includes(pid));
  if (port === undefined || pids.length === 0) return undefined;
  return { port, pids: pids.map((pid) => ({ pid, comm: commOf(pid) })) };
}

/** redactStep masks secrets in the words a step carries from outside (a process's name, an error). */
export function redactStep(s: StopStep, redact: (text: string) => string): StopStep {
  if (s.step === "command") return s.spawnError === undefined ? s : { ...s, spawnError: redact(s.spawnError) };
  return { ...s, comm: redact(s.comm), ...(s.error === undefined ? {} : { error: redact(s.error) }) };
}

/** endProcess sends TERM (and CONT), waits up to grace for the process to go, then KILLs it; says what it did. */
async function endProcess(pid: number, port: number, grace: number, signal: AbortSignal): Promise<StopStep> {
  const proc = { step: "process", pid, comm: commOf(pid), port } as const;
  try {
    process.kill(pid, "SIGTERM");
    process.kill(pid, "SIGCONT");
  } catch (err) {
    return { ...proc, error: String((err as NodeJS.ErrnoException).code) };
  }
  for (let waited = 0; waited < grace && !signal.aborted; waited += 100) {
    if (!running(pid)) return { ...proc, by: "TERM" };
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!running(pid)) return { ...proc, by: "TERM" };
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone between the look and the kill.
  }
  return { ...proc, by: "KILL", graceMs: grace };
}

function commOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

/** running is false for a process that is gone or a zombie (its sockets are closed). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
