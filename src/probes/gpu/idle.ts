import { z } from "zod";
import { httpUrl, percent } from "../../core/fields.js";
import { parseSelector, type Selector } from "../metrics/condition.js";
import type { PartOf } from "../types.js";
import type { QueueReading } from "./queue.js";
import type { words } from "./words.js";

type GpuPart = PartOf<typeof words>;

const EXAMPLE = "[vllm:num_requests_waiting, vllm:num_requests_running]";

/** The queue's selectors, read once at validate: `name` or `name{label="v"}`, as a metrics rule writes them. */
const selectors = z.union([z.string(), z.array(z.string()).min(1)]).transform((v, ctx): Selector[] => {
  const list = typeof v === "string" ? [v] : v;
  const out: Selector[] = [];
  list.forEach((text, i) => {
    const sel = parseSelector(text.trim());
    if (typeof sel !== "string") out.push(sel);
    else ctx.addIssue({ code: "custom", message: sel, path: typeof v === "string" ? [] : [i] });
  });
  return out;
});

/**
 * idleSchema is the gpu check's `idle_while_queued:`: requests queued while every GPU it watches sits idle, for
 * `for` runs in a row, is a service that stopped feeding its GPU (a hung or dead engine behind a live API server).
 */
export const idleSchema = z
  .strictObject({
    metrics: httpUrl
      .optional()
      .describe("The service's Prometheus page (http://127.0.0.1:8000/metrics); set it with `queue`."),
    queue: selectors
      .optional()
      .describe(`Metrics on that page whose sum is the requests queued and running, e.g. ${EXAMPLE}.`),
    comfyui: httpUrl
      .optional()
      .describe("ComfyUI's root URL (http://127.0.0.1:8188): its GET /queue, running plus pending, is the queue."),
    utilization_at_most: percent.default(5).describe("A GPU at or under this utilization (percent) counts as idle."),
    gpus: z
      .array(z.number().int().min(0))
      .min(1)
      .optional()
      .describe("Indices of the GPUs the service uses (as nvidia-smi numbers them); default every GPU."),
    for: z.number().int().min(1).default(3).describe("Runs in a row it must hold before it is critical."),
  })
  .superRefine((c, ctx) => {
    if (c.metrics === undefined && c.comfyui === undefined)
      ctx.addIssue({ code: "custom", message: "name where the queue is: metrics (with queue) or comfyui" });
    if (c.metrics === undefined && c.queue !== undefined)
      ctx.addIssue({ code: "custom", path: ["metrics"], message: "queue names metrics: set the page they are on" });
    if (c.metrics !== undefined && c.queue === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["queue"],
        message: `name the metrics whose sum is the queue, e.g. ${EXAMPLE}`,
      });
  });
export type IdleConfig = z.output<typeof idleSchema>;

/** IdleRow is what the judgement needs of one GPU: its index and utilization now. */
export type IdleRow = { index: number; utilization: number | undefined };

/** IdleVerdict is this run's count of idle-while-queued runs in a row, the finding at `for`, and a detail line. */
export type IdleVerdict = { count: number; finding: GpuPart | undefined; detail: string };

/**
 * judgeIdle counts the runs in a row with a queue above 0 and every watched GPU at or under the threshold. A run it
 * cannot judge (queue unknown, a GPU's utilization unknown) starts the count again: "in a row" means seen each run.
 */
export function judgeIdle(rows: readonly IdleRow[], queue: QueueReading, cfg: IdleConfig, before: number): IdleVerdict {
  const notJudged = (why: string): IdleVerdict => ({ count: 0, finding: undefined, detail: why });
  if ("unknown" in queue) return notJudged(`queue unknown: ${queue.unknown}`);
  const head = `queue ${queue.length} (${queue.how})`;
  const watched = cfg.gpus ?? rows.map((g) => g.index);
  const picked: { index: number; utilization: number }[] = [];
  for (const i of watched) {
    const g = rows.find((r) => r.index === i);
    if (!g) return notJudged(`${head}; idle while queued: not judged, GPU${i} not listed by nvidia-smi`);
    if (g.utilization === undefined)
      return notJudged(`${head}; idle while queued: not judged, GPU${i} utilization unknown`);
    picked.push({ index: i, utilization: g.utilization });
  }
  const idle = queue.length > 0 && picked.every((g) => g.utilization <= cfg.utilization_at_most);
  if (!idle) return { count: 0, finding: undefined, detail: head };
  const count = before + 1;
  const detail = `${head}; idle while queued: ${count} of ${cfg.for} runs`;
  if (count < cfg.for) return { count, finding: undefined, detail };
  const ids = picked.map((g) => `GPU${g.index}`).join(", ");
  const util = picked.map((g) => `${g.utilization}%`).join(", ");
  return { count, finding: { key: "idleQueued", values: { queue: queue.length, ids, util, runs: count } }, detail };
}

/** readIdleMemory is the count of the last run, from the state file (not trusted to be well formed). */
export function readIdleMemory(memory: unknown): number {
  const n = (memory as { idle?: unknown } | null | undefined)?.idle;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : 0;
}
