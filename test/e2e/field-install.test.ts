import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { cli, CRON_ENV, cronCommand, runAsCron, systemdInstall, tmpDir } from "./field-helpers.js";

// Issue 10, the other half: what `validate` must refuse before the night, the systemd units as installed, and the
// README's Quick start and Install sections walked as a new user would.
let dir: string;
let smtp: SmtpSink;
beforeAll(async () => {
  dir = tmpDir();
  smtp = await startSmtp({ auth: { user: "alert@example.com", pass: "pw-from-env-file" } });
});
afterAll(async () => {
  await smtp.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe("validate refuses what would fail at 2 a.m.", () => {
  const channels = "channels:\n  email: {type: email, host: 127.0.0.1, port: 25, from: a@b.c, to: [x@y.z]}\n";
  it.each([
    {
      what: "a typo in a ladder step",
      body: "escalation:\n  - {after: 1, notify: [emial]}\nchecks:\n  - {name: t, type: tcp, port: 1}\n",
      want: /:5:25: escalation\[0\]\.notify\[0\]: unknown channel "emial"; did you mean "email"\?/,
    },
    {
      what: "a restart hook that does not exist",
      body: "checks:\n  - name: t\n    type: tcp\n    port: 1\n    restart: {command: [restart-my-tts, now]}\n",
      want: /:8:24: checks\[0\]\.restart\.command: restart-my-tts: program does not exist or is not executable/,
    },
  ])("$what", async ({ body, want }) => {
    const file = write(`v-${body.length}.yaml`, `state_file: ${path.join(dir, "v", "state.json")}\n${channels}${body}`);
    const r = await cli(["validate", "-c", file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(want);
  });
});

describe("install --systemd", () => {
  it(
    "writes units that read the env file and may write the config's paths (under /home too); " +
      "the env file is honoured",
    async () => {
      const home = path.join(dir, "home", "ml");
      const config = write(
        "sd/watchdog.yaml",
        `state_file: ${home}/watchdog/state.json
log_file: ${path.join(dir, "logs")}/watchdog.log
channels:
  email: {type: email, host: 127.0.0.1, port: ${smtp.port}, user: alert@example.com, pass: "\${SMTP_PASS}", \
from: a@b.c, to: [x@y.z]}
checks:
  - {name: down, type: tcp, port: 1}
`,
      );
      const envFile = write("sd/watchdog.env", "SMTP_PASS=pw-from-env-file\n");
      const units = path.join(dir, "units");
      fs.mkdirSync(units);
      const r = await cli(systemdInstall(units, config, envFile));
      expect(r.code).toBe(0);
      const service = fs.readFileSync(path.join(units, "watchdog.service"), "utf8");
      expect(service).toContain(`EnvironmentFile=-${envFile}`);
      const dropIn = fs.readFileSync(path.join(units, "watchdog.service.d", "watchdog-paths.conf"), "utf8");
      expect(dropIn).toContain(`ReadWritePaths=${path.join(home, "watchdog")} ${path.join(dir, "logs")}`);
      const verify = spawnSync(
        "systemd-analyze",
        [
          "verify",
          ...["watchdog.service", "watchdog.timer", "watchdog-daemon.service"].map((u) => path.join(units, u)),
        ],
        { encoding: "utf8" },
      );
      if (!verify.error) {
        expect(verify.stderr).toBe("");
        expect(verify.status).toBe(0);
      }
      // Run ExecStart as systemd would: no environment but the unit's, the EnvironmentFile= read in.
      const exec = /^ExecStart=(.*)$/m.exec(service)![1]!;
      const vars = Object.fromEntries(
        fs
          .readFileSync(envFile, "utf8")
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => l.split(/=(.*)/s).slice(0, 2)),
      );
      const before = smtp.mails.length;
      const run = await runAsCron(exec, {
        ...vars,
        PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      });
      expect(run.mail).toBe("");
      expect(smtp.mails.slice(before).map((m) => m.subject)).toEqual([expect.stringMatching(/CRITICAL down on /)]);
    },
  );
});

describe("the README's Quick start and Install, walked", () => {
  it(
    "init, edit, validate, test-notify, check --dry-run, " + "install --cron, then a run under env -i that alerts",
    async () => {
      const work = path.join(dir, "walk");
      fs.mkdirSync(work);
      const init = await cli(["init", "--channels", "email"], {}, work);
      expect(init.code).toBe(0);
      const file = path.join(work, "watchdog.yaml");
      // The edit a user makes: their SMTP server and the service to watch.
      const edited = fs
        .readFileSync(file, "utf8")
        .replace("host: smtp.example.com", "host: 127.0.0.1")
        .replace("port: 465", `port: ${smtp.port}`)
        .replace("secure: true", "secure: false")
        .replace("url: http://127.0.0.1:8000/health", "url: http://127.0.0.1:1/health")
        .replace("# locale: zh-CN", `state_file: ${path.join(work, "state", "state.json")}`);
      fs.writeFileSync(file, edited);
      const env = { SMTP_PASS: "pw-from-env-file" };
      const validate = await cli(["validate"], env, work);
      expect(validate.stdout).toContain("config OK: 1 check, 1 channel");
      const before = smtp.mails.length;
      const test = await cli(["test-notify", "email"], env, work);
      expect(test.code).toBe(0);
      const dry = await cli(["check", "--dry-run"], env, work);
      expect(dry.stdout).toMatch(/would send to email: \[watchdog\] CRITICAL my-service/);
      const envFile = path.join(work, "watchdog.env");
      fs.writeFileSync(envFile, "SMTP_PASS=pw-from-env-file\n", { mode: 0o600 });
      const inst = await cli(["install", "--cron", "--env-file", envFile], {}, work);
      const line = inst.stdout.split("\n")[1]!;
      expect(line).toContain(`--config ${file}`);
      const run = await runAsCron(cronCommand(line), CRON_ENV);
      expect(run.mail).toBe("");
      const subjects = smtp.mails.slice(before).map((m) => m.subject);
      expect(subjects).toEqual([
        expect.stringMatching(/Test message/),
        expect.stringMatching(/^\[watchdog\] CRITICAL my-service on /),
      ]);
    },
  );
});
