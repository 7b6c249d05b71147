import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiConfigSchema, openaiProbe, tokensPerSecond } from "../../../src/probes/openai/index.js";
import { ctx } from "../ctx.js";

const MODEL = "Qwen/Qwen2.5-7B-Instruct";

/** A chunk as vLLM streams it; with stream_options.include_usage the last chunk has no choices and the usage. */
const chunk = (delta: Record<string, string> | null, usage?: object) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1732000000,
    model: MODEL,
    choices: delta ? [{ index: 0, delta, logprobs: null, finish_reason: null }] : [],
    ...(usage ? { usage } : {}),
  })}\n\n`;

/** The fake streams `tokens` tokens, `gapMs` apart; `usage`: it ends with the usage chunk, as asked. */
let plan = { tokens: 8, gapMs: 5, usage: true };
const asked: Record<string, unknown>[] = [];
let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ object: "list", data: [{ id: MODEL, object: "model" }] }));
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      asked.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      res.write(chunk({ role: "assistant", content: "" }));
      let i = 0;
      const next = () => {
        if (i < plan.tokens) {
          res.write(chunk({ content: ` ${++i}` }));
          return setTimeout(next, plan.gapMs);
        }
        const usage = { prompt_tokens: 12, completion_tokens: plan.tokens, total_tokens: 12 + plan.tokens };
        res.end((plan.usage ? chunk(null, usage) : "") + "data: [DONE]\n\n");
      };
      next();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const run = (over: Record<string, unknown>) =>
  openaiProbe.run(openaiConfigSchema.parse({ type: "openai", base_url: base, model: MODEL, ...over }), ctx());

describe("openai probe: min_tokens_per_second", () => {
  it("tokensPerSecond counts the tokens after the first over the time to the last", () => {
    expect(tokensPerSecond(11, 100, 1100)).toBe(10);
    expect(tokensPerSecond(1, 100, 100)).toBeUndefined();
    expect(tokensPerSecond(5, 100, 100)).toBe(Infinity);
  });

  it("a stream below the floor is critical, with the rate and the floor", async () => {
    // 6 tokens 250 ms apart: 5 tokens in 1.25 s, 4 tokens/s at best.
    plan = { tokens: 6, gapMs: 250, usage: true };
    const out = await run({ min_tokens_per_second: 20, prompt: "Count from 1 to 50." });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/: [0-4]\.\d tokens\/s over 6 tokens, below the floor of 20$/);
    expect(asked.at(-1)).toMatchObject({ max_tokens: 32, stream: true, stream_options: { include_usage: true } });
  });

  it("a stream above the floor is ok and says its rate; without usage the chunks are counted", async () => {
    plan = { tokens: 10, gapMs: 2, usage: false };
    const out = await run({ min_tokens_per_second: 5 });
    expect(out.status).toBe("ok");
    expect(out.summary).toMatch(/, \d+\.\d tokens\/s$/);
    expect(out.metrics!.tokens_per_second).toBeGreaterThan(5);
  });

  it("without the floor, one token is asked for, as before", async () => {
    plan = { tokens: 1, gapMs: 0, usage: false };
    const out = await run({});
    expect(out.status).toBe("ok");
    expect(asked.at(-1)).toMatchObject({ max_tokens: 1 });
    expect(asked.at(-1)).not.toHaveProperty("stream_options");
  });
});
