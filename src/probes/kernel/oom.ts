/**
 * The kernel's OOM-killer report, as mm/oom_kill.c prints it:
 *   `oom-kill:constraint=CONSTRAINT_MEMCG,...,task=python3,pid=1234,uid=0` (5.0+, the constraint)
 *   `Out of memory: Killed process 1234 (python3) total-vm:...kB, anon-rss:...kB, file-rss:...` (system-wide)
 *   `Memory cgroup out of memory: Killed process 1234 (python3) total-vm:...` (a cgroup's limit)
 *   `Killed process 935 (python) total-vm:113656kB, anon-rss:102104kB, ...` (older kernels, no prefix)
 */

/** OomKill is one process the OOM killer ended. */
export type OomKill = { pid: number; comm: string; anonRssKb: number; cgroup: boolean };

// comm may hold spaces and parentheses ("(resolved)"), so it runs to the last ") total-vm" or ")," of the line.
const KILLED = new RegExp(
  "(Memory cgroup out of memory: )?Killed process (\\d+) \\((.*)\\)(?:,? UID:? ?\\d+,)? " +
    "total-vm:[\\d,]+kB, anon-rss:([\\d,]+)kB",
);
const CONSTRAINT = /^oom-kill:constraint=(CONSTRAINT_\w+),.*,pid=(\d+),/;

/** parseOomKill reads a "Killed process" line of the OOM killer; undefined for any other line. */
export function parseOomKill(text: string): OomKill | undefined {
  // The literal first: most lines are not OOM reports, and the regex is only run on those that may be.
  const m = text.includes("Killed process ") ? KILLED.exec(text) : null;
  if (!m) return undefined;
  return { pid: Number(m[2]), comm: m[3]!, anonRssKb: Number(m[4]!.replace(/,/g, "")), cgroup: Boolean(m[1]) };
}

/** memcgConstraint is the pid of an `oom-kill:constraint=CONSTRAINT_MEMCG` line (a cgroup's limit), else undefined. */
export function memcgConstraint(text: string): number | undefined {
  const m = text.startsWith("oom-kill:") ? CONSTRAINT.exec(text) : null;
  return m && m[1] === "CONSTRAINT_MEMCG" ? Number(m[2]) : undefined;
}

/** formatKb says a size in kB as GiB (one decimal) or MiB. */
export function formatKb(kb: number): string {
  return kb >= 1024 * 1024 ? `${(kb / 1024 / 1024).toFixed(1)} GiB` : `${Math.round(kb / 1024)} MiB`;
}
