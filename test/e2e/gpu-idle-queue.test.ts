import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useFakeVllm } from "../helpers/vllm.js";
import { CLI, cli, cronAt, useField, writeEmailConfig, writePrivate } from "./field-helpers.js";

// A vLLM whose API server still answers while its engine stopped feeding the GPU: 14 requests wait, the GPU sits at
// 0%. The gpu check reads the queue from vLLM's /metrics and says so through the built CLI as cron runs it, with a
// fake nvidia-smi on PATH printing a captured H100's rows; the email carries the numbers.

const field = useField();
const FIXTURES = path.resolve(__dirname, "../fixtures/nvidia-smi");

/** The fake vLLM's queue, set by each test. */
const engine = { waiting: 14, running: 0 };
const vllm = useFakeVllm(engine);

const CHECK =
  "  - name: gpu\n    type: gpu\n    memory: false\n    idle_while_queued:\n" +
  "      metrics: ${VLLM_URL}/metrics\n      queue: [vllm:num_requests_waiting, vllm:num_requests_running]\n";

/** setup writes a config and a bin folder whose nvidia-smi is the fixture's; run(n) is the n-th cron slot. */
function setup(name: string, fixture: string) {
  const dir = path.join(field.dir, name);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, fixture, "nvidia-smi"), path.join(bin, "nvidia-smi"));
  fs.chmodSync(path.join(bin, "nvidia-smi"), 0o755);
  const rest = `escalation:\n  - {after: 1, notify: [email]}\nchecks:\n${CHECK}`;
  const config = writeEmailConfig(dir, field.smtp.port, rest, "host: box\n");
  const mailsBefore = field.smtp.mails.length;
  return {
    config,
    run: async (n: number) => {
      // The crontab sets PATH to where nvidia-smi lives, as a GPU host's crontab does.
      const env = { SMTP_PASS: "right-pass", VLLM_URL: vllm.base, PATH: `${bin}:/usr/bin:/bin` };
      const r = await cronAt(`node ${CLI} check -c ${config} >/dev/null`, n, env);
      expect({ code: r.code, mail: r.mail }).toEqual({ code: 0, mail: "" });
      return JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")).checks.gpu as { status: string };
    },
    mails: () => field.smtp.mails.slice(mailsBefore).map((m) => `${m.subject}\n${m.text}`),
  };
}

describe("gpu idle while the queue is not empty, through the built CLI as cron runs it", () => {
  it("14 requests waiting, GPU at 0%: ok at runs 1-2, critical at run 3 with the numbers in the mail", async () => {
    Object.assign(engine, { waiting: 14, running: 0 });
    const f = setup("stalled", "h100-idle");
    expect((await f.run(0)).status).toBe("ok");
    expect((await f.run(1)).status).toBe("ok");
    expect(f.mails()).toEqual([]);
    expect((await f.run(2)).status).toBe("critical");
    const [mail, ...more] = f.mails();
    expect(more).toEqual([]);
    expect(mail).toMatch(/^\[watchdog\] CRITICAL gpu on box/);
    expect(mail).toContain(
      "14 requests queued, GPU0 at 0% utilization, for 3 runs: the service stopped feeding its GPU " +
        "(probable engine hang)",
    );
    expect(mail).toMatch(/Probable cause: hang_timeout: \S.*/);
  }, 120_000);

  it.each([
    { what: "a queue of 0 with an idle GPU", name: "empty", queue: { waiting: 0, running: 0 }, fixture: "h100-idle" },
    { what: "a busy GPU with a queue", name: "busy", queue: { waiting: 14, running: 2 }, fixture: "h100-1" },
  ])(
    "$what stays ok",
    async ({ name, queue, fixture }) => {
      Object.assign(engine, queue);
      const f = setup(name, fixture);
      for (let n = 0; n < 4; n++) expect((await f.run(n)).status).toBe("ok");
      expect(f.mails()).toEqual([]);
    },
    120_000,
  );

  it("validate names a bad queue URL and threshold at file:line:col", async () => {
    const file = writePrivate(
      path.join(field.dir, "bad", "watchdog.yaml"),
      `state_file: ${field.dir}/bad/state.json\nchecks:\n  - name: gpu\n    type: gpu\n    idle_while_queued:\n` +
        "      metrics: 127.0.0.1:8000/metrics\n      queue: vllm:num_requests_waiting\n" +
        "      utilization_at_most: 150\n",
    );
    const r = await cli(["validate", "-c", file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(
      /watchdog\.yaml:6:\d+: checks\[0\]\.idle_while_queued\.metrics: must be a URL that starts/,
    );
    expect(r.stderr).toMatch(/watchdog\.yaml:8:\d+: checks\[0\]\.idle_while_queued\.utilization_at_most: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
