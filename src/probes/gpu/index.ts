import { z } from "zod";
import { duration, percent, size } from "../../core/fields.js";
import { findOnPath } from "../../on-path.js";
import { runCommand } from "../../run-command.js";
import { defineProbe, say, type PartOf, type ProbeOutput, type Status, worst } from "../types.js";
import { idleSchema, judgeIdle, readIdleMemory, type IdleVerdict } from "./idle.js";
import { APPS_QUERY, describeFailure, GPU_QUERY, parseGpuCsv, parseValue, type GpuRow } from "./nvidia-smi.js";
import { readQueue } from "./queue.js";
import { judgeStuck, parseLimits, POWER_QUERY, readStuckMemory, stuckSchema } from "./stuck.js";
import { words } from "./words.js";

type GpuPart = PartOf<typeof words>;

export { describeFailure, GPU_FIELDS, GPU_QUERY, parseGpuCsv, parseValue, type GpuRow } from "./nvidia-smi.js";

const levels = (warning: number, critical: number) =>
  z
    .strictObject({
      warning: percent.default(warning).describe("Warning at or above this percent of the GPU's memory used."),
      critical: percent.default(critical).describe("Critical at or above this percent of the GPU's memory used."),
    })
    .or(z.literal(false))
    .default({ warning, critical });

/** gpuConfigSchema is a `type: gpu` check: every NVIDIA GPU answers, with memory, temperature and ECC within bounds. */
export const gpuConfigSchema = z.strictObject({
  type: z.literal("gpu").describe("NVIDIA GPUs, read with nvidia-smi."),
  nvidia_smi: z
    .string()
    .min(1)
    .default("nvidia-smi")
    .describe("The nvidia-smi to run: a name on PATH or a full path (set it when cron's PATH lacks it)."),
  timeout: duration
    .default(10_000)
    .describe("nvidia-smi answering later than this is killed and named a probable GPU hang."),
  missing: z
    .enum(["unknown", "critical", "warning", "ok"])
    .default("unknown")
    .describe("The status when nvidia-smi is not on this host; ok for a config shared with hosts without a GPU."),
  memory: levels(90, 98).describe("Memory used, percent of total; false when the service reserves it all (vLLM)."),
  temperature: z
    .strictObject({
      warning: z.number().default(80).describe("Warning at or above this many degrees Celsius."),
      critical: z.number().default(90).describe("Critical at or above this many degrees Celsius."),
    })
    .or(z.literal(false))
    .default({ warning: 80, critical: 90 })
    .describe("GPU temperature in degrees Celsius; false to leave it unjudged."),
  count: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('GPUs expected: fewer listed is critical ("GPU missing"); set it on a multi-GPU box.'),
  min_free_memory: size
    .optional()
    .describe('Warning when a GPU has less free memory than this ("20GiB"): the next model would not fit.'),
  ecc: z.boolean().default(true).describe("Uncorrected volatile ECC errors above 0 are critical."),
  processes: z.boolean().default(false).describe("List the GPU processes (pid, name, memory) in the detail."),
  stuck: stuckSchema
    .optional()
    .describe("Critical when a GPU's utilization stays pinned while its power draw stays far below its limit."),
  idle_while_queued: idleSchema
    .optional()
    .describe("Critical when the service's queue is not empty while its GPUs sit idle: it stopped feeding them."),
});
export type GpuConfig = z.infer<typeof gpuConfigSchema>;

const round = (n: number) => Math.round(n * 10) / 10;

/** judgeGpus grades each GPU and the count; findings come worst first. */
export function judgeGpus(
  rows: readonly GpuRow[],
  cfg: GpuConfig,
): { status: Status; findings: GpuPart[]; detail: string[]; metrics: Record<string, number> } {
  const found: { status: Status; part: GpuPart }[] = [];
  const detail: string[] = [];
  const metrics: Record<string, number> = { gpu_count: rows.length };
  const grade = (v: number, t: { warning: number; critical: number }): Status =>
    v >= t.critical ? "critical" : v >= t.warning ? "warning" : "ok";
  if (cfg.count !== undefined && rows.length < cfg.count)
    found.push({ status: "critical", part: { key: "missing", values: { found: rows.length, want: cfg.count } } });
  for (const g of rows) {
    const id = `GPU${g.index}`;
    const parts: string[] = [];
    if (g.memoryUsedMiB !== undefined && g.memoryTotalMiB !== undefined && g.memoryTotalMiB > 0) {
      const pct = round((g.memoryUsedMiB / g.memoryTotalMiB) * 100);
      metrics[`gpu${g.index}_memory_used_percent`] = pct;
      parts.push(`memory ${pct}% (${g.memoryUsedMiB}/${g.memoryTotalMiB} MiB)`);
      if (cfg.memory) found.push({ status: grade(pct, cfg.memory), part: { key: "memory", values: { id, pct } } });
      const freeBytes = (g.memoryTotalMiB - g.memoryUsedMiB) * 1024 * 1024;
      if (cfg.min_free_memory !== undefined && freeBytes < cfg.min_free_memory) {
        const values = { id, free: g.memoryTotalMiB - g.memoryUsedMiB, min: Math.round(cfg.min_free_memory / 1048576) };
        found.push({ status: "warning", part: { key: "lowFree", values } });
      }
    } else parts.push("memory unknown");
    if (g.temperature !== undefined) {
      metrics[`gpu${g.index}_temperature_c`] = g.temperature;
      parts.push(`${g.temperature}°C`);
      if (cfg.temperature)
        found.push({
          status: grade(g.temperature, cfg.temperature),
          part: { key: "temperature", values: { id, celsius: g.temperature } },
        });
    } else parts.push("temperature unknown");
    if (g.utilization !== undefined) {
      metrics[`gpu${g.index}_utilization_percent`] = g.utilization;
      parts.push(`util ${g.utilization}%`);
    }
    if (g.powerW !== undefined) {
      metrics[`gpu${g.index}_power_w`] = g.powerW;
      parts.push(`${g.powerW} W`);
    }
    if (g.eccUncorrected !== undefined) {
      metrics[`gpu${g.index}_ecc_uncorrected`] = g.eccUncorrected;
      if (cfg.ecc && g.eccUncorrected > 0)
        found.push({ status: "critical", part: { key: "ecc", values: { id, n: g.eccUncorrected } } });
    }
    detail.push(`${id} ${g.name}: ${parts.join(", ")}`);
  }
  const bad = found.filter((f) => f.status !== "ok");
  const order = { critical: 0, unknown: 1, warning: 2, ok: 3 };
  bad.sort((a, b) => order[a.status] - order[b.status]);
  return { status: worst(found.map((f) => f.status)), findings: bad.map((f) => f.part), detail, metrics };
}

/** gpuProbe runs nvidia-smi under a hard timeout that kills its process group (a wedged GPU makes it hang). */
export const gpuProbe = defineProbe(gpuConfigSchema, {
  words,
  preflight(cfg, host) {
    if (cfg.missing === "ok" || host.onPath(cfg.nvidia_smi)) return [];
    return [
      { path: ["type"], message: `${cfg.nvidia_smi} not found on this host; the gpu check would report "unknown"` },
    ];
  },
  async run(cfg, { signal, memory }) {
    const r = await runCommand([cfg.nvidia_smi, ...GPU_QUERY], { timeoutMs: cfg.timeout, signal, killGraceMs: 500 });
    const failed = describeFailure(r, cfg);
    if (failed && r.spawnError?.code === "ENOENT") return { ...failed, status: cfg.missing };
    // Exit 14 (infoROM corrupted) still prints the rows: grade them and add a warning.
    if (failed && !(r.exitCode === 14 && r.stdout.trim())) return failed;
    const parsed = parseGpuCsv(
      r.stdout
        .split("\n")
        .filter((l) => !/^WARNING:/.test(l.trim()))
        .join("\n"),
    );
    if ("error" in parsed)
      return { status: "unknown", ...say(words, [{ key: "unexpected", values: { error: parsed.error } }]) };
    if (parsed.rows.length === 0) return { status: "critical", ...say(words, [{ key: "listedNone" }]) };
    const j = judgeGpus(parsed.rows, cfg);
    if (r.exitCode === 14) {
      j.findings.push({ key: "infoRom" });
      if (j.status === "ok") j.status = "warning";
    }
    let stuck: { findings: GpuPart[]; counts: Record<string, number> } | undefined;
    if (cfg.stuck) {
      const p = await runCommand([cfg.nvidia_smi, ...POWER_QUERY], {
        timeoutMs: cfg.timeout,
        signal,
        killGraceMs: 500,
      });
      const pf = describeFailure(p, cfg);
      if (pf?.cause) return { ...pf, memory };
      if (pf) j.detail.push(`power limits: ${pf.summary}`);
      stuck = judgeStuck(parsed.rows, parseLimits(p.stdout, parseValue), cfg.stuck, readStuckMemory(memory));
      if (stuck.findings.length) {
        j.findings.unshift(...stuck.findings);
        j.status = "critical";
      }
    }
    let idle: IdleVerdict | undefined;
    if (cfg.idle_while_queued) {
      const queue = await readQueue(cfg.idle_while_queued, cfg.timeout, signal);
      idle = judgeIdle(parsed.rows, queue, cfg.idle_while_queued, readIdleMemory(memory));
      if ("length" in queue) j.metrics.queue_length = queue.length;
      j.detail.push(idle.detail);
      if (idle.finding) {
        j.findings.unshift(idle.finding);
        j.status = "critical";
      }
    }
    const names = [...new Set(parsed.rows.map((g) => g.name))].join(", ");
    const n = parsed.rows.length;
    const parts = j.findings.flatMap((f, i): GpuPart[] => (i === 0 ? [f] : [{ key: "semicolon" }, f]));
    const said = say(words, parts.length ? parts : [{ key: "ok", values: { n, names } }]);
    if (cfg.processes) j.detail.push(...(await listProcesses(cfg, signal)));
    const out: ProbeOutput = { status: j.status, ...said, detail: j.detail.join("\n"), metrics: j.metrics };
    if (stuck || idle) out.memory = { ...(stuck && { stuck: stuck.counts }), ...(idle && { idle: idle.count }) };
    // Requests queued and the GPU idle: the engine stopped launching work, which a restart of the service fixes.
    if (idle?.finding) out.cause = "hang_timeout";
    if (stuck?.findings.length) out.cause = "gpu_hang";
    return out;
  },
});

async function listProcesses(cfg: GpuConfig, signal: AbortSignal): Promise<string[]> {
  const r = await runCommand([cfg.nvidia_smi, ...APPS_QUERY], { timeoutMs: cfg.timeout, signal, killGraceMs: 500 });
  const failed = describeFailure(r, cfg);
  if (failed) return [`processes: ${failed.summary}`];
  const lines = r.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return ["processes: none"];
  return lines.map((l) => {
    const f = l.split(",").map((s) => s.trim());
    const pid = f[0];
    const name = f.slice(1, -1).join(",");
    const m = parseValue(f[f.length - 1] ?? "");
    return `process ${pid} ${name}: ${m === undefined ? "memory unknown" : `${m} MiB`}`;
  });
}

/** embeddedGpuCheck is the check the embedded default config adds when nvidia-smi is on PATH, or "" when it is not. */
export function embeddedGpuCheck(pathVar: string | undefined): string {
  if (!findOnPath("nvidia-smi", pathVar)) return "";
  return "  - name: gpu\n    type: gpu\n";
}
