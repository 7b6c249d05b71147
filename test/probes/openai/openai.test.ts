import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoot, openaiConfigSchema, openaiProbe, parseSseEvents } from "../../../src/probes/openai/index.js";
import { ctx } from "../ctx.js";

const MODEL = "Qwen/Qwen2.5-7B-Instruct";
const KEY = "sk-test-123";

/** Chunks as vLLM's OpenAI server streams them: a role chunk with empty content, the token, then [DONE]. */
function chunk(delta: Record<string, string>, finish: string | null = null): string {
  const choices = [{ index: 0, delta, logprobs: null, finish_reason: finish }];
  const body = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1732000000, model: MODEL, choices };
  return `data: ${JSON.stringify(body)}\n\n`;
}

type Mode = "ok" | "slow-token" | "split" | "stream-error" | "hang-chat" | "500" | "no-token";
let mode: Mode = "ok";
let server: http.Server;
let base = "";
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401, { "content-type": "application/json" });
      return res.end(
        JSON.stringify({
          error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" },
        }),
      );
    }
    if (req.method === "GET" && req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(
        JSON.stringify({
          object: "list",
          data: [{ id: MODEL, object: "model", created: 1, owned_by: "vllm", max_model_len: 32768 }],
        }),
      );
    }
    if (req.method === "POST" && req.url === "/v1/chat/completions") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const j = JSON.parse(body) as { stream: boolean; max_tokens: number; model: string };
        expect(j).toMatchObject({ stream: true, max_tokens: 1, model: MODEL });
        if (mode === "hang-chat") return; // accepted, never answered
        if (mode === "500") {
          res.writeHead(500, { "content-type": "application/json" });
          return res.end(
            JSON.stringify({ object: "error", message: "CUDA out of memory", type: "InternalServerError", code: 500 }),
          );
        }
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
        const role = chunk({ role: "assistant", content: "" });
        const token = chunk({ content: "OK" }, "length");
        if (mode === "stream-error")
          return res.end(
            role + `data: ${JSON.stringify({ error: { object: "error", message: "engine dead", code: 500 } })}\n\n`,
          );
        if (mode === "no-token") return res.end(role + "data: [DONE]\n\n");
        if (mode === "split") {
          const all = (role + token + "data: [DONE]\n\n").replace(/\n/g, "\r\n");
          const parts = all.match(/[\s\S]{1,7}/g)!;
          const send = (i: number) =>
            i < parts.length ? res.write(parts[i], () => setImmediate(() => send(i + 1))) : res.end();
          return send(0);
        }
        res.write(role);
        const rest = () => res.end(token + "data: [DONE]\n\n");
        if (mode === "slow-token") setTimeout(rest, 50);
        else rest();
      });
      return;
    }
    res.writeHead(404).end();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const run = (over: Record<string, unknown> = {}) =>
  openaiProbe.run(
    openaiConfigSchema.parse({ type: "openai", base_url: base, model: MODEL, api_key: KEY, ...over }),
    ctx(),
  );

describe("parseSseEvents", () => {
  it("splits complete events, keeps the rest, joins multi-line data, ignores comments", () => {
    expect(parseSseEvents('data: {"a":1}\n\n: keep-alive\n\ndata: x\ndata: y\n\ndata: par')).toEqual({
      events: ['{"a":1}', "x\ny"],
      rest: "data: par",
    });
    expect(parseSseEvents("data: [DONE]\r\n\r\n")).toEqual({ events: ["[DONE]"], rest: "" });
  });
  it("apiRoot takes the server root with or without /v1", () => {
    expect(apiRoot("http://h:8000")).toBe("http://h:8000/v1");
    expect(apiRoot("http://h:8000/v1/")).toBe("http://h:8000/v1");
  });
});

describe("openai probe against a local server speaking the SSE wire format", () => {
  it("lists the model, streams one token, reports time to first token and total", async () => {
    mode = "ok";
    const out = await run();
    expect(out.status).toBe("ok");
    expect(out.summary).toMatch(
      new RegExp(
        `^${MODEL.replace(/\./g, "\\.")} at http://127\\.0\\.0\\.1:\\d+/v1: first token in \\d+ms, done in \\d+ms$`,
      ),
    );
    expect(Object.keys(out.metrics!).sort()).toEqual(["latency_ms", "models_ms", "ttft_ms"]);
  });

  it("events split across reads with CRLF line ends are still parsed", async () => {
    mode = "split";
    expect((await run({ base_url: `${base}/v1` })).status).toBe("ok");
  });

  it("a slow first token is a warning with max_ttft", async () => {
    mode = "slow-token";
    const out = await run({ max_ttft: "1ms" });
    expect(out.status).toBe("warning");
    expect(out.summary).toMatch(/first token slower than 1ms/);
  });

  it("a model that is not served is critical and lists what is", async () => {
    mode = "ok";
    const out = await run({ model: "llama-3-70b" });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/does not serve model llama-3-70b \(serves: Qwen\/Qwen2\.5-7B-Instruct\)$/);
  });

  it("a wrong api key shows the server's error, never the key", async () => {
    const out = await run({ api_key: "sk-wrong-999" });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/GET \/models answered 401: Incorrect API key provided$/);
    expect(JSON.stringify(out)).not.toContain("sk-wrong-999");
  });

  it.each([
    ["500", /chat completion answered 500: CUDA out of memory$/],
    ["stream-error", /the stream reported an error: engine dead$/],
    ["no-token", /streamed no token in \d+ms$/],
  ] as const)("%s is critical", async (m, re) => {
    mode = m;
    const out = await run();
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(re);
  });

  it("an endpoint that accepts the request and never answers ends at the timeout", async () => {
    mode = "hang-chat";
    const out = await run({ timeout: "300ms" });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/no complete answer within 300ms \(chat completion, after \d+ms\)$/);
  });

  it("a socket that accepts the connection and never says a word ends at the timeout", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as net.AddressInfo).port;
    const out = await run({ base_url: `http://127.0.0.1:${port}`, timeout: "300ms" });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/no complete answer within 300ms \(GET \/models/);
    silent.close();
    await new Promise((r) => setImmediate(r));
  });

  it("nothing listening is critical with the reason", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const out = await run({ base_url: `http://127.0.0.1:${port}` });
    expect(out.status).toBe("critical");
    expect(out.summary).toContain("GET /models failed: refused the connection (nothing listening?)");
  });
});
