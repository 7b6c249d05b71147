import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { startWebhook, type VendorServer } from "../helpers/vendors/index.js";
import { cli, cronCommand, listen, runAsCron, tmpDir } from "./field-helpers.js";

// Issue 10: every way an alert could go nowhere, driven as cron drives the built CLI. Each case ends with a person
// told (the SMTP sink, the webhook fake, or stderr as cron mail) or with `validate` refusing the config.
let dir: string;
let smtp: SmtpSink;
let hook: VendorServer;
beforeAll(async () => {
  dir = tmpDir();
  smtp = await startSmtp({ auth: { user: "alert", pass: "right-pass" } });
  hook = await startWebhook();
});
afterAll(async () => {
  await smtp.close();
  await hook.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const emailChannel = (port: number, extra = "") => `  email:
    type: email
    host: 127.0.0.1
    port: ${port}
    user: alert
    pass: \${SMTP_PASS}
    from: watchdog@example.com
    to: [oncall@example.com]
${extra}`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/**
 * emailSetup writes NAME/watchdog.yaml (its state file in NAME, the email channel to the sink, then REST: more
 * channels, the ladder, the checks) and NAME/watchdog.env holding ENV.
 */
function emailSetup(name: string, rest: string, env: string) {
  const state = path.join(dir, name, "state.json");
  const config = write(`${name}/watchdog.yaml`, `state_file: ${state}\nchannels:\n${emailChannel(smtp.port)}${rest}`);
  return { config, envFile: write(`${name}/watchdog.env`, env) };
}

/** cronLineFor asks `install --cron` for the line, as the README says, and returns its command part. */
async function cronLineFor(config: string, envFile: string): Promise<string> {
  const r = await cli(["install", "--cron", "--config", config, "--env-file", envFile]);
  expect(r.code).toBe(0);
  const line = r.stdout.split("\n")[1]!;
  // cron mails stderr: the line must keep it, and throw only the report (stdout) away.
  expect(line).toMatch(/ >\/dev\/null$/);
  expect(line).not.toContain("2>");
  return cronCommand(line);
}

describe("a single email channel hears every step under cron", () => {
  it(
    "first alert, the restart report and the recovery all reach the one channel; " +
      "the secret comes from the env file",
    async () => {
      const port = await freePort();
      const { config, envFile } = emailSetup(
        "single",
        `checks:
  - name: tts进程
    type: tcp
    host: 127.0.0.1
    port: ${port}
    restart: {command: [/bin/true], verify_after: 0s}
`,
        "SMTP_PASS=right-pass\n",
      );
      const command = await cronLineFor(config, envFile);
      const before = smtp.mails.length;
      for (let i = 0; i < 3; i++) {
        const run = await runAsCron(command);
        expect(run.mail).toBe("");
        expect(run.code).toBe(0);
      }
      const server = await listen(port);
      try {
        expect((await runAsCron(command)).mail).toBe("");
      } finally {
        server.close();
      }
      const subjects = smtp.mails.slice(before).map((m) => m.subject);
      expect(subjects).toEqual([
        expect.stringMatching(/^\[watchdog\] CRITICAL tts进程 on /),
        expect.stringMatching(/^\[watchdog\] CRITICAL tts进程 on /),
        expect.stringMatching(/^\[watchdog\] RECOVERED tts进程 on /),
      ]);
      expect(smtp.mails.at(-2)!.text).toContain("Restart: restart did not help");
    },
  );

  it("without the env file's variable, every run says why on stderr (cron mail), never in silence", async () => {
    const { config, envFile } = emailSetup("noenv", `checks:\n  - {name: t, type: tcp, port: 1}\n`, "# nothing yet\n");
    const inst = await cli(["install", "--cron", "--config", config, "--env-file", envFile]);
    expect(inst.stderr.replace(/\s+/g, " ")).toContain(`${envFile} does not set SMTP_PASS`);
    const run = await runAsCron(await cronLineFor(config, envFile));
    expect(run.code).toBe(78);
    expect(run.mail).toContain("channels.email.pass: environment variable SMTP_PASS is not set");
    // The read-only commands need no channel secret.
    for (const args of [["status"], ["history"], ["silence", "list"], ["simulate", "t", "--brief"]]) {
      const r = await cli(["-c", config, ...args]);
      expect({ args, code: r.code, err: r.stderr }).toEqual({ args, code: 0, err: "" });
    }
  });
});

describe("a channel that keeps failing is told through another", () => {
  it(
    "a wrong SMTP password under cron: stderr says so, " + "the webhook gets one notice with the alert, status exits 2",
    async () => {
      const { config, envFile } = emailSetup(
        "wrong",
        `  chat:
    type: webhook
    url: ${hook.url}
escalation:
  - {after: 1, notify: [email]}
  - {after: 2, notify: [email]}
checks:
  - {name: llm, type: tcp, port: 1}
`,
        "SMTP_PASS=wrong-pass\n",
      );
      const command = await cronLineFor(config, envFile);
      const first = await runAsCron(command);
      expect(first.code).toBe(0);
      expect(first.mail).toMatch(/FAILED to send to email \(llm\): SMTP authentication failed: 535/);
      expect(first.mail).toMatch(/channel email refuses the credentials since .*: alerts now go to chat only/);
      const notices = hook.delivered().filter((b) => b.notice?.type === "channel_failing");
      expect(notices).toHaveLength(1);
      expect(notices[0].subject).toMatch(/CHANNEL FAILING: email on .* refuses the credentials/);
      expect(notices[0].items.map((i: { check: string }) => i.check)).toEqual(["llm"]);
      // The next step still reaches a person: through chat, while email is failing; the notice is not repeated.
      const second = await runAsCron(command);
      expect(second.mail).toMatch(/FAILED to send to email/);
      expect(second.mail).not.toMatch(/refuses the credentials since/);
      expect(hook.delivered().filter((b) => b.notice?.type === "channel_failing")).toHaveLength(1);
      expect(hook.delivered().at(-1).fallbackFrom).toBe("email");
      const status = await cli(["-c", config, "status", "--exit-status"]);
      expect(status.code).toBe(2);
      expect(status.stdout.replace(/\s+/g, " ")).toContain("CHANNEL FAILING: channel email refuses the credentials");
    },
  );
});
