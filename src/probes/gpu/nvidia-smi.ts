import { formatDuration } from "../../duration.js";
import type { CommandResult } from "../../run-command.js";
import { say, type Part, type PartOf, type Status } from "../types.js";
import { words } from "./words.js";

// What nvidia-smi prints and how it fails, read the same way by every gpu judgement (docs/gpu-and-logs.md).

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
  cfg: { nvidia_smi: string; timeout: number },
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
