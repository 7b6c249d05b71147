import fs from "node:fs";

/**
 * USER_HZ is the unit of /proc's start times: the kernel reports them in 1/100 s on every architecture userland sees,
 * whatever its internal tick (sysconf(_SC_CLK_TCK) is 100 there too).
 */
const USER_HZ = 100;

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
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readdirSync(`/proc/${name}/fd`).some((fd) => inodes.has(readLink(`/proc/${name}/fd/${fd}`)))) {
        pids.push(Number(name));
      }
    } catch {
      // Gone, or another user's: not ours to see.
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

/** bootTime is when the host booted (epoch ms), from /proc/stat's btime; undefined when unreadable. */
export function bootTime(): number | undefined {
  try {
    const m = /^btime (\d+)$/m.exec(fs.readFileSync("/proc/stat", "utf8"));
    return m ? Number(m[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** startTimeOf is when a process started (epoch ms): /proc/PID/stat field 22 after boot; undefined when gone. */
export function startTimeOf(pid: number, boot: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // After "(comm) " (comm may hold spaces and parentheses): state is field 3, starttime field 22.
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    return Number.isFinite(ticks) ? boot + (ticks * 1000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/** earliest is the pid among pids that started first, with its start time. */
export function earliest(pids: readonly number[], boot: number): { pid: number; at: number } | undefined {
  let best: { pid: number; at: number } | undefined;
  for (const pid of pids) {
    const at = startTimeOf(pid, boot);
    if (at !== undefined && (!best || at < best.at)) best = { pid, at };
  }
  return best;
}
