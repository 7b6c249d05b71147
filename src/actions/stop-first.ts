import fs from "node:fs";
import type { CheckConfig, RestartConfig } from "../config/schema.js";
import { probeOf } from "../probes/registry.js";
import { runCommand } from "../run-command.js";

/** STOP_GRACE_MS is how long a TERMed process may take to exit before it is KILLed. */
const STOP_GRACE_MS = 10_000;

/**
 * stopFirst ends what a hung service still holds before the hook starts a new copy: the `stop` command, then (with
 * stop_hung) the processes listening on the check's port, TERM (and CONT, so a SIGSTOPped one gets it), a grace,
 * KILL. It says what it did, for the message; "" when there was nothing to do.
 */
export async function stopFirst(check: CheckConfig, cfg: RestartConfig, signal: AbortSignal): Promise<string> {
  const said: string[] = [];
  if (cfg.stop !== undefined) {
    const argv = typeof cfg.stop === "string" ? (cfg.shell ? [cfg.stop] : cfg.stop.split(/\s+/)) : cfg.stop;
    const r = await runCommand(argv, { shell: cfg.shell, timeoutMs: cfg.timeout, signal, maxOutput: 4096 });
    const how = r.spawnError
      ? `could not start (${r.spawnError.code ?? r.spawnError.message})`
      : r.timedOut
        ? "timed out"
        : r.signal
          ? `was killed by ${r.signal}`
          : `exited ${r.exitCode}`;
    said.push(`stop command ${how}`);
  }
  const port = cfg.stop_hung ? portOf(check) : undefined;
  if (port !== undefined) {
    for (const pid of listeners(port)) said.push(await endProcess(pid, port, cfg.stop_grace ?? STOP_GRACE_MS, signal));
  }
  return said.join("; ");
}

/** portOf is the TCP port the check's probe targets (tcp, http); undefined for types without one. */
export function portOf(check: CheckConfig): number | undefined {
  return probeOf(check.type)?.port?.(check as never);
}

/**
 * heldBy says which of the processes that held the check's port before the hook (`before`) still hold it after a
 * restart that did not help, and the fix; "" if none (a new copy that answers wrongly is not blamed on the old).
 */
export function heldBy(check: CheckConfig, before: readonly number[]): string {
  const port = portOf(check);
  const pids = port === undefined ? [] : listeners(port).filter((pid) => before.includes(pid));
  if (port === undefined || pids.length === 0) return "";
  const who = pids.map((pid) => `pid ${pid} (${commOf(pid)})`).join(", ");
  return `port ${port} is still held by ${who}: set restart.stop_hung: true (or restart.stop) to end it first`;
}

/** listeners are the pids with a socket listening on port (IPv4 or IPv6), read from /proc as root or as their user. */
export function listeners(port: number): number[] {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] is ADDR:PORT in hex, f[3] the state (0A = LISTEN), f[9] the socket's inode.
      if (f[3] === "0A" && parseInt(f[1]?.split(":")[1] ?? "", 16) === port && f[9]) inodes.add(`socket:[${f[9]}]`);
    }
  }
  // Nothing listens: no need to look at every process's descriptors.
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readdirSync(`/proc/${name}/fd`).some((fd) => inodes.has(readLink(`/proc/${name}/fd/${fd}`)))) {
        pids.push(Number(name));
      }
    } catch {
      // Gone, or another user's: not ours to stop.
    }
  }
  return pids;
}

function readLink(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return "";
  }
}

/** endProcess sends TERM (and CONT), waits up to grace for the process to go, then KILLs it; says what it did. */
async function endProcess(pid: number, port: number, grace: number, signal: AbortSignal): Promise<string> {
  const what = `pid ${pid} (${commOf(pid)}) listening on port ${port}`;
  try {
    process.kill(pid, "SIGTERM");
    process.kill(pid, "SIGCONT");
  } catch (err) {
    return `could not stop ${what}: ${(err as NodeJS.ErrnoException).code}`;
  }
  for (let waited = 0; waited < grace && !signal.aborted; waited += 100) {
    if (!running(pid)) return `stopped first: ${what} (TERM)`;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!running(pid)) return `stopped first: ${what} (TERM)`;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone between the look and the kill.
  }
  return `stopped first: ${what} (KILL after ${grace / 1000}s)`;
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
