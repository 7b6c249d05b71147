import { z } from "zod";
import { duration, percent, size } from "../../core/fields.js";
import { formatDuration } from "../../duration.js";
import { findOnPath } from "../../on-path.js";
import { runCommand, type CommandResult } from "../../run-command.js";
import { defineProbe, say, type Part, type PartOf, type ProbeOutput, type Status, worst } from "../types.js";
import { judgeStuck, parseLimits, POWER_QUERY, readStuckMemory, stuckSchema } from "./stuck.js";
import { words } from "./words.js";

type GpuPart = PartOf<typeof words>;

/** The fields asked of nvidia-smi, in this order (docs/gpu-and-logs.md §1). */
export const GPU_FIELDS = [
  "index",
  "uuid",
  "name",
  "memory.used",
  "memory.total",
  "utilization.gpu",
  "temperature.gpu",
  "power.draw",
  "ecc.errors.uncorrected.volatile.total",
] as const;
/** GPU_QUERY is the argv after nvidia-smi for one row per GPU. */
export const GPU_QUERY = [`--query-gpu=${GPU_FIELDS.join(",")}`, "--format=csv,noheader,nounits"];
/** APPS_QUERY is the argv after nvidia-smi for one row per GPU process. */
export const APPS_QUERY = ["--query-compute-apps=pid,process_name,used_memory", "--format=csv,noheader,nounits"];

const levels = (warning: number, critical: number) =>
  z
    .strictObject({ warning: percent.default(warning), critical: percent.default(critical) })
    .or(z.literal(false))
    .default({ warning, critical });

/** gpuConfigSchema is a `type: gpu` check: every NVIDIA GPU answers, with memory, temperature and ECC within bounds. */
export const gpuConfigSchema = z.strictObject({
  type: z.literal("gpu"),
  nvidia_smi: z.string().min(1).default("nvidia-smi"),
  timeout: duration.default(10_000),
  /** Memory used, percent of total. */
  memory: levels(90, 98),
  /** Degrees Celsius. */
  temperature: z
    .strictObject({ warning: z.number().default(80), critical: z.number().default(90) })
    .or(z.literal(false))
    .default({ warning: 80, critical: 90 }),
  /** GPUs expected: fewer is critical ("GPU missing"). */
  count: z.number().int().min(1).optional(),
  /** Warning when a GPU has less free memory than this (the model would not fit). */
  min_free_memory: size.optional(),
  /** Uncorrected volatile ECC errors above 0 are critical. */
  ecc: z.boolean().default(true),
  /** List the GPU processes in the detail. */
  processes: z.boolean().default(false),
  /** Critical when a GPU's utilization stays pinned while its power draw stays far below its limit, for N runs. */
  stuck: stuckSchema.optional(),
});
export type GpuConfig = z.infer<typeof gpuConfigSchema>;

/** GpuRow is one GPU as nvidia-smi reported it; undefined is "no value" ([N/A], [Not Supported], empty...). */
export type GpuRow = {
  index: number;
  uuid: string;
  name: string;
  memoryUsedMiB: number | undefined;
  memoryTotalMiB: number | undefined;
  utilization: number | undefined;
  temperature: number | undefined;
  powerW: number | undefined;
  eccUncorrected: number | undefined;
};

/** parseValue reads one CSV value: a number, or undefined for any "no value" token. Units are tolerated. */
export function parseValue(token: string): number | undefined {
  const t = token.trim();
  if (t === "" || t === "N/A" || /^\[.*\]$/.test(t)) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)\s*(?:MiB|%|W|C|MHz)?$/.exec(t);
  return m ? Number(m[1]) : undefined;
}

/** parseGpuCsv parses `--format=csv,noheader,nounits` rows; a line that is not a GPU row is an error. */
export function parseGpuCsv(text: string): { rows: GpuRow[] } | { error: string } {
  const rows: GpuRow[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const f = line.split(",").map((s) => s.trim());
    const index = Number(f[0]);
    if (f.length !== GPU_FIELDS.length || f[0] === "" || !Number.isInteger(index))
      return { error: `unexpected output: ${line.slice(0, 120)}` };
    rows.push({
      index,
      uuid: f[1]!,
      name: f[2]!,
      memoryUsedMiB: parseValue(f[3]!),
      memoryTotalMiB: parseValue(f[4]!),
      utilization: parseValue(f[5]!),
      temperature: parseValue(f[6]!),
      powerW: parseValue(f[7]!),
      eccUncorrected: parseValue(f[8]!),
    });
  }
  return { rows };
}

/** describeFailure turns a failing nvidia-smi run into a status and one line (docs/gpu-and-logs.md §2). */
export function describeFailure(
  r: CommandResult,
  cfg: Pick<GpuConfig, "nvidia_smi" | "timeout">,
): { status: Status; summary: string; said: Part[]; cause?: string } | undefined {
  const one = (status: Status, ...parts: GpuPart[]) => ({ status, ...say(words, parts) });
  const path = cfg.nvidia_smi;
  if (r.spawnError) {
    const code = r.spawnError.code;
    if (code === "ENOENT")
      return one("unknown", path !== "nvidia-smi" ? { key: "notAt", values: { path } } : { key: "notOnPath" });
    if (code === "EACCES") return one("unknown", { key: "notExecutable", values: { path } });
    return one("unknown", { key: "cannotRun", values: { path, why: code ?? r.spawnError.message } });
  }
  if (r.timedOut) {
    // No exit even after SIGKILL: the process sleeps uninterruptibly in the driver (state D).
    const key = r.exitCode === null && r.signal === null ? "unkillable" : "wedged";
    return { ...one("critical", { key, values: { within: formatDuration(cfg.timeout) } }), cause: "gpu_hang" };
  }
  const out = `${r.stdout}\n${r.stderr}`;
  const first =
    out
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? "";
  const said: GpuPart[] = first ? [{ key: "said", values: { first: first.slice(0, 160) } }] : [];
  const code = r.exitCode;
  if (code === 0) return undefined;
  if (/is not a valid field to query/.test(out)) return one("unknown", { key: "rejected" }, ...said);
  if (code === 9 || /couldn't communicate with the NVIDIA driver/.test(out))
    return one("critical", { key: "noDriver", values: { code: String(code) } });
  if (code === 18 || /version mismatch/i.test(out))
    return one("critical", { key: "mismatch", values: { code: String(code) } });
  if (code === 15 || /GPU is lost|fallen off the bus/.test(out))
    return one("critical", { key: "lost", values: { code: String(code) } }, ...said);
  if (code === 6 || /No devices were found|No supported GPUs/.test(out))
    return one("critical", { key: "noGpu", values: { code: String(code) } }, ...said);
  if (code === 12) return one("critical", { key: "noNvml" });
  if (code === 4) return one("unknown", { key: "denied" });
  if (code === null)
    return one("unknown", r.signal ? { key: "killedBy", values: { signal: r.signal } } : { key: "killed" });
  return one("critical", { key: "failed", values: { code } }, ...said);
}

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
    if (host.onPath(cfg.nvidia_smi)) return [];
    return [
      { path: ["type"], message: `${cfg.nvidia_smi} not found on this host; the gpu check would report "unknown"` },
    ];
  },
  async run(cfg, { signal, memory }) {
    const r = await runCommand([cfg.nvidia_smi, ...GPU_QUERY], { timeoutMs: cfg.timeout, signal, killGraceMs: 500 });
    const failed = describeFailure(r, cfg);
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
    const names = [...new Set(parsed.rows.map((g) => g.name))].join(", ");
    const n = parsed.rows.length;
    const parts = j.findings.flatMap((f, i): GpuPart[] => (i === 0 ? [f] : [{ key: "semicolon" }, f]));
    const said = say(words, parts.length ? parts : [{ key: "ok", values: { n, names } }]);
    if (cfg.processes) j.detail.push(...(await listProcesses(cfg, signal)));
    const out: ProbeOutput = { status: j.status, ...said, detail: j.detail.join("\n"), metrics: j.metrics };
    if (stuck) out.memory = { stuck: stuck.counts };
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
