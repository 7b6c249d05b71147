import type { ProbeResult } from "../../probes/types.js";
import { readRegular, writeFileAtomic } from "../../core/safe-fs.js";

/** SAMPLES_MAX is how many recent runs each check's sparklines remember. */
export const SAMPLES_MAX = 48;
/** SERIES_MAX is how many metrics one check charts (a box with 8 GPUs would otherwise draw 16 charts). */
const SERIES_MAX = 4;

/** SPARK_KEY picks the probe metrics worth a chart: latency, TTFT, connect time, GPU memory and temperature. */
const SPARK_KEY = /^(latency_ms|ttft_ms|connect_ms|gpu\d+_memory_used_percent|gpu\d+_temperature_c)$/;

/** CheckSamples are one check's recent runs: shared times (epoch s) and one value list per metric (null: absent). */
export type CheckSamples = { t: number[]; m: Record<string, (number | null)[]> };
/** Samples is the ring file: a short memory of probe metrics that neither the state nor the history keeps. */
export type Samples = { version: 1; checks: Record<string, CheckSamples> };

/** samplesFileOf is where the ring is kept: beside the state file it belongs to. */
export function samplesFileOf(stateFile: string): string {
  return `${stateFile}.samples.json`;
}

/** readSamples reads the ring; a missing or unreadable one starts empty (it is only for the charts). */
export function readSamples(file: string): Samples {
  try {
    const data = JSON.parse(readRegular(file, { maxBytes: 4 << 20 }).text) as Samples;
    if (data?.version === 1 && data.checks && typeof data.checks === "object") return data;
  } catch {
    // Missing or corrupt: the charts start again.
  }
  return { version: 1, checks: {} };
}

/** addSamples appends one run's chartable metrics (pure); checks no longer configured are forgotten. */
export function addSamples(
  prev: Samples,
  results: readonly ProbeResult[],
  nowMs: number,
  configured: readonly string[],
): Samples {
  const checks: Record<string, CheckSamples> = {};
  for (const name of configured) {
    const old = prev.checks[name];
    const r = results.find((x) => x.check === name);
    const keys = Object.keys(r?.metrics ?? {})
      .filter((k) => SPARK_KEY.test(k))
      .sort()
      .slice(0, SERIES_MAX);
    if (!r || !keys.length) {
      if (old) checks[name] = old;
      continue;
    }
    const t = [...(old?.t ?? []), Math.round(nowMs / 1000)];
    const m: Record<string, (number | null)[]> = {};
    for (const k of new Set([...Object.keys(old?.m ?? {}), ...keys])) {
      const before = old?.m[k] ?? [];
      const padded = [...Array<null>(Math.max(0, t.length - 1 - before.length)).fill(null), ...before];
      m[k] = [...padded, keys.includes(k) ? r.metrics![k]! : null].slice(-SAMPLES_MAX);
    }
    // A metric that has not been seen in the whole window is dropped.
    for (const k of Object.keys(m)) if (m[k]!.every((v) => v === null)) delete m[k];
    checks[name] = { t: t.slice(-SAMPLES_MAX), m };
  }
  return { version: 1, checks };
}

/** recordSamples updates the ring file (atomically, through the state store's helper). */
export function recordSamples(
  file: string,
  results: readonly ProbeResult[],
  nowMs: number,
  configured: readonly string[],
): Samples {
  const next = addSamples(readSamples(file), results, nowMs, configured);
  writeFileAtomic(file, `${JSON.stringify(next)}\n`, 0o600);
  return next;
}
