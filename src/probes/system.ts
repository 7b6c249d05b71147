import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import { z } from "zod";
import { percent } from "../core/fields.js";
import { cjs } from "../lazy.js";
import { defineProbe, type Status, worst } from "./types.js";

const thresholds = (warning: number, critical: number) =>
  z.strictObject({ warning: percent.default(warning), critical: percent.default(critical) });

/** systemConfigSchema is a `type: system` check: this host's disk, memory and load. */
export const systemConfigSchema = z.strictObject({
  type: z.literal("system"),
  disk: z
    .strictObject({
      paths: z.array(z.string().min(1)).min(1).default(["/"]),
      warning: percent.default(85),
      critical: percent.default(95),
    })
    .or(z.literal(false))
    .default({ paths: ["/"], warning: 85, critical: 95 }),
  memory: thresholds(90, 97).or(z.literal(false)).default({ warning: 90, critical: 97 }),
  /** Load average (1 min) divided by the number of cores. */
  load: z
    .strictObject({ warning: z.number().positive().default(2), critical: z.number().positive().default(4) })
    .or(z.literal(false))
    .default({ warning: 2, critical: 4 }),
});
export type SystemConfig = z.infer<typeof systemConfigSchema>;

type Finding = { status: Status; text: string };

function grade(value: number, t: { warning: number; critical: number }): Status {
  return value >= t.critical ? "critical" : value >= t.warning ? "warning" : "ok";
}

/** finding grades a value and, when it is not ok, names the threshold it crossed ("disk / 91% (warning at 85%)"). */
function finding(text: string, value: number, t: { warning: number; critical: number }, unit = "%"): Finding {
  const status = grade(value, t);
  return {
    status,
    text: status === "ok" ? text : `${text} (${status} at ${status === "critical" ? t.critical : t.warning}${unit})`,
  };
}

/** systemProbe reads disk usage with statfs, memory via systeminformation and the load average. */
export const systemProbe = defineProbe(systemConfigSchema, {
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
          findings.push(finding(`disk ${path} ${round1(pct)}%`, pct, cfg.disk));
        } catch (err) {
          findings.push({
            status: "unknown",
            text: `disk ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          });
        }
      }
    }
    if (cfg.memory) {
      const pct = await memoryUsedPercent();
      metrics.memory_used_percent = round1(pct);
      findings.push(finding(`memory ${round1(pct)}%`, pct, cfg.memory));
    }
    if (cfg.load) {
      const perCore = (os.loadavg()[0] ?? 0) / Math.max(1, os.availableParallelism());
      metrics.load_per_core = Math.round(perCore * 100) / 100;
      findings.push(finding(`load ${metrics.load_per_core}/core`, perCore, cfg.load, "/core"));
    }
    const status = worst(findings.map((f) => f.status));
    const shown = status === "ok" ? findings : findings.filter((f) => f.status !== "ok");
    return { status, summary: shown.map((f) => f.text).join(", ") || "nothing to check", metrics };
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
