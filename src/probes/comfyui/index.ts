import { z } from "zod";
import { duration, httpUrl, viaProxy } from "../../core/fields.js";
import { monotonicMs } from "../../core/monotonic.js";
import { formatDuration } from "../../duration.js";
import { portOfUrl, safeUrl } from "../http/index.js";
import { defineProbe, say, worst, type PartOf, type ProbeOutput } from "../types.js";
import { callJson, parseQueue, type Queue } from "./api.js";
import { checkWorkflow, short, type Finding, type Sent } from "./workflow.js";
import { words } from "./words.js";

type ComfyPart = PartOf<typeof words>;

/**
 * comfyuiConfigSchema is a `type: comfyui` check: ComfyUI's queue drains (GET /queue), and, with `workflow`, a tiny
 * test workflow submitted with POST /prompt gives an output (GET /history/{prompt_id}) within `deadline`.
 */
export const comfyuiConfigSchema = z.strictObject({
  type: z.literal("comfyui"),
  url: httpUrl.describe("ComfyUI's base URL, e.g. http://127.0.0.1:8188."),
  timeout: duration
    .default(10_000)
    .describe("Each request's limit (default 10s), and how long one run waits for the test workflow's output."),
  stuck_after: duration
    .default(20 * 60_000)
    .describe("The same prompt running this long (default 20m, seen across runs) while others wait is critical."),
  max_pending: z.number().int().min(0).optional().describe("More prompts waiting than this is a warning."),
  workflow: z
    .union([z.record(z.string(), z.unknown()), z.string().min(1)])
    .optional()
    .describe("A workflow in API format (inline, or the path of its JSON file) submitted each run as a test."),
  deadline: duration
    .default(3 * 60_000)
    .describe(
      "The test workflow with no output this long after it was sent (default 3m, even across runs) is critical.",
    ),
  proxy: viaProxy,
});
export type ComfyuiConfig = z.infer<typeof comfyuiConfigSchema>;

/** Memory is what the probe keeps between runs: the prompt it saw running, since when, and its own test workflow. */
type Memory = { running?: { id: string; since: number }; sent?: Sent };

function readMemory(m: unknown): Memory {
  const out: Memory = {};
  if (m === null || typeof m !== "object") return out;
  const { running, sent } = m as {
    running?: { id?: unknown; since?: unknown };
    sent?: { id?: unknown; submitted?: unknown };
  };
  if (typeof running?.id === "string" && typeof running.since === "number")
    out.running = { id: running.id, since: running.since };
  if (typeof sent?.id === "string" && typeof sent.submitted === "number")
    out.sent = { id: sent.id, submitted: sent.submitted };
  return out;
}

/** comfyuiProbe reads the queue, tells a prompt stuck running while others wait, and proves an output appears. */
export const comfyuiProbe = defineProbe(comfyuiConfigSchema, {
  words,
  port: (cfg) => portOfUrl(cfg.url),
  async run(cfg, { signal, deps, memory }) {
    const base = cfg.url.replace(/\/+$/, "");
    const where = safeUrl(base);
    const now = () => deps.clock.now();
    const started = now();
    const before = readMemory(memory);
    const t0 = monotonicMs();
    // The whole probe ends within its timeout and a little: the runner gives up on it 2 s after that.
    const budget = AbortSignal.any([signal, AbortSignal.timeout(cfg.timeout + 1500)]);
    const q = await callJson(`${base}/queue`, { signal: budget, timeoutMs: cfg.timeout, proxy: cfg.proxy });
    const asked: ComfyPart = { key: "request", values: { where, what: "GET /queue" } };
    if ("failed" in q) return { status: "critical", ...say(words, [asked, q.failed]), memory: before };
    const queue = q.status >= 200 && q.status < 300 ? parseQueue(q.json) : undefined;
    if (!queue) {
      const why: ComfyPart = q.status >= 300 ? { key: "answered", values: { code: q.status } } : { key: "notJson" };
      return { status: "critical", ...say(words, [asked, why]), memory: before };
    }
    const after: Memory = {};
    const findings: Finding[] = [];
    // The prompt at the head: the one running, or with none running, the next to run (pending[0], the heap's top).
    const head = queue.running[0] ?? queue.pending[0];
    if (head !== undefined) {
      after.running = before.running?.id === head ? before.running : { id: head, since: started };
      // Whole seconds: runs a cron interval apart start their probes some milliseconds earlier or later.
      const ran = Math.round((started - after.running.since) / 1000) * 1000;
      const values = { where, id: short(head), for: formatDuration(ran), pending: queue.pending.length };
      if (ran >= cfg.stuck_after && queue.running.length > 0 && queue.pending.length > 0)
        findings.push({ status: "critical", parts: [{ key: "stuck", values }] });
      else if (ran >= cfg.stuck_after && queue.running.length === 0)
        findings.push({ status: "critical", parts: [{ key: "idleStuck", values }] });
    }
    if (cfg.max_pending !== undefined && queue.pending.length > cfg.max_pending) {
      const values = { where, running: queue.running.length, pending: queue.pending.length };
      const too: ComfyPart = { key: "tooMany", values: { max: cfg.max_pending } };
      findings.push({ status: "warning", parts: [{ key: "queue", values }, too] });
    }
    let proof: Finding | undefined;
    if (cfg.workflow !== undefined) {
      // One run waits for the test workflow at most its timeout; what is still queued is looked at again next run.
      const pollMs = cfg.timeout - (monotonicMs() - t0) - 1000;
      const c = { base, where, workflow: cfg.workflow, deadline: cfg.deadline, timeout: cfg.timeout };
      const w = await checkWorkflow(
        { ...c, proxy: cfg.proxy, cwd: deps.cwd, now, signal: budget, pollMs },
        queue,
        before.sent,
      );
      if (w.sent) after.sent = w.sent;
      proof = w.finding;
      if (proof.status !== "ok") findings.push(proof);
    }
    return result(findings, queue, where, proof, after);
  },
});

/** result words the worst findings first; when all is well, the queue and the test workflow's answer. */
function result(findings: Finding[], queue: Queue, where: string, proof: Finding | undefined, memory: Memory) {
  const metrics = { queue_running: queue.running.length, queue_pending: queue.pending.length };
  const order = { critical: 0, unknown: 1, warning: 2, ok: 3 };
  const bad = findings.filter((f) => f.status !== "ok").sort((a, b) => order[a.status] - order[b.status]);
  if (bad.length) {
    const parts = bad.flatMap((f, i): ComfyPart[] => (i === 0 ? f.parts : [{ key: "semicolon" }, ...f.parts]));
    const out: ProbeOutput = { status: worst(bad.map((f) => f.status)), ...say(words, parts), metrics, memory };
    return out;
  }
  const values = { where, running: queue.running.length, pending: queue.pending.length };
  const parts: ComfyPart[] = [
    queue.running.length + queue.pending.length ? { key: "queue", values } : { key: "idle", values },
  ];
  if (proof) parts.push({ key: "semicolon" }, ...proof.parts);
  const out: ProbeOutput = { status: "ok", ...say(words, parts), metrics, memory };
  return out;
}
