import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cli, emailChannel, listen, runAsCron, useField, writePrivate } from "../e2e/field-helpers.js";
import { freePort } from "../helpers/net.js";

// An alert a channel refused for good (a wrong SMTP password: 535) is not gone: it is kept, bounded, in the state,
// `status` lists it, and the first message the channel carries again (a later run once the password is fixed, or
// `watchdog test-notify`) names it. With one channel, that is the only way the person ever learns of it.
// The built CLI runs as cron runs it; the SMTP server is real and refuses a wrong password with 535.

const T0 = Date.parse("2026-03-01T08:00:00Z");
const field = useField();
beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error("dist/watchdog.cjs is missing: run `npm run build` first");
});

function setup(name: string, port: number): { cfg: string } {
  const at = (file: string) => path.join(field.dir, name, file);
  const cfg = writePrivate(
    at("watchdog.yaml"),
    `state_file: ${at("state.json")}
channels:
${emailChannel(field.smtp.port)}escalation:
  - {after: 1, notify: [email]}
checks:
  - {name: llm, type: tcp, port: ${port}}
`,
  );
  return { cfg };
}

const cron = (cfg: string, now: number, pass: string) =>
  runAsCron(`/usr/bin/node ${CLI} check --config ${cfg} >/dev/null`, {
    WATCHDOG_TEST_NOW: String(now),
    SMTP_PASS: pass,
  });
const status = (cfg: string, now: number) =>
  cli(["status", "--config", cfg], { WATCHDOG_TEST_NOW: String(now), SMTP_PASS: "x" });
const mailsTo = (from: number) => field.smtp.mails.slice(from);

/** refusedOnce sets up `name` (its check's port free: down) and runs it once with a wrong SMTP password (535). */
async function refusedOnce(name: string) {
  const port = await freePort();
  const { cfg } = setup(name, port);
  const before = field.smtp.mails.length;
  const first = await cron(cfg, T0, "wrong-pass");
  return { port, cfg, before, first };
}

describe("an alert a channel refused for good is kept and delivered when it carries again", () => {
  it(
    "535, then the password is fixed: " + "the recovery mail names the lost step-1 alert; status listed it meanwhile",
    async () => {
      const { port, cfg, before, first } = await refusedOnce("run");
      expect(first.mail).toMatch(/FAILED to send to email \(llm\): SMTP authentication failed: 535/);
      expect(mailsTo(before)).toHaveLength(0);
      const st = await status(cfg, T0 + 60_000);
      expect(st.stdout).toMatch(/email refused 1 alert.*kept/);
      expect(st.stdout).toMatch(/llm/);
      const server = await listen(port);
      try {
        const second = await cron(cfg, T0 + 2 * 60_000, "right-pass");
        expect(second.mail).toBe("");
      } finally {
        server.close();
      }
      const got = mailsTo(before);
      expect(got).toHaveLength(1);
      expect(got[0]!.subject).toMatch(/RECOVERED|llm/);
      expect(got[0]!.text).toMatch(/not delivered earlier/i);
      expect(got[0]!.text).toMatch(/llm: CRITICAL \(escalation step 1\)/);
      expect(got[0]!.text).toContain("535");
      // Said once: the list is cleared, and status no longer shows it.
      expect((await status(cfg, T0 + 3 * 60_000)).stdout).not.toMatch(/refused \d+ alert/);
    },
  );

  it(
    "535, then `watchdog test-notify email` succeeds: " + "the test mail names the lost alert, and the list is cleared",
    async () => {
      const { cfg, before } = await refusedOnce("test-notify");
      expect((await status(cfg, T0 + 60_000)).stdout).toMatch(/email refused 1 alert/);
      const t = await cli(["test-notify", "email", "--config", cfg], {
        WATCHDOG_TEST_NOW: String(T0 + 90_000),
        SMTP_PASS: "right-pass",
      });
      expect(t.code).toBe(0);
      const got = mailsTo(before);
      expect(got).toHaveLength(1);
      expect(got[0]!.text).toMatch(/test message/);
      expect(got[0]!.text).toMatch(/not delivered earlier/i);
      expect(got[0]!.text).toMatch(/llm: CRITICAL \(escalation step 1\)/);
      expect((await status(cfg, T0 + 2 * 60_000)).stdout).not.toMatch(/refused \d+ alert/);
      // The next run (still failing, nothing new to say) sends nothing more about it.
      await cron(cfg, T0 + 2 * 60_000, "right-pass");
      expect(mailsTo(before)).toHaveLength(1);
    },
  );
});
