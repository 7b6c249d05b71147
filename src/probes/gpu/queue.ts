import { formatDuration } from "../../duration.js";
import { httpRequest, type HttpError } from "../../net/http-client.js";
import { callJson, parseQueue } from "../comfyui/api.js";
import { words as comfyWords } from "../comfyui/words.js";
import { matches, type Selector } from "../metrics/condition.js";
import { ExpositionError, parseExposition } from "../metrics/exposition.js";
import { MAX_BODY } from "../metrics/index.js";
import { socketPart, socketWords } from "../socket.js";
import { say } from "../types.js";
import { safeUrl } from "../http/index.js";

// How many requests a service holds (waiting and running), read from its own metrics page or ComfyUI's /queue.

/** QueueSource is where the queue is: a Prometheus page and the selectors whose sum it is, and/or ComfyUI. */
export type QueueSource = {
  metrics?: string | undefined;
  queue?: Selector[] | undefined;
  comfyui?: string | undefined;
};

/** QueueReading is the queue's length with how it was counted, or why it could not be read. */
export type QueueReading = { length: number; how: string } | { unknown: string };

/** readQueue reads every source the check names and sums them; one that fails makes the whole queue unknown. */
export async function readQueue(src: QueueSource, timeoutMs: number, signal: AbortSignal): Promise<QueueReading> {
  const reads = await Promise.all([
    src.metrics === undefined ? undefined : fromMetrics(src.metrics, src.queue ?? [], timeoutMs, signal),
    src.comfyui === undefined ? undefined : fromComfy(src.comfyui, timeoutMs, signal),
  ]);
  const got = reads.filter((r) => r !== undefined);
  const failed = got.find((r) => "unknown" in r);
  if (failed) return failed;
  const ok = got as { length: number; how: string }[];
  return { length: ok.reduce((n, r) => n + r.length, 0), how: ok.map((r) => r.how).join(", ") };
}

/** fromMetrics scrapes the page once and sums each selector's series. */
async function fromMetrics(raw: string, queue: Selector[], timeoutMs: number, signal: AbortSignal) {
  const url = safeUrl(raw);
  let text: string;
  try {
    // The queue is the local service's own endpoint: never through a proxy set for the channels.
    const res = await httpRequest(raw, {
      headers: { "user-agent": "watchdog" },
      signal,
      timeoutMs,
      maxBody: MAX_BODY,
      proxy: false,
    });
    if (res.status < 200 || res.status > 299) return { unknown: `HTTP ${res.status} from ${url}` };
    if (res.bytes > MAX_BODY) return { unknown: `${url} is larger than 8 MiB` };
    text = res.body.toString("utf8");
  } catch (err) {
    const e = err as HttpError;
    const why =
      e.kind === "timeout" || e.kind === "aborted" ? `no answer within ${formatDuration(timeoutMs)}` : undefined;
    return { unknown: `${url} ${why ?? (e.code ? say(socketWords, [socketPart(e)]).summary : e.message)}` };
  }
  let samples;
  try {
    samples = parseExposition(text).samples;
  } catch (err) {
    return { unknown: `${url} is not Prometheus text: ${err instanceof ExpositionError ? err.message : String(err)}` };
  }
  const parts: string[] = [];
  let length = 0;
  for (const sel of queue) {
    const picked = samples.filter((s) => matches(sel, s));
    if (picked.length === 0) return { unknown: `not exported: ${sel.text}` };
    const n = picked.reduce((sum, s) => sum + s.value, 0);
    length += n;
    parts.push(`${sel.text} ${n}`);
  }
  return { length, how: parts.join(", ") };
}

/** fromComfy counts ComfyUI's running and pending prompts (GET /queue). */
async function fromComfy(root: string, timeoutMs: number, signal: AbortSignal) {
  const asked = `${root.replace(/\/+$/, "")}/queue`;
  const url = safeUrl(asked);
  const a = await callJson(asked, { signal, timeoutMs, proxy: false });
  if ("failed" in a) return { unknown: `${url} ${say(comfyWords, [a.failed]).summary}` };
  if (a.status !== 200) return { unknown: `HTTP ${a.status} from ${url}` };
  const q = parseQueue(a.json);
  if (!q) return { unknown: `${url} did not return the JSON of a queue` };
  const length = q.running.length + q.pending.length;
  return { length, how: `ComfyUI running ${q.running.length}, pending ${q.pending.length}` };
}
