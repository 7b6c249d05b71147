import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import { z } from "zod";
import { percent } from "../../core/fields.js";
import { cjs } from "../../lazy.js";
import { defineProbe, say, type PartOf, type Status, worst } from "../types.js";
import { words } from "./words.js";

const thresholds = (warning: number, critical: number) =>
  z.strictObject({
    warning: percent.default(warning).describe("Percent used at or above which the check is a warning."),
    critical: percent.default(critical).describe("Percent used at or above which the check is critical."),
  });

/** systemConfigSchema is a `type: system` check: this host's disk, memory and load. */
export const systemConfigSchema = z.strictObject({
  type: z.literal("system"),
  disk: z
    .strictObject({
      paths: z.array(z.string().min(1)).min(1).default(["/"]).describe("Mount points (or paths on them) to measure."),
      warning: percent.default(85).describe("Percent used, as df counts it, at or above which the check is a warning."),
      critical: percent.default(95).describe("Percent used at or above which the check is critical."),
    })
    .or(z.literal(false))
    .default({ paths: ["/"], warning: 85, critical: 95 })
    .describe("Disk space used on each path; false: not checked."),
  memory: thresholds(90, 97)
    .or(z.literal(false))
    .default({ warning: 90, critical: 97 })
    .describe("Memory used (available memory counts as free); false: not checked."),
  load: z
    .strictObject({
      warning: z.number().positive().default(2).describe("Load per core at or above which the check is a warning."),
      critical: z.number().positive().default(4).describe("Load per core at or above which the check is critical."),
    })
    .or(z.literal(false))
    .default({ warning: 2, critical: 4 })
    .describe("The 1-minute load average divided by the number of cores; false: not checked."),
});
export type SystemConfig = z.infer<typeof systemConfigSchema>;

type SystemPart = PartOf<typeof words>;
type Finding = { status: Status; parts: SystemPart[] };

function grade(value: number, t: { warning: number; critical: number }): Status {
  return value >= t.critical ? "critical" : value >= t.warning ? "warning" : "ok";
}

/** finding grades a value and, when it is not ok, names the threshold it crossed ("disk / 91% (warning at 85%)"). */
function finding(what: SystemPart, value: number, t: { warning: number; critical: number }, unit = "%"): Finding {
  const status = grade(value, t);
  if (status !== "critical" && status !== "warning") return { status, parts: [what] };
  return { status, parts: [what, { key: status, values: { limit: t[status], unit } }] };
}

/** systemProbe reads disk usage with statfs, memory via systeminformation and the load average. */
export const systemProbe = defineProbe(systemConfigSchema, {
  words,
  async run(cfg) {
    const findings: Finding[] = [];
    const metrics: Record<string, number> = {};
    if (cfg.disk) {
      for (const path of cfg.disk.paths) {
        try {
          const s = await statfs(path);
          // Like df: used / (used + available to unprivileged users).
          const used = (s.blocks - s.bfree) * s.bsize;
          const avail = s.bavail * s.bsize;
          const pct = used + avail > 0 ? (used / (used + avail)) * 100 : 0;
          metrics[`disk_used_percent:${path}`] = round1(pct);
          findings.push(finding({ key: "disk", values: { path, pct: round1(pct) } }, pct, cfg.disk));
        } catch (err) {
          const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          findings.push({ status: "unknown", parts: [{ key: "diskUnread", values: { path, why } }] });
        }
      }
    }
    if (cfg.memory) {
      const pct = await memoryUsedPercent();
      metrics.memory_used_percent = round1(pct);
      findings.push(finding({ key: "memory", values: { pct: round1(pct) } }, pct, cfg.memory));
    }
    if (cfg.load) {
      const perCore = (os.loadavg()[0] ?? 0) / Math.max(1, os.availableParallelism());
      metrics.load_per_core = Math.round(perCore * 100) / 100;
      const load: SystemPart = { key: "load", values: { perCore: metrics.load_per_core } };
      findings.push(finding(load, perCore, cfg.load, "/core"));
    }
    const status = worst(findings.map((f) => f.status));
    const shown = status === "ok" ? findings : findings.filter((f) => f.status !== "ok");
    const parts = shown.flatMap((f, i): SystemPart[] => (i === 0 ? f.parts : [{ key: "comma" }, ...f.parts]));
    return { status, ...say(words, parts.length ? parts : [{ key: "nothing" }]), metrics };
  },
});

/** memoryUsedPercent counts "available" memory (page cache is free to reclaim), as `free` does. */
async function memoryUsedPercent(): Promise<number> {
  // On Linux /proc/meminfo is one read; elsewhere systeminformation knows the platform's way.
  try {
    const info = await readFile("/proc/meminfo", "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(info)?.[1]);
    const total = kb("MemTotal");
    const available = kb("MemAvailable");
    if (total > 0 && Number.isFinite(available)) return ((total - available) / total) * 100;
  } catch {
    // Not Linux: fall through.
  }
  const si = cjs(await import("systeminformation"));
  const m = await si.mem();
  return m.total > 0 ? ((m.total - m.available) / m.total) * 100 : 0;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
