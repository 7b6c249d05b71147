import { readdir, readFile } from "node:fs/promises";
import { z } from "zod";
import { regex, size } from "../config/fields.js";
import type { Probe, Status } from "./types.js";

/** processConfigSchema is a `type: process` check: enough live (non-zombie) processes, none too big. */
export const processConfigSchema = z.strictObject({
  type: z.literal("process"),
  /** Regex on the full command line (arguments joined by spaces). */
  match: regex.optional(),
  /**
   * Exact process name (comm, as in `ps -o comm`; the kernel cuts it to 15 characters). Not `name`: every check's
   * `name` is its own name.
   */
  comm: z.string().min(1).optional(),
  /** A file holding the pid. */
  pidfile: z.string().min(1).optional(),
  min: z.number().int().min(0).default(1),
  max: z.number().int().min(0).optional(),
  /** Warning when one process has more resident memory than this. */
  max_rss: size.optional(),
});
export type ProcessConfig = z.infer<typeof processConfigSchema>;

/** ProcInfo is what /proc says of one process. */
export type ProcInfo = { pid: number; comm: string; state: string; cmdline: string };

/** parseStat reads comm and state from /proc/PID/stat; comm may hold spaces and parentheses. */
export function parseStat(text: string): { comm: string; state: string } | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  return { comm: text.slice(open + 1, close), state: text.slice(close + 2, close + 3) };
}

/** readProc reads one process; undefined when it exited meanwhile (or is not readable). */
async function readProc(pid: number, root: string): Promise<ProcInfo | undefined> {
  try {
    const stat = parseStat(await readFile(`${root}/${pid}/stat`, "utf8"));
    if (!stat) return undefined;
    const raw = await readFile(`${root}/${pid}/cmdline`).catch(() => Buffer.alloc(0));
    const cmdline = raw.toString("utf8").replace(/\0+$/, "").replace(/\0/g, " ");
    return { pid, comm: stat.comm, state: stat.state, cmdline };
  } catch {
    // ENOENT/ESRCH: it exited between readdir and read. Not an error.
    return undefined;
  }
}

/** rssBytes reads VmRSS from /proc/PID/status; undefined when gone. */
async function rssBytes(pid: number, root: string): Promise<number | undefined> {
  try {
    const m = /^VmRSS:\s+(\d+)\s*kB/m.exec(await readFile(`${root}/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** listProcesses reads every process under /proc, skipping those that vanish while being read. */
export async function listProcesses(root = "/proc"): Promise<ProcInfo[]> {
  const pids = (await readdir(root)).filter((n) => /^\d+$/.test(n)).map(Number);
  const out: ProcInfo[] = [];
  for (const pid of pids) {
    const p = await readProc(pid, root);
    if (p) out.push(p);
  }
  return out;
}

function matches(p: ProcInfo, cfg: ProcessConfig, re: RegExp | undefined): boolean {
  if (p.pid === process.pid) return false;
  if (re) return p.cmdline !== "" && re.test(p.cmdline);
  if (cfg.comm) {
    const argv0 = p.cmdline.split(" ")[0] ?? "";
    return p.comm === cfg.comm || (cfg.comm.length > 15 && cfg.comm.slice(0, 15) === p.comm) || argv0.slice(argv0.lastIndexOf("/") + 1) === cfg.comm;
  }
  return false;
}

const fmtMiB = (b: number) => `${Math.round(b / 1048576)} MiB`;

/** processProbe finds processes by command line, comm or pidfile in /proc and counts the live ones. */
export const processProbe: Probe<ProcessConfig> = {
  type: "process",
  async run(cfg) {
    const selectors = [cfg.match, cfg.comm, cfg.pidfile].filter((s) => s !== undefined).length;
    if (selectors !== 1) return { status: "unknown", summary: "a process check needs exactly one of match, comm or pidfile" };
    const what = cfg.match ? `/${cfg.match}/` : cfg.comm ? `comm ${cfg.comm}` : `pidfile ${cfg.pidfile}`;
    let found: ProcInfo[];
    try {
      if (cfg.pidfile) {
        let text: string;
        try {
          text = await readFile(cfg.pidfile, "utf8");
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "ENOENT") return { status: "critical", summary: `pidfile ${cfg.pidfile} does not exist (not running?)` };
          return { status: "unknown", summary: `cannot read pidfile ${cfg.pidfile}: ${code ?? (err as Error).message}` };
        }
        const pid = Number(text.trim().split(/\s+/)[0]);
        if (!Number.isInteger(pid) || pid <= 0) return { status: "unknown", summary: `pidfile ${cfg.pidfile} holds no pid` };
        const p = await readProc(pid, "/proc");
        found = p ? [p] : [];
      } else {
        const re = cfg.match ? new RegExp(cfg.match) : undefined;
        found = (await listProcesses()).filter((p) => matches(p, cfg, re));
      }
    } catch (err) {
      return { status: "unknown", summary: `cannot read /proc: ${(err as Error).message}` };
    }
    const zombies = found.filter((p) => p.state === "Z");
    const alive = found.filter((p) => p.state !== "Z");
    const notes: string[] = [];
    if (zombies.length) notes.push(`${zombies.length} zombie${zombies.length === 1 ? "" : "s"} not counted (pid ${zombies.map((p) => p.pid).join(", ")})`);
    const metrics: Record<string, number> = { count: alive.length, zombies: zombies.length };
    let status: Status = "ok";
    const problems: string[] = [];
    if (cfg.max_rss !== undefined) {
      let maxSeen = 0;
      for (const p of alive) {
        const rss = await rssBytes(p.pid, "/proc");
        if (rss === undefined) continue;
        maxSeen = Math.max(maxSeen, rss);
        if (rss > cfg.max_rss) problems.push(`pid ${p.pid} uses ${fmtMiB(rss)} RSS, over ${fmtMiB(cfg.max_rss)}`);
      }
      metrics.max_rss_bytes = maxSeen;
      if (problems.length) status = "warning";
    }
    const pids = alive.slice(0, 10).map((p) => p.pid).join(", ") + (alive.length > 10 ? `, … (${alive.length})` : "");
    let summary: string;
    if (alive.length < cfg.min) {
      status = "critical";
      summary = alive.length === 0 ? `no process matches ${what}` : `${alive.length} process${alive.length === 1 ? "" : "es"} match ${what} (pid ${pids}), fewer than ${cfg.min}`;
    } else if (cfg.max !== undefined && alive.length > cfg.max) {
      if (status === "ok") status = "warning";
      summary = `${alive.length} processes match ${what} (pid ${pids}), more than ${cfg.max}`;
    } else {
      summary = alive.length === 0 ? `no process matches ${what}, as expected` : `${alive.length} process${alive.length === 1 ? "" : "es"} match ${what}: pid ${pids}`;
    }
    if (problems.length) summary += `; ${problems[0]}`;
    if (zombies.length) summary += `; ${notes[0]}`;
    const detail = [...problems, ...alive.slice(0, 20).map((p) => `pid ${p.pid} ${p.comm}: ${p.cmdline.slice(0, 200)}`)].join("\n");
    return { status, summary, ...(detail ? { detail } : {}), metrics };
  },
};
