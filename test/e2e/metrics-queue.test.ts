import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cronAt, emailChannel, installCron, useField, writePrivate } from "./field-helpers.js";

// vLLM's /metrics keeps answering while its engine stops generating: requests pile up in the queue and
// vllm:generation_tokens_total stands still. One metrics rule says so, through the built CLI as cron runs it,
// two simulated minutes apart, and the email carries the numbers.
const field = useField();

/** The fake vLLM: its waiting count and its token counter, moved by the test between runs. */
const engine = { waiting: 0, tokens: 0 };
let server: http.Server;
let base = "";

/** A page in vLLM v1's layout (test/fixtures/metrics/vllm.txt) with the two numbers the rule reads. */
function page(): string {
  return readFixture()
    .replace(/^(vllm:num_requests_waiting\{[^}]*\}) 14\.0$/m, `$1 ${engine.waiting}.0`)
    .replace(/^(vllm:generation_tokens_total\{[^}]*\}) 95504\.0$/m, `$1 ${engine.tokens}.0`);
}
const readFixture = () => fs.readFileSync("test/fixtures/metrics/vllm.txt", "utf8");

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/health") return res.writeHead(200).end(); // vLLM's /health stays 200 through it all
    if (req.url !== "/metrics") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", connection: "close" });
    res.end(page());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function install(dir: string, smtpPort: number): Promise<string> {
  const config = writePrivate(
    path.join(dir, "watchdog.yaml"),
    `state_file: ${path.join(dir, "state.json")}
channels:
${emailChannel(smtpPort)}escalation:
  - {after: 1, notify: [email]}
checks:
  - name: vllm-progress
    type: metrics
    url: ${base}/metrics
    rules:
      - name: queue not draining
        when:
          - vllm:num_requests_waiting > 0
          - increase(vllm:generation_tokens_total) == 0
        for: 3
`,
  );
  return installCron(config, writePrivate(path.join(dir, "watchdog.env"), "SMTP_PASS=right-pass\n"));
}

describe("a vLLM queue that does not drain, as cron sees it", () => {
  it("healthy progress stays quiet; no tokens for 3 runs while requests wait: one email with the numbers", async () => {
    const { dir, smtp } = field;
    const command = await install(dir, smtp.port);
    let run = 0;
    const cron = async () => {
      const r = await cronAt(command, run++);
      expect({ code: r.code, mail: r.mail }).toEqual({ code: 0, mail: "" });
    };
    // Healthy: requests wait and tokens flow.
    for (const [waiting, tokens] of [
      [3, 100],
      [5, 900],
      [2, 1700],
      [4, 2500],
    ] as const) {
      Object.assign(engine, { waiting, tokens });
      await cron();
    }
    expect(smtp.mails).toHaveLength(0);
    const state = () => JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")).checks["vllm-progress"];
    expect(state().status).toBe("ok");
    // The engine stops: the queue grows, the counter stands still. The 1st and 2nd such runs are not yet 3.
    for (const waiting of [6, 9]) {
      engine.waiting = waiting;
      await cron();
    }
    expect(smtp.mails).toHaveLength(0);
    engine.waiting = 14;
    await cron();
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toMatch(/^\[watchdog\] CRITICAL vllm-progress on /);
    expect(mail.text).toContain(
      "queue not draining for 3 runs (6m): vllm:num_requests_waiting = 14, increase(vllm:generation_tokens_total) = 0",
    );
    // Generation resumes (the engine was restarted by hand): the next run is ok and says so.
    engine.tokens += 640;
    await cron();
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.subject).toMatch(/^\[watchdog\] RECOVERED vllm-progress on /);
  });
});
