import { z } from "zod";
import { percent } from "../../core/fields.js";
import type { PartOf } from "../types.js";
import type { words } from "./words.js";

type GpuPart = PartOf<typeof words>;

/** POWER_QUERY is the argv after nvidia-smi for each GPU's power limit, asked only when `stuck` is set. */
export const POWER_QUERY = ["--query-gpu=index,power.limit", "--format=csv,noheader,nounits"];

/** "40%" or 40: a share of the power limit. */
const share = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const m = typeof v === "number" ? [String(v), String(v)] : /^(\d+(?:\.\d+)?)\s*%$/.exec(v.trim());
  const n = m ? Number(m[1]) : NaN;
  if (Number.isFinite(n) && n >= 0 && n <= 100) return n;
  ctx.addIssue({ code: "custom", message: `write a share of the power limit such as "40%", not ${JSON.stringify(v)}` });
  return z.NEVER;
});

/**
 * stuckSchema is the gpu check's `stuck:` a GPU whose utilization stays pinned high while it draws far less power
 * than its limit, for `for` runs in a row, is spinning without doing work (a hung kernel, a deadlocked collective).
 */
export const stuckSchema = z.strictObject({
  utilization_at_least: percent.default(95).describe("A GPU at or above this utilization (percent) counts as busy."),
  power_below: share
    .default(40)
    .describe('Busy while drawing under this share of its power limit ("40%") is spinning, not working.'),
  for: z.number().int().min(1).default(3).describe("Runs in a row it must hold before it is critical."),
});
export type StuckConfig = z.output<typeof stuckSchema>;

/** StuckRow is what the judgement needs of one GPU: utilization and power now, and its power limit. */
export type StuckRow = { index: number; utilization: number | undefined; powerW: number | undefined };

/** parseLimits reads `index, power.limit` rows; a GPU whose limit is not a number ([N/A]) is left out. */
export function parseLimits(text: string, parse: (t: string) => number | undefined): Map<number, number> {
  const limits = new Map<number, number>();
  for (const line of text.split("\n")) {
    const [i, w] = line.split(",").map((s) => s.trim());
    const index = Number(i);
    const limit = parse(w ?? "");
    if (i !== "" && Number.isInteger(index) && limit !== undefined && limit > 0) limits.set(index, limit);
  }
  return limits;
}

/**
 * judgeStuck counts, per GPU, the runs in a row it has looked stuck (kept in the probe's memory) and names those
 * that reached `for`.
 */
export function judgeStuck(
  rows: readonly StuckRow[],
  limits: ReadonlyMap<number, number>,
  cfg: StuckConfig,
  before: Record<string, number>,
): { findings: GpuPart[]; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const findings: GpuPart[] = [];
  for (const g of rows) {
    const limit = limits.get(g.index);
    if (g.utilization === undefined || g.powerW === undefined || limit === undefined) continue;
    const pct = Math.round((g.powerW / limit) * 100);
    if (g.utilization < cfg.utilization_at_least || pct >= cfg.power_below) continue;
    const n = (before[String(g.index)] ?? 0) + 1;
    counts[String(g.index)] = n;
    if (n < cfg.for) continue;
    const values = { id: `GPU${g.index}`, util: g.utilization, watts: g.powerW, pct, limit, runs: n };
    findings.push({ key: "stuck", values });
  }
  return { findings, counts };
}

/** readStuckMemory is the counts of the last run, from the state file (not trusted to be well formed). */
export function readStuckMemory(memory: unknown): Record<string, number> {
  const m = (memory as { stuck?: unknown } | null | undefined)?.stuck;
  if (m === null || typeof m !== "object") return {};
  return Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === "number" && Number.isFinite(v)));
}
