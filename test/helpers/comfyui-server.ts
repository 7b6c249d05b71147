import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake ComfyUI on 127.0.0.1 that speaks the routes of ComfyUI's server.py (PromptServer.__init__ routes): GET /queue,
 * POST /prompt, GET /history/{prompt_id}, GET /prompt, GET /system_stats; the shapes are in docs/inference.md.
 *
 * - healthy: a submitted prompt runs at once and its history has an image output;
 * - stuck: one prompt stays in queue_running for ever, what is submitted waits behind it (plus `pending` others);
 * - dead: the server answers but nothing runs: submitted prompts wait in queue_pending for ever (`pending` more);
 * - error: a submitted prompt fails (history status "error" with an execution_error message).
 */
export type ComfyState = "healthy" | "stuck" | "dead" | "error";

/** Nodes the fake knows (from ComfyUI's nodes.py NODE_CLASS_MAPPINGS); any other class_type is refused like ComfyUI. */
const NODES = new Set(["EmptyImage", "PreviewImage", "SaveImage", "ImageInvert", "EmptyLatentImage"]);

type Item = [number, string, unknown, Record<string, unknown>, string[]];

/** FakeComfy is a started fake: its URL, its state switch, what it was sent, and close. */
export type FakeComfy = {
  url: string;
  setState(state: ComfyState, opts?: { pending?: number }): void;
  /** Adds n prompts of other users to queue_pending (a queue that grows). */
  enqueue(n: number): void;
  /** Prompts submitted with POST /prompt so far. */
  submitted(): number;
  close(): Promise<void>;
};

/** startComfy starts a fake ComfyUI in `state`. */
export async function startComfy(opts: { state: ComfyState; pending?: number }): Promise<FakeComfy> {
  let state = opts.state;
  let number = 0;
  let submitted = 0;
  const running: Item[] = [];
  let pending: Item[] = [];
  const history: Record<string, unknown> = {};
  const item = (prompt: unknown = {}): Item => [number++, randomUUID(), prompt, { client_id: "other" }, ["9"]];
  const enter = (s: ComfyState, more = 0) => {
    state = s;
    running.length = 0;
    pending = pending.filter((p) => p[3].client_id === "watchdog");
    if (s === "stuck") running.push(item());
    // A server that works again runs what waited.
    if (s === "healthy" || s === "error") for (const it of pending.splice(0)) setTimeout(() => finish(it), 50);
    for (let i = 0; i < more; i++) pending.push(item());
  };
  enter(state, opts.pending ?? 0);

  const finish = (it: Item) => {
    const id = it[1];
    const messages: unknown[] = [["execution_start", { prompt_id: id, timestamp: Date.now() }]];
    if (state === "error") {
      const err = { prompt_id: id, node_id: "1", node_type: "EmptyImage", exception_type: "torch.OutOfMemoryError" };
      messages.push([
        "execution_error",
        { ...err, exception_message: "CUDA out of memory. Tried to allocate 2.00 GiB" },
      ]);
      history[id] = { prompt: it, outputs: {}, status: { status_str: "error", completed: false, messages }, meta: {} };
      return;
    }
    messages.push(["execution_cached", { nodes: [], prompt_id: id, timestamp: Date.now() }]);
    messages.push(["execution_success", { prompt_id: id, timestamp: Date.now() }]);
    const images = [{ filename: "ComfyUI_temp_wdtst_00001_.png", subfolder: "", type: "temp" }];
    history[id] = {
      prompt: it,
      outputs: { "2": { images } },
      status: { status_str: "success", completed: true, messages },
    };
  };

  const send = (res: http.ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname.replace(/^\/api\//, "/");
      if (req.method === "GET" && path === "/queue")
        return send(res, 200, { queue_running: running, queue_pending: pending });
      if (req.method === "GET" && path === "/prompt")
        return send(res, 200, { exec_info: { queue_remaining: running.length + pending.length } });
      if (req.method === "GET" && path === "/system_stats")
        return send(res, 200, { system: { os: "posix", comfyui_version: "0.3.40" }, devices: [] });
      if (req.method === "GET" && path.startsWith("/history/")) {
        const id = decodeURIComponent(path.slice("/history/".length));
        return send(res, 200, Object.hasOwn(history, id) ? { [id]: history[id] } : {});
      }
      if (req.method === "POST" && path === "/prompt") return post(raw, res);
      if (req.method === "GET" && path === "/") {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<!DOCTYPE html><html><head><title>ComfyUI</title></head></html>");
      }
      res.writeHead(404).end("404: Not Found");
    });
  });

  const post = (raw: string, res: http.ServerResponse) => {
    let body: { prompt?: Record<string, { class_type?: string }>; client_id?: string };
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, { error: "invalid json", node_errors: [] });
    }
    if (!body.prompt) return send(res, 400, { error: { type: "no_prompt", message: "No prompt provided" } });
    for (const [id, node] of Object.entries(body.prompt)) {
      if (!NODES.has(String(node?.class_type))) {
        const message = `Cannot execute because node ${node?.class_type} does not exist.`;
        const error = { type: "invalid_prompt", message, details: `Node ID '#${id}'`, extra_info: {} };
        return send(res, 400, { error, node_errors: {} });
      }
    }
    submitted++;
    const it: Item = [number++, randomUUID(), body.prompt, { client_id: body.client_id ?? "" }, ["2"]];
    if (state === "healthy" || state === "error") setTimeout(() => finish(it), 50);
    else pending.push(it);
    send(res, 200, { prompt_id: it[1], number: it[0], node_errors: {} });
  };

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setState: (s, o) => enter(s, o?.pending ?? 0),
    submitted: () => submitted,
    enqueue: (n) => {
      for (let i = 0; i < n; i++) pending.push(item());
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
