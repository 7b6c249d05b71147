import { readFile } from "node:fs/promises";
import { z } from "zod";
import { size, textRegex } from "../../core/fields.js";
import { compileLinear } from "../../core/linear-regex.js";
import { bootTime, earliest } from "../port-owner.js";
import { eachLimit, fillCmdlines, readCmdline, readStat, scanProcesses } from "../proc-scan.js";
import type { ProcInfo, Select } from "../proc-scan.js";
import { defineProbe, say, type PartOf, type ProbeOutput, type Started, type Status } from "../types.js";
import { words } from "./words.js";

type ProcessPart = PartOf<typeof words>;

/** found is a result of one phrase. */
function found1(status: Status, key: ProcessPart["key"], values?: ProcessPart["values"]): ProbeOutput {
  return { status, ...say(words, [values ? { key, values } : { key }]) };
}

export { parseStat, scanProcesses } from "../proc-scan.js";

/** processConfigSchema is a `type: process` check: enough live (non-zombie) processes, none too big. */
export const processConfigSchema = z.strictObject({
  type: z.literal("process"),
  // match is a linear-time regex: a command line is text from outside, and another user can make one long and hostile.
  match: textRegex
    .optional()
    .describe("A regex on the full command line (arguments joined by spaces); one of match, comm or pidfile."),
  comm: z
    .string()
    .min(1)
    .optional()
    .describe("The exact process name as `ps -o comm` shows it, cut to 15 characters (not `name`: the check's own)."),
  pidfile: z.string().min(1).optional().describe("A file holding the pid of the one process to count."),
  min: z.number().int().min(0).default(1).describe("Fewer live processes than this is critical; zombies do not count."),
  max: z.number().int().min(0).optional().describe("More processes than this is a warning."),
  max_rss: size.optional().describe("One process with more resident memory than this (e.g. 24GiB) is a warning."),
});
export type ProcessConfig = z.infer<typeof processConfigSchema>;

/** rssBytes reads VmRSS from /proc/PID/status (matched processes only); undefined when gone. */
async function rssBytes(pid: number): Promise<number | undefined> {
  try {
    const m = /^VmRSS:\s+(\d+)\s*kB/m.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * commMatcher compares with the kernel's comm (`ps -o comm`): the executable's name cut to 15 bytes, so a longer
 * configured name matches on its first 15 bytes.
 */
function commMatcher(want: string): (comm: string) => boolean {
  const cut = Buffer.from(want).subarray(0, 15).toString("utf8");
  return (comm) => comm === want || (cut !== want && comm === cut);
}

/** selects keeps each check's selection, its pattern compiled once for the life of the config, not once a run. */
const selects = new WeakMap<ProcessConfig, Select>();

function selectOf(cfg: ProcessConfig): Select {
  let select = selects.get(cfg);
  if (!select) {
    const re = cfg.match !== undefined ? compileLinear(cfg.match) : undefined;
    select = re ? { cmdline: (c) => re.test(c) } : { comm: commMatcher(cfg.comm!) };
    selects.set(cfg, select);
  }
  return select;
}

/** findProcesses reads /proc lean, only what the selector needs (see scanProcesses); never counts watchdog itself. */
async function findProcesses(cfg: ProcessConfig, signal: AbortSignal): Promise<ProcInfo[]> {
  return (await scanProcesses(selectOf(cfg), "/proc", signal)).filter((p) => p.pid !== process.pid);
}

/** readPid reads one pid's stat and command line, for a pidfile check. */
async function readPid(pid: number): Promise<ProcInfo[]> {
  const st = readStat(pid);
  return st ? [{ pid, ...st, cmdline: (await readCmdline(pid)) ?? "" }] : [];
}

/** WATCHED_MAX bounds the pids a passing check remembers for its kernel evidence. */
const WATCHED_MAX = 64;

const fmtMiB = (b: number) => `${Math.round(b / 1048576)} MiB`;

/** startedOf is when the first of the matched processes started, for the warm-up after a restart (engine). */
function startedOf(alive: readonly ProcInfo[]): { started?: Started } {
  const boot = alive.length ? bootTime() : undefined;
  const first =
    boot === undefined
      ? undefined
      : earliest(
          alive.map((p) => p.pid),
          boot,
        );
  if (!first) return {};
  const state = alive.find((p) => p.pid === first.pid)?.state;
  return { started: { at: first.at, ...(state === "T" || state === "t" ? { stopped: true as const } : {}) } };
}

/** processProbe finds processes by command line, comm or pidfile in /proc and counts the live ones. */
export const processProbe = defineProbe(processConfigSchema, {
  words,
  async run(cfg, { signal }) {
    const selectors = [cfg.match, cfg.comm, cfg.pidfile].filter((s) => s !== undefined).length;
    if (selectors !== 1) return found1("unknown", "selectors");
    const what = cfg.match ? `/${cfg.match}/` : cfg.comm ? `comm ${cfg.comm}` : `pidfile ${cfg.pidfile}`;
    let found: ProcInfo[];
    try {
      if (cfg.pidfile) {
        let text: string;
        try {
          text = await readFile(cfg.pidfile, "utf8");
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "ENOENT") return found1("critical", "noPidfile", { file: cfg.pidfile });
          return found1("unknown", "pidfileUnread", { file: cfg.pidfile, why: code ?? (err as Error).message });
        }
        const pid = Number(text.trim().split(/\s+/)[0]);
        if (!Number.isInteger(pid) || pid <= 0) return found1("unknown", "pidfileEmpty", { file: cfg.pidfile });
        found = await readPid(pid);
      } else {
        found = await findProcesses(cfg, signal);
      }
    } catch (err) {
      return found1("unknown", "procUnread", { why: (err as Error).message });
    }
    const zombies = found.filter((p) => p.state === "Z");
    const alive = found.filter((p) => p.state !== "Z");
    const metrics: Record<string, number> = { count: alive.length, zombies: zombies.length };
    let status: Status = "ok";
    const problems: string[] = [];
    let firstOver: ProcessPart | undefined;
    if (cfg.max_rss !== undefined) {
      let maxSeen = 0;
      const limit = cfg.max_rss;
      const over: { pid: number; rss: number }[] = [];
      await eachLimit(alive, 64, signal, async (p) => {
        const rss = await rssBytes(p.pid);
        if (rss === undefined) return;
        maxSeen = Math.max(maxSeen, rss);
        if (rss > limit) over.push({ pid: p.pid, rss });
      });
      for (const o of over.sort((a, b) => a.pid - b.pid)) {
        problems.push(`pid ${o.pid} uses ${fmtMiB(o.rss)} RSS, over ${fmtMiB(limit)}`);
        firstOver ??= { key: "rss", values: { pid: o.pid, rss: fmtMiB(o.rss), limit: fmtMiB(limit) } };
      }
      metrics.max_rss_bytes = maxSeen;
      if (problems.length) status = "warning";
    }
    const pids =
      alive
        .slice(0, 10)
        .map((p) => p.pid)
        .join(", ") + (alive.length > 10 ? `, … (${alive.length})` : "");
    const n = alive.length;
    let head: ProcessPart;
    if (n < cfg.min) {
      status = "critical";
      head = n === 0 ? { key: "none", values: { what } } : { key: "fewer", values: { n, what, pids, min: cfg.min } };
    } else if (cfg.max !== undefined && n > cfg.max) {
      if (status === "ok") status = "warning";
      head = { key: "more", values: { n, what, pids, max: cfg.max } };
    } else {
      head = n === 0 ? { key: "noneExpected", values: { what } } : { key: "match", values: { n, what, pids } };
    }
    const parts = [head];
    if (firstOver) parts.push(firstOver);
    if (zombies.length) {
      parts.push({ key: "zombies", values: { n: zombies.length, pids: zombies.map((p) => p.pid).join(", ") } });
    }
    // Only the processes the detail names need their command line (a comm scan did not read it).
    await fillCmdlines(alive.slice(0, 20), "/proc", signal);
    const detail = [
      ...problems,
      ...alive.slice(0, 20).map((p) => `pid ${p.pid} ${p.comm}: ${p.cmdline.slice(0, 200)}`),
    ].join("\n");
    // The pids of a pass are remembered: an OOM kill of one of them names the cause of a later failure.
    const memory =
      status === "ok" && alive.length ? { pids: alive.slice(0, WATCHED_MAX).map((p) => p.pid) } : undefined;
    const kept = { ...(detail ? { detail } : {}), ...(memory ? { memory } : {}), ...startedOf(alive) };
    return { status, ...say(words, parts), metrics, ...kept };
  },
  watched(cfg, memory) {
    const pids = (memory as { pids?: unknown } | undefined)?.pids;
    const known = Array.isArray(pids) ? pids.filter((p): p is number => Number.isSafeInteger(p)) : [];
    return { pids: known, ...(cfg.comm !== undefined ? { comm: cfg.comm } : {}) };
  },
});
