import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { cli, cronAt, CRON, emailChannel, installCron, T0, useField, writePrivate } from "./field-helpers.js";

// What `status` says was told was told: only a message the vendor accepted counts. Driven as cron drives the built
// CLI (env -i, stdout thrown away, stderr as the only mail), two simulated minutes apart (WATCHDOG_TEST_NOW).
const field = useField();

/** setup writes a config (channels and ladder as given, one tcp check that nothing answers) and its cron line. */
async function setup(name: string, pass: string, channels: string, ladder: string) {
  const config = path.join(field.dir, name, "watchdog.yaml");
  const yaml = (ch: string) => `state_file: ${path.join(field.dir, name, "state.json")}
channels:
${ch}escalation:
${ladder}checks:
  - {name: llm, type: tcp, host: 127.0.0.1, port: 1}
`;
  writePrivate(config, yaml(channels));
  const envFile = writePrivate(path.join(field.dir, name, "watchdog.env"), `SMTP_PASS=${pass}\n`);
  const command = await installCron(config, envFile);
  return {
    config,
    /** cron runs the cron line at the `run`-th simulated slot; stderr is what cron would mail. */
    cron: (run: number) => cronAt(command, run),
    status: async (run: number) => {
      const r = await cli(["--config", config, "status", "--json"], { WATCHDOG_TEST_NOW: String(T0 + run * CRON) });
      const text = await cli(["--config", config, "status"], { WATCHDOG_TEST_NOW: String(T0 + run * CRON) });
      return { json: JSON.parse(r.stdout), text: text.stdout };
    },
    rewrite: (ch: string) => writePrivate(config, yaml(ch)),
  };
}

const STEP1 = "  - {after: 1, notify: [email]}\n";

/** row is the status table's row of check llm, split into its columns. */
const row = (text: string) =>
  text
    .split("\n")
    .find((l) => l.startsWith("llm "))!
    .trim()
    .split(/\s{2,}/);

describe("status says TOLD and SENT only for what the vendor accepted", () => {
  it("a channel that cannot be reached: not told, queued with its error; told once it is delivered", async () => {
    const down = await freePort();
    const w = await setup("unreachable", "right-pass", emailChannel(down), STEP1);
    expect((await w.cron(0)).code).toBe(0);
    const s = await w.status(0);
    // CHECK STATUS FAIL SINCE STEP TOLD RST SENT NOTES
    const cols = row(s.text);
    expect(cols[5]).toBe("-");
    expect(cols[7]).toBe("-");
    const flat = s.text.replace(/\s+/g, " ");
    expect(flat).toMatch(/not yet told: email \(failing, \d+ attempts?, next in (1m|\d+s)\): .*ECONNREFUSED/);
    const inc = s.json.checks[0].incident;
    expect(inc.delivered).toEqual([]);
    expect(inc.lastSentAt).toBeNull();
    expect(inc.undelivered).toEqual([expect.objectContaining({ channel: "email", state: "failing" })]);
    expect(inc.undelivered[0].reason).toMatch(/ECONNREFUSED|connect/i);
    // The SMTP server is back (the config points at it): the next due run delivers, and status says so.
    w.rewrite(emailChannel(field.smtp.port));
    const before = field.smtp.mails.length;
    expect((await w.cron(1)).code).toBe(0);
    expect(field.smtp.mails.length).toBe(before + 1);
    const after = await w.status(1);
    expect(row(after.text)[5]).toBe("email");
    expect(row(after.text)[7]).toMatch(/ago$/);
    expect(after.json.checks[0].incident.delivered).toEqual(["email"]);
    expect(after.json.checks[0].incident.undelivered).toEqual([]);
  });

  it("a channel that refuses for good (535): not told, refused with the vendor's reason", async () => {
    const w = await setup("refused", "wrong-pass", emailChannel(field.smtp.port), STEP1);
    await w.cron(0);
    const s = await w.status(0);
    expect(row(s.text)[5]).toBe("-");
    expect(row(s.text)[7]).toBe("-");
    expect(s.text.replace(/\s+/g, " ")).toContain("not told: email refused: permanent failure: SMTP authentication");
    expect(s.json.checks[0].incident.undelivered).toEqual([
      expect.objectContaining({ channel: "email", state: "refused", reason: expect.stringMatching(/535/) }),
    ]);
  });
});

describe("a merged message counts checks, not messages", () => {
  it("two alerts of one check held by the rate limit go out as one message about that check", async () => {
    const ladder = `${STEP1}  - {after: 2, notify: [email]}\n  - {after: 3, notify: [email]}\n`;
    const channels = emailChannel(field.smtp.port, "rate_limit: {max: 1, per: 10m}");
    const w = await setup("merged", "right-pass", channels, ladder);
    const before = field.smtp.mails.length;
    for (let run = 0; run <= 6; run++) expect((await w.cron(run)).mail).toBe("");
    const mails = field.smtp.mails.slice(before);
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[watchdog\] CRITICAL llm on /),
      expect.stringMatching(/^\[watchdog\] CRITICAL llm on /),
    ]);
    expect(mails[1]!.text).toContain("Held by the rate limit: 2 messages merged.");
  });
});

describe("the next retry follows the config", () => {
  it("an alert held by quiet hours goes out at the next run once the quiet hours are removed", async () => {
    // 09:00 UTC is inside 08:00-20:00; the alert is critical, so `except: none` to hold it.
    const quiet = 'quiet_hours: {from: "08:00", to: "20:00", timezone: UTC, except: none}';
    const w = await setup("quiet", "right-pass", emailChannel(field.smtp.port, quiet), STEP1);
    const before = field.smtp.mails.length;
    await w.cron(0);
    expect(field.smtp.mails.length).toBe(before);
    w.rewrite(emailChannel(field.smtp.port));
    expect((await w.cron(1)).mail).toBe("");
    expect(field.smtp.mails.length).toBe(before + 1);
    expect(field.smtp.mails.at(-1)!.subject).toMatch(/^\[watchdog\] CRITICAL llm on /);
  });

  it("an alert held by quiet hours follows a window moved earlier", async () => {
    const quiet = (to: string) => `quiet_hours: {from: "08:00", to: "${to}", timezone: UTC, except: none}`;
    const w = await setup("moved", "right-pass", emailChannel(field.smtp.port, quiet("20:00")), STEP1);
    const before = field.smtp.mails.length;
    await w.cron(0);
    // The window now ends at 09:05: the run at 09:06 sends the digest (it waited for 20:00 before).
    w.rewrite(emailChannel(field.smtp.port, quiet("09:05")));
    await w.cron(1);
    expect(field.smtp.mails.length).toBe(before);
    const until = new Date(Date.UTC(2026, 10, 22, 9, 5)).toISOString();
    expect((await w.status(1)).json.outbox[0].nextAttemptAt).toBe(until);
    await w.cron(3);
    expect(field.smtp.mails.length).toBe(before + 1);
  });

  it("a config edit tries at once what waits out a failed send's backoff", async () => {
    const down = await freePort();
    const w = await setup("backoff", "right-pass", emailChannel(down), STEP1);
    // Three failed runs (09:00, 09:02, 09:06; each a minute or more past its retry time): the backoff is 4 minutes
    // now, so the run at 09:08 would not try.
    for (const run of [0, 1, 3]) await w.cron(run);
    const waiting = (await w.status(3)).json.outbox[0];
    expect(Date.parse(waiting.nextAttemptAt)).toBeGreaterThan(T0 + 4 * CRON);
    const before = field.smtp.mails.length;
    // The host is fixed in the config: the run at 09:08 sends, without waiting out the old mistake's backoff.
    w.rewrite(emailChannel(field.smtp.port));
    expect((await w.cron(4)).mail).toBe("");
    expect(field.smtp.mails.length).toBe(before + 1);
    expect(field.smtp.mails.at(-1)!.subject).toMatch(/^\[watchdog\] CRITICAL llm on /);
  });
});
