import { readFile } from "node:fs/promises";
import path from "node:path";
import { monotonicMs } from "../../core/monotonic.js";
import { formatDuration } from "../../duration.js";
import type { PartOf, Status } from "../types.js";
import { callJson, parseQueue, readHistory, type Queue } from "./api.js";
import type { words } from "./words.js";

type ComfyPart = PartOf<typeof words>;

/** Sent is the test workflow of an earlier run that has not given its answer yet (kept in the probe's memory). */
export type Sent = { id: string; submitted: number };

/** Finding is one status and the phrase that says it. */
export type Finding = { status: Status; parts: ComfyPart[] };

/** WorkflowCheck is what the test workflow step needs: where, how long, and the run's clock and signal. */
export type WorkflowCheck = {
  base: string;
  /** The base URL as shown to people (no credentials or query). */
  where: string;
  workflow: Record<string, unknown> | string;
  deadline: number;
  timeout: number;
  proxy: boolean;
  cwd: string;
  now: () => number;
  signal: AbortSignal;
  /** How long this run polls for the answer (monotonic time: the wall clock may jump). */
  pollMs: number;
};

const POLL_MS = 300;

/**
 * checkWorkflow submits the test workflow (unless one sent earlier still waits in the queue) and polls its history
 * until it has an output, an error, or this run's budget ends; a workflow still waiting is kept for the next run,
 * and is critical once it has waited past the deadline.
 */
export async function checkWorkflow(
  c: WorkflowCheck,
  queue: Queue,
  sent: Sent | undefined,
): Promise<{ finding: Finding; sent?: Sent }> {
  let job = sent && (queue.running.includes(sent.id) || queue.pending.includes(sent.id)) ? sent : undefined;
  // A workflow sent earlier and no longer queued has finished (its history says how) or was lost with a restart.
  if (sent && !job) {
    const h = await callJson(`${c.base}/history/${encodeURIComponent(sent.id)}`, opts(c));
    if (!("failed" in h) && readHistory(h.json, sent.id).state !== "absent") job = sent;
  }
  if (!job) {
    const submitted = await submit(c);
    if ("finding" in submitted) return submitted;
    job = submitted;
  }
  const started = monotonicMs();
  for (;;) {
    const h = await callJson(`${c.base}/history/${encodeURIComponent(job.id)}`, opts(c));
    const entry = "failed" in h ? { state: "absent" as const } : readHistory(h.json, job.id);
    const took = formatDuration(c.now() - job.submitted);
    const id = short(job.id);
    if (entry.state === "output")
      return { finding: { status: "ok", parts: [{ key: "output", values: { id, took } }] } };
    if (entry.state === "error")
      return { finding: { status: "critical", parts: [{ key: "failedRun", values: { id, why: entry.why } }] } };
    if (entry.state === "empty")
      return { finding: { status: "critical", parts: [{ key: "noOutput", values: { id } }] } };
    if (monotonicMs() - started + POLL_MS >= c.pollMs || c.signal.aborted) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const q = await callJson(`${c.base}/queue`, opts(c));
  const now = "failed" in q ? undefined : parseQueue(q.json);
  const place = (now ?? queue).running.includes(job.id) ? "running" : "waiting in the queue";
  const values = { id: short(job.id), took: formatDuration(c.now() - job.submitted), place };
  if (c.now() - job.submitted >= c.deadline)
    return {
      finding: { status: "critical", parts: [{ key: "late", values: { ...values, deadline: dl(c) } }] },
      sent: job,
    };
  return { finding: { status: "ok", parts: [{ key: "waiting", values: { ...values, deadline: dl(c) } }] }, sent: job };
}

const dl = (c: WorkflowCheck) => formatDuration(c.deadline);
const opts = (c: WorkflowCheck) => ({ signal: c.signal, timeoutMs: c.timeout, proxy: c.proxy });

/** short is a prompt id as people read it: its first 8 characters and an ellipsis. */
export function short(id: string): string {
  return id.length > 9 ? `${id.slice(0, 8)}…` : id;
}

/** submit posts the workflow (API format) to POST /prompt: {"prompt": ..., "client_id": ...} -> {"prompt_id", ...}. */
async function submit(c: WorkflowCheck): Promise<Sent | { finding: Finding }> {
  let prompt: unknown = c.workflow;
  if (typeof c.workflow === "string") {
    const file = path.resolve(c.cwd, c.workflow);
    try {
      prompt = JSON.parse(await readFile(file, "utf8"));
    } catch (err) {
      const why = err instanceof SyntaxError ? "not JSON" : ((err as NodeJS.ErrnoException).code ?? String(err));
      return { finding: { status: "unknown", parts: [{ key: "unreadableWorkflow", values: { path: file, why } }] } };
    }
  }
  const submitted = c.now();
  const res = await callJson(`${c.base}/prompt`, {
    ...opts(c),
    method: "POST",
    body: { prompt, client_id: "watchdog" },
  });
  if ("failed" in res) {
    const asked: ComfyPart = { key: "request", values: { where: c.where, what: "POST /prompt" } };
    return { finding: { status: "critical", parts: [asked, res.failed] } };
  }
  const id = (res.json as { prompt_id?: unknown } | undefined)?.prompt_id;
  if (res.status >= 300 || typeof id !== "string") {
    const why = refusal(res.json, res.text);
    return {
      finding: {
        status: "critical",
        parts: [{ key: "refusedWorkflow", values: { what: "POST /prompt", code: res.status, why } }],
      },
    };
  }
  return { id, submitted };
}

/** refusal words ComfyUI's 400 answer: {"error": {"type", "message", "details"}, "node_errors": {...}}. */
function refusal(json: unknown, text: string): string {
  const e = (json as { error?: unknown } | undefined)?.error;
  if (typeof e === "string") return e.slice(0, 200);
  if (e && typeof e === "object") {
    const { message, details } = e as { message?: unknown; details?: unknown };
    return `${String(message ?? "error")}${details ? `: ${String(details)}` : ""}`.slice(0, 200);
  }
  return text.replace(/\s+/g, " ").trim().slice(0, 200) || "no prompt_id in the answer";
}
