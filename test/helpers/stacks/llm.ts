import http from "node:http";
import type net from "node:net";

/**
 * LlmState is how a fake LLM server behaves:
 *   healthy   health 200, one streamed token, metrics that move (requests run, sometimes wait; tokens grow)
 *   dead      health and /v1/models still 200, the chat answers 500 (the engine core died behind the API server)
 *   hung      health 200, the chat is accepted and never answered
 *   stalled   health 200, requests wait in a growing queue while no token is generated; the chat waits with them
 */
export type LlmState = "healthy" | "dead" | "hung" | "stalled";

/** Counters are the engine's numbers, moved at each scrape of /metrics as the state says. */
export type Counters = { waiting: number; running: number; tokens: number; decodes: number; requests: number };

/** LlmStack is what one server speaks: its health route, its model list, its stream chunk, its error, its metrics. */
export type LlmStack = {
  health: { path: string; type: string; body: string };
  models(model: string): unknown;
  chunk(model: string, delta: Record<string, string>, finish: string | null): unknown;
  /** The answer of a chat the dead engine cannot serve. */
  dead: { status: number; body: unknown };
  /** The Prometheus text of /metrics (undefined: the server has none). */
  metrics?: (c: Counters, model: string) => string;
  /** Routes of its own (Ollama's /api/*), answered before the common ones; true when handled. */
  route?: (req: http.IncomingMessage, res: http.ServerResponse, state: LlmState, model: string) => boolean;
};

/** LlmServer is a running fake on 127.0.0.1: its URL, its state (settable), its close. */
export type LlmServer = { url: string; port: number; state: LlmState; close(): Promise<void> };

/** step moves the counters one scrape on, as an engine in that state would have moved them in two minutes. */
function step(c: Counters, state: LlmState): void {
  if (state === "healthy") {
    c.running = 2;
    c.waiting = c.requests % 3; // a queue that comes and goes
    c.tokens += 480;
    c.decodes += 240;
    c.requests += 6;
  } else if (state === "stalled") {
    c.running = 2;
    c.waiting = c.waiting < 14 ? 14 : c.waiting + 3;
  } else if (state === "dead") {
    c.running = 0;
    c.waiting = 0;
  } // hung: the numbers stay where they were
}

/** startLlm starts a fake server of stack serving `model` on 127.0.0.1 (port 0: any free port). */
export async function startLlm(stack: LlmStack, model: string, port = 0): Promise<LlmServer> {
  const counters: Counters = { waiting: 0, running: 0, tokens: 1000, decodes: 500, requests: 10 };
  const self = { state: "healthy" as LlmState };
  const server = http.createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0]!;
    if (stack.route?.(req, res, self.state, model)) return;
    if (req.method === "GET" && url === stack.health.path) {
      res.writeHead(200, { "content-type": stack.health.type }).end(stack.health.body);
    } else if (req.method === "GET" && url === "/v1/models") {
      json(res, 200, stack.models(model));
    } else if (req.method === "GET" && url === "/metrics" && stack.metrics) {
      step(counters, self.state);
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(stack.metrics(counters, model));
    } else if (req.method === "POST" && url === "/v1/chat/completions") {
      readBody(req).then((body) => chat(stack, model, self.state, body, res));
    } else json(res, 404, { detail: "Not Found" });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const bound = (server.address() as net.AddressInfo).port;
  return Object.assign(self, {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  });
}

/** chat answers POST /v1/chat/completions: a streamed token when healthy, the stack's error when dead, else nothing. */
function chat(stack: LlmStack, model: string, state: LlmState, body: string, res: http.ServerResponse): void {
  if (state === "hung" || state === "stalled") return; // accepted, never answered (closed with the server)
  if (state === "dead") return json(res, stack.dead.status, stack.dead.body);
  let req: { model?: string; stream?: boolean };
  try {
    req = JSON.parse(body) as typeof req;
  } catch {
    return json(res, 400, { error: "bad JSON" });
  }
  if (!req.stream) return json(res, 400, { error: "this fake streams only" });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  for (const [delta, finish] of [
    [{ role: "assistant", content: "" }, null],
    [{ content: "OK" }, null],
    [{}, "length"],
  ] as const)
    res.write(`data: ${JSON.stringify(stack.chunk(req.model ?? model, delta, finish))}\n\n`);
  res.end("data: [DONE]\n\n");
}

/** json sends a JSON answer. */
export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** readBody reads a request's body as text (a few hundred bytes here). */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => resolve(text));
  });
}

/** prom writes one metric family in the text format: HELP, TYPE, then its samples (labels as given). */
export function prom(name: string, type: string, help: string, samples: [string, number][]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  return `${lines.join("\n")}\n`;
}
