import { httpRequest, type HttpError } from "../../net/http-client.js";
import { socketPart } from "../socket.js";
import type { PartOf } from "../types.js";
import type { words } from "./words.js";

type ComfyPart = PartOf<typeof words>;

/** Answer is a JSON answer of ComfyUI, or the phrase that says why there is none. */
export type Answer = { status: number; json: unknown; text: string } | { failed: ComfyPart };

/** callJson makes one request to ComfyUI's API and parses the answer as JSON (json undefined when it is not). */
export async function callJson(
  url: string,
  opts: { method?: string; body?: unknown; signal: AbortSignal; timeoutMs: number; proxy: boolean },
): Promise<Answer> {
  const headers: Record<string, string> = { "user-agent": "watchdog", accept: "application/json" };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await httpRequest(url, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      proxy: opts.proxy,
      // A long history or queue (each entry holds its whole workflow) is still one JSON document.
      maxBody: 16 * 1024 * 1024,
    });
    const text = res.body.toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  } catch (err) {
    const e = err as HttpError;
    if (e.kind === "aborted" || e.kind === "timeout") return { failed: { key: "deadline" } };
    return { failed: e.code ? socketPart(e) : { key: "text", values: { text: e.message } } };
  }
}

/** QueueItem is one entry of /queue: ComfyUI's tuple [number, prompt_id, prompt, extra_data, outputs_to_execute]. */
export type Queue = { running: string[]; pending: string[] };

/** parseQueue reads GET /queue ({"queue_running": [...], "queue_pending": [...]}); undefined when it is not one. */
export function parseQueue(json: unknown): Queue | undefined {
  if (json === null || typeof json !== "object") return undefined;
  const q = json as { queue_running?: unknown; queue_pending?: unknown };
  if (!Array.isArray(q.queue_running) || !Array.isArray(q.queue_pending)) return undefined;
  const ids = (items: unknown[]) => items.map((it) => (Array.isArray(it) ? String(it[1]) : "?"));
  return { running: ids(q.queue_running), pending: ids(q.queue_pending) };
}

/** HistoryEntry is what /history/{prompt_id} says of one prompt: done with outputs, failed, or not there yet. */
export type HistoryEntry =
  { state: "absent" } | { state: "output" } | { state: "error"; why: string } | { state: "empty" };

/**
 * readHistory reads GET /history/{id}: {id: {prompt, outputs: {node: {images: [...]}}, status: {status_str,
 * completed, messages}}}; an id not yet finished is absent ({}).
 */
export function readHistory(json: unknown, id: string): HistoryEntry {
  if (json === null || typeof json !== "object" || !Object.hasOwn(json, id)) return { state: "absent" };
  const entry = (json as Record<string, unknown>)[id] as
    | { outputs?: Record<string, Record<string, unknown>>; status?: { status_str?: string; messages?: unknown } }
    | undefined;
  if (entry?.status?.status_str === "error") return { state: "error", why: errorMessage(entry.status.messages) };
  const outputs = Object.values(entry?.outputs ?? {});
  const some = outputs.some((o) => o && Object.values(o).some((v) => Array.isArray(v) && v.length > 0));
  return some ? { state: "output" } : { state: "empty" };
}

/** errorMessage finds the exception of an `execution_error` message ([event, data] pairs) of a failed prompt. */
function errorMessage(messages: unknown): string {
  if (Array.isArray(messages)) {
    for (const m of messages) {
      if (!Array.isArray(m) || m[0] !== "execution_error") continue;
      const d = m[1] as { node_type?: string; exception_message?: string } | undefined;
      const text = `${d?.node_type ? `${d.node_type}: ` : ""}${d?.exception_message ?? "error"}`;
      return text.replace(/\s+/g, " ").trim().slice(0, 200);
    }
  }
  return "status error";
}
