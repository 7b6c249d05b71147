import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { QUEUE_RULE, useFakeVllm } from "../helpers/vllm.js";
import { cronAt, installEmailConfig, useField } from "./field-helpers.js";

// vLLM's /metrics keeps answering while its engine stops generating: requests pile up in the queue and
// vllm:generation_tokens_total stands still. One metrics rule says so, through the built CLI as cron runs it,
// two simulated minutes apart, and the email carries the numbers.
const field = useField();

/** The fake vLLM: its waiting count and its token counter, moved by the test between runs. */
const engine = { waiting: 0, tokens: 0 };
const vllm = useFakeVllm(engine);

async function install(dir: string, smtpPort: number): Promise<string> {
  const { command } = await installEmailConfig(
    dir,
    smtpPort,
    `escalation:
  - {after: 1, notify: [email]}
checks:
  - name: vllm-progress
    type: metrics
    url: ${vllm.base}/metrics
    rules:
${QUEUE_RULE}`,
  );
  return command;
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
