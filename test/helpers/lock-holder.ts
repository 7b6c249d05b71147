import { spawn, type ChildProcess } from "node:child_process";
import { statFields } from "./proc.js";

/** startTimeOf reads a pid's kernel start time (field 22 of /proc/PID/stat), as the lock records it. */
export function startTimeOf(pid: number): string {
  return statFields(pid)[19]!;
}

/**
 * spawnLockHolder starts a long-lived process whose command line names watchdog (as a real run's does), and returns
 * it with the lock line a run of it would write: "pid starttime". The caller kills it.
 */
export function spawnLockHolder(): { child: ChildProcess; line: string } {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "watchdog-holder"], { stdio: "ignore" });
  return { child, line: `${child.pid} ${startTimeOf(child.pid!)}\n` };
}
