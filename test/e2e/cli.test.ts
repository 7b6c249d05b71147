import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startSmtp } from "../helpers/smtp.js";
import { freePort as closedPort } from "../helpers/net.js";
import { spawnLockHolder } from "../helpers/lock-holder.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-cli-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const env = () => ({ HOME: dir, XDG_STATE_HOME: path.join(dir, "xdg"), WATCHDOG_CONFIG: "" });

describe("watchdog CLI", () => {
  it("runs the embedded default with no config file and says how to write one", async () => {
    const r = await runCli(["check", "--state", path.join(dir, "s.json")], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no config file found: using the embedded default");
    expect(r.stdout).toMatch(/\nhost\s+(OK|WARNING|CRITICAL)\s/);
    expect(r.stdout).toContain("watchdog init --channels email");
    expect(r.stdout).toContain("`--full`: every option");
    expect(fs.existsSync(path.join(dir, "s.json"))).toBe(true);
  });

  it("validate prints config OK with counts", async () => {
    const file = write(
      "w.yaml",
      "channels:\n  c: {type: console}\nchecks:\n  - {name: a, type: tcp, port: 1}\n" +
        "  - {name: b, type: tcp, port: 2}\n",
    );
    const r = await runCli(["validate", "--config", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^config OK: 2 checks, 1 channel/);
  });

  it.each([
    ["a missing file", undefined, /w\.yaml:1:1: \(top level\): cannot read the config: no such file/],
    ["an empty file", "", /w\.yaml:1:1: .*empty/],
    ["not YAML", "checks: [\n  {", /w\.yaml:\d+:\d+: YAML: /],
    [
      "a wrong type",
      "checks:\n  - {name: a, type: tcp, port: nope}\n",
      /w\.yaml:2:32: checks\[0\]\.port: Invalid input: expected number, received string/,
    ],
    [
      "an unknown key",
      "checks:\n  - name: a\n    type: tcp\n    port: 1\n    hots: x\n",
      /w\.yaml:5:5: checks\[0\]\.hots: unknown key \(did you mean "host"\?\)/,
    ],
    [
      "an unset variable",
      "checks:\n  - name: a\n    type: tcp\n    port: 1\n    host: ${WD_TEST_UNSET_HOST}\n",
      /w\.yaml:5:11: checks\[0\]\.host: environment variable WD_TEST_UNSET_HOST is not set/,
    ],
  ])("validate and check exit 78 on %s, with FILE:LINE:COL and no stack trace", async (_name, text, pattern) => {
    const file = text === undefined ? path.join(dir, "w.yaml") : write("w.yaml", text);
    for (const cmd of ["validate", "check"]) {
      const r = await runCli([cmd, "--config", file]);
      expect(r.code).toBe(78);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    }
  });

  it("exits 75 with the holder's pid when another run holds the lock", async () => {
    const state = path.join(dir, "state.json");
    const file = write(
      "w.yaml",
      `state_file: ${state}\nchannels: {c: {type: console}}\nescalation: [{after: 1, notify: [c]}]\nchecks: []\n`,
    );
    const holder = spawnLockHolder();
    try {
      fs.writeFileSync(`${state}.lock`, holder.line);
      const r = await runCli(["check", "--config", file]);
      expect(r.code).toBe(75);
      expect(r.stderr.trim()).toBe(`another watchdog check (pid ${holder.child.pid}) is running`);
    } finally {
      holder.child.kill("SIGKILL");
    }
  });

  it("moves a corrupt state file aside and goes on", async () => {
    const state = path.join(dir, "state.json");
    fs.writeFileSync(state, '{"version":1,"checks":{"a":');
    const file = write(
      "w.yaml",
      `state_file: ${state}\nchannels: {c: {type: console}}\nescalation: [{after: 1, notify: [c]}]\nchecks: []\n`,
    );
    const r = await runCli(["check", "--config", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /warning: state file .* is not valid JSON \(truncated\?\): moved it to .*state\.json\.corrupt-/,
    );
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("state.json.corrupt-"))).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(state, "utf8")).version).toBe(1);
  });

  it("exits 1 with one line when the state file cannot be written", async () => {
    const blocker = write("blocker", "x");
    const file = write("w.yaml", `state_file: ${blocker}/state.json\nlog_file: ${dir}/w.log\nchecks: []\n`);
    const r = await runCli(["check", "--config", file]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^watchdog: cannot create the state directory .*blocker: EEXIST/);
  });

  it("--json gives the run as JSON and --exit-status the Nagios code", async () => {
    const port = await closedPort();
    const file = write(
      "w.yaml",
      `state_file: ${dir}/s.json\nchannels: {c: {type: console}}\nescalation: [{after: 1, notify: [c]}]\nchecks:\n` +
        `  - {name: down, type: tcp, port: ${port}, timeout: 1s}\n`,
    );
    const j = await runCli(["check", "--json", "--config", file]);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout);
    expect(report.checks[0]).toMatchObject({ check: "down", status: "critical", failStreak: 1 });
    expect(report.deliveries[0]).toMatchObject({ channel: "c", ok: true });
    // The console channel writes to stderr under --json, so stdout stays one JSON document.
    expect(j.stderr).toContain("[watchdog] CRITICAL down");
    const e = await runCli(["check", "--exit-status", "--config", file]);
    expect(e.code).toBe(2);
  });

  it(
    "keeps a message the SMTP server refused (connection refused) " +
      "in the outbox and delivers it once the server is back",
    async () => {
      const smtpPort = await closedPort();
      const svc = await closedPort();
      const state = path.join(dir, "s.json");
      const yaml = (p: number) =>
        `host: box\nstate_file: ${state}\nchannels:\n` +
        `  email: {type: email, host: 127.0.0.1, port: ${p}, secure: false, from: a@example.com, to: b@example.com, ` +
        `connection_timeout: 1s}\nescalation: [{after: 1, notify: [email]}]\nchecks:\n` +
        `  - {name: svc, type: tcp, port: ${svc}, timeout: 1s}\n`;
      const file = write("w.yaml", yaml(smtpPort));
      const r1 = await runCli(["check", "--config", file]);
      expect(r1.code).toBe(0);
      expect(r1.stdout).toContain("FAILED to send to email: cannot reach the SMTP server: ECONNREFUSED");
      expect(r1.stdout).toContain("outbox: 1 message(s) waiting");
      const saved = JSON.parse(fs.readFileSync(state, "utf8"));
      expect(saved.outbox).toHaveLength(1);
      expect(saved.outbox[0].attempts).toBe(3);
      const log = fs.readFileSync(path.join(dir, "watchdog.log"), "utf8");
      expect(log).toContain('"event":"send_failed"');
      expect(log).toContain("ECONNREFUSED");

      // The server comes back; the retry is due (make it due now rather than wait a minute).
      const smtp = await startSmtp();
      try {
        saved.outbox[0].nextAttemptAt = 0;
        fs.writeFileSync(state, JSON.stringify(saved));
        fs.writeFileSync(file, yaml(smtp.port));
        const r2 = await runCli(["check", "--config", file]);
        expect(r2.code).toBe(0);
        // The old message goes out; the still-failing check has no new step to announce.
        expect(smtp.mails.map((m) => m.subject)).toEqual(["[watchdog] CRITICAL svc on box"]);
        expect(JSON.parse(fs.readFileSync(state, "utf8")).outbox).toEqual([]);
      } finally {
        await smtp.close();
      }
    },
  );

  it("treats an SMTP auth failure as permanent: no retry, a hint, and a record of the drop", async () => {
    const smtp = await startSmtp({ auth: { user: "u", pass: "right-password" } });
    try {
      const svc = await closedPort();
      const file = write(
        "w.yaml",
        `state_file: ${dir}/s.json\nchannels:\n` +
          `  email: {type: email, host: 127.0.0.1, port: ${smtp.port}, secure: false, user: u, ` +
          `pass: wrong-password-123, from: a@example.com, to: b@example.com}\n` +
          `escalation: [{after: 1, notify: [email]}]\nchecks:\n  - {name: svc, type: tcp, port: ${svc}, timeout: 1s}\n`,
      );
      const r = await runCli(["check", "--config", file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /FAILED to send to email: SMTP authentication failed: 535 .*check `user` and `pass`.*not retryable/,
      );
      const state = JSON.parse(fs.readFileSync(path.join(dir, "s.json"), "utf8"));
      expect(state.outbox).toEqual([]);
      expect(state.dropped[0]).toMatchObject({ channel: "email", checks: ["svc"] });
      expect(state.droppedTotal).toBe(1);
      expect(smtp.mails).toHaveLength(0);
      for (const text of [
        r.stdout,
        r.stderr,
        JSON.stringify(state),
        fs.readFileSync(path.join(dir, "watchdog.log"), "utf8"),
      ]) {
        expect(text).not.toContain("wrong-password-123");
      }
    } finally {
      await smtp.close();
    }
  });

  it("finishes within its deadlines when the SMTP server never greets, and keeps the message", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const p = (silent.address() as net.AddressInfo).port;
      const svc = await closedPort();
      const file = write(
        "w.yaml",
        `state_file: ${dir}/s.json\nchannels:\n` +
          `  email: {type: email, host: 127.0.0.1, port: ${p}, secure: false, from: a@example.com, ` +
          `to: b@example.com, greeting_timeout: 500ms, timeout: 3s}\nescalation: [{after: 1, notify: [email]}]\n` +
          `checks:\n  - {name: svc, type: tcp, port: ${svc}, timeout: 1s}\n`,
      );
      const r = await runCli(["check", "--config", file], { timeoutMs: 100_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/FAILED to send to email: SMTP server timed out: .*Greeting never received/);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "s.json"), "utf8")).outbox).toHaveLength(1);
    } finally {
      silent.close();
    }
  });
});
