import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import { MAX_BODY, metricsConfigSchema, metricsProbe } from "../../../src/probes/metrics/index.js";
import { configErrorsOf as errorsOf, PARSE_OPTS } from "../../helpers/config.js";
import * as vllm from "../../helpers/vllm.js";
import { ctx, fakeClock, testDeps } from "../ctx.js";

/** The server answers what `page` says: a status and a body (a function of the request count for changing pages). */
let page: { status: number; body: string | Buffer; type?: string } = { status: 200, body: "" };
let seenAuth: string | undefined;
let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seenAuth = req.headers.authorization;
    if (req.url !== "/metrics") return res.writeHead(404).end("not found");
    res.writeHead(page.status, { "content-type": page.type ?? "text/plain; version=0.0.4; charset=utf-8" });
    res.end(page.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const vllmPage = (waiting: number, tokens: number) => vllm.vllmPage({ waiting, tokens });

const STALLED_RULE = {
  name: "queue not draining",
  when: ["vllm:num_requests_waiting > 0", "increase(vllm:generation_tokens_total) == 0"],
  for: 3,
};
const cfg = (extra: Record<string, unknown> = {}) =>
  metricsConfigSchema.parse({ type: "metrics", url: `${base}/metrics`, rules: [STALLED_RULE], ...extra });

/** runs scrapes `pages` one after another, about two minutes apart, carrying the memory as the state file does. */
async function runs(config: ReturnType<typeof cfg>, pages: string[]) {
  const clock = fakeClock(Date.UTC(2026, 11, 7, 9, 0, 0));
  const deps = testDeps(clock);
  let memory: unknown;
  const outs = [];
  for (const body of pages) {
    page = { status: 200, body };
    const out = await metricsProbe.run(config, ctx(memory, deps));
    memory = out.memory ?? memory;
    outs.push(out);
    // Scrapes start some hundred milliseconds apart from run to run, as a run's other work varies.
    clock.advance(120_000 + (outs.length % 2 ? 900 : -600));
  }
  return outs;
}

describe("metrics probe against a vLLM-shaped /metrics", () => {
  it("waiting requests and no tokens for 3 runs: critical with the rule's numbers and the time it covers", async () => {
    const outs = await runs(cfg(), [vllmPage(3, 500), vllmPage(6, 500), vllmPage(9, 500), vllmPage(14, 500)]);
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "ok", "critical"]);
    expect(outs[0]!.summary).toContain("increase(vllm:generation_tokens_total) not yet known (first scrape)");
    expect(outs[2]!.summary).toContain("queue not draining holds (2 of 3 runs)");
    expect(outs[3]!.summary).toBe(
      `${base}/metrics: queue not draining for 3 runs (6m): vllm:num_requests_waiting = 14, ` +
        "increase(vllm:generation_tokens_total) = 0",
    );
  });

  it("tokens still generated while requests wait: ok", async () => {
    const outs = await runs(cfg(), [vllmPage(14, 500), vllmPage(14, 900), vllmPage(14, 1300), vllmPage(14, 1700)]);
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(outs[3]!.summary).toMatch(/series, no rule holds \(queue not draining\)$/);
  });

  it("a metric the server does not export: a warning naming it, never ok nor critical", async () => {
    const outs = await runs(cfg(), ["vllm:num_requests_running 1\n", "vllm:num_requests_running 1\n"]);
    expect(outs.map((o) => o.status)).toEqual(["warning", "warning"]);
    expect(outs[1]!.summary).toContain("queue not draining: not exported: vllm:num_requests_waiting");
  });

  it("a selector whose labels match no series (another model served): a warning with the selector", async () => {
    const config = cfg({ rules: [{ name: "stuck", when: 'vllm:num_requests_waiting{model_name="llama"} > 0' }] });
    const [out] = await runs(config, [vllmPage(3, 1)]);
    expect(out).toMatchObject({
      status: "warning",
      summary: `${base}/metrics: stuck: no series match vllm:num_requests_waiting{model_name="llama"}`,
    });
  });

  it("a severity of warning and a rule that fires at once (for: 1) on a gauge", async () => {
    const config = cfg({
      rules: [{ name: "kv cache full", when: "vllm:kv_cache_usage_perc >= 0.9", severity: "warning" }],
    });
    const [out] = await runs(config, [vllmPage(0, 1)]);
    expect(out).toMatchObject({
      status: "warning",
      summary: `${base}/metrics: kv cache full: vllm:kv_cache_usage_perc = 0.9125`,
    });
  });

  it.each([
    [
      { status: 200, body: "<!doctype html><html></html>", type: "text/html" },
      "not in the Prometheus text format: line 1",
    ],
    [{ status: 503, body: "Service Unavailable" }, "answered 503: Service Unavailable"],
    [{ status: 200, body: "# HELP nothing here\n" }, "answered with no samples"],
    [{ status: 200, body: Buffer.alloc(MAX_BODY + 1, "a") }, "answered more than 8 MiB of metrics"],
  ])("an endpoint that is not a metrics page is critical: %#", async (answer, why) => {
    page = answer;
    const out = await metricsProbe.run(cfg(), ctx());
    expect(out.status).toBe("critical");
    expect(out.summary).toContain(why);
  });

  it("nothing listening: critical, and the memory of the last scrape is kept", async () => {
    const dead = metricsConfigSchema.parse({
      type: "metrics",
      url: "http://127.0.0.1:9/metrics",
      rules: [STALLED_RULE],
    });
    const out = await metricsProbe.run(dead, ctx({ at: 1, counters: {}, streaks: {} }));
    expect(out).toMatchObject({ status: "critical" });
    expect(out.summary).toContain("refused the connection");
    expect(out.memory).toBeUndefined();
  });

  it("a page whose body stalls after the head: critical within the timeout", async () => {
    const stall = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("vllm:num_requests_waiting 1\n"); // then nothing more
    });
    await new Promise<void>((r) => stall.listen(0, "127.0.0.1", r));
    try {
      const port = (stall.address() as AddressInfo).port;
      const config = metricsConfigSchema.parse({
        type: "metrics",
        url: `http://127.0.0.1:${port}/metrics`,
        timeout: "1s",
        rules: [STALLED_RULE],
      });
      const out = await metricsProbe.run(config, ctx());
      expect(out).toMatchObject({ status: "critical" });
      expect(out.summary).toBe(`GET http://127.0.0.1:${port}/metrics gave no complete answer within 1s`);
    } finally {
      stall.closeAllConnections();
      await new Promise((r) => stall.close(r));
    }
  });

  it("sends the configured headers", async () => {
    page = { status: 200, body: vllmPage(0, 1) };
    await metricsProbe.run(cfg({ headers: { Authorization: "Bearer tok-123" } }), ctx());
    expect(seenAuth).toBe("Bearer tok-123");
  });
});

describe("metrics config", () => {
  /** progressCheck is a config of one metrics check on vLLM's page; REST is its keys after `url` (4 spaces in). */
  const progressCheck = (rest: string) => `
checks:
  - name: vllm-progress
    type: metrics
    url: http://127.0.0.1:8000/metrics
${rest}`;

  it("validates the contract's example as written", () => {
    const text = progressCheck(`    timeout: 10s
    headers: { Authorization: "Bearer x" }
    rules:
${vllm.QUEUE_RULE}        severity: critical
`);
    const { config } = parseConfig(text, PARSE_OPTS);
    expect(config.checks[0]).toMatchObject({ type: "metrics", timeout: 10_000, rules: [{ for: 3 }] });
  });

  it("names the file, line and column of each condition that does not parse", () => {
    const text = progressCheck(`    rules:
      - name: stuck
        when: [vllm:num_requests_waiting >> 0]
      - name: slow
        when: sum(vllm:num_requests_waiting) > 0
`);
    expect(errorsOf(text)).toEqual([
      expect.stringMatching(
        /^watchdog\.yaml:8:16: checks\[0\]\.rules\[0\]\.when\[0\]: expected EXPR OP NUMBER, e\.g\./,
      ),
      expect.stringMatching(/^watchdog\.yaml:10:\d+: checks\[0\]\.rules\[1\]\.when.*: unknown function in "sum\(/),
    ]);
  });

  it("refuses two rules of one check with the same name (the state keeps streaks by rule name)", () => {
    const text = progressCheck(`    rules:
      - {name: stuck, when: "a > 0"}
      - {name: stuck, when: "b > 0"}
`);
    expect(errorsOf(text)).toEqual([expect.stringMatching(/^watchdog\.yaml:8:\d+: .*rule stuck is named twice/)]);
  });
});
