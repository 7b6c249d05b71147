import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { cli, CRON_ENV, cronCommand, runAsCron, systemdInstall, tmpDir } from "./field-helpers.js";

// The env file is data: read by watchdog itself with systemd's EnvironmentFile= rules, never sourced by a shell, and
// refused when another user owns it or can write it (its values become our secrets, as root from cron).
const USER = "it's `touch USER_RAN`";
const PASS = 'pa ss abc$xyz "q" $(touch PASS_RAN) \\n';
let dir: string;
let smtp: SmtpSink;
beforeAll(async () => {
  dir = tmpDir();
  smtp = await startSmtp({ auth: { user: USER, pass: PASS } });
});
afterAll(async () => {
  await smtp.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function setup(name: string, envText: string): { config: string; envFile: string; work: string } {
  const work = path.join(dir, name);
  fs.mkdirSync(work, { recursive: true });
  const config = path.join(work, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `state_file: ${work}/state.json
channels:
  email: {type: email, host: 127.0.0.1, port: ${smtp.port}, user: "\${SMTP_USER}", pass: "\${SMTP_PASS}", \
from: a@b.c, to: [x@y.z]}
checks:
  - {name: down, type: tcp, port: 1}
`,
    { mode: 0o600 },
  );
  const envFile = path.join(work, "watchdog.env");
  fs.writeFileSync(envFile, envText, { mode: 0o600 });
  return { config, envFile, work };
}

// systemd style: the unquoted value keeps its quote and backticks, the double-quoted one unescapes \" only.
const SYSTEMD_STYLE = `# watchdog's secrets
SMTP_USER=it's \`touch USER_RAN\`
; another comment
SMTP_PASS="pa ss abc$xyz \\"q\\" $(touch PASS_RAN) \\n"   
`;

describe("install --cron with an env file", () => {
  it("gives the exact values to the channel and runs nothing of them (under cron, as under systemd)", async () => {
    const { config, envFile, work } = setup("exact", SYSTEMD_STYLE);
    const inst = await cli(["install", "--cron", "--config", config, "--env-file", envFile], {}, work);
    expect(inst.code).toBe(0);
    const line = inst.stdout.split("\n")[1]!;
    expect(line).toContain(`check --config ${config} --env-file ${envFile} >/dev/null`);
    const before = smtp.mails.length;
    const run = await runAsCron(`cd ${work} && ${cronCommand(line)}`, CRON_ENV);
    expect(run.mail).toBe("");
    expect(smtp.mails.slice(before).map((m) => m.subject)).toEqual([expect.stringMatching(/CRITICAL down on /)]);
    expect(fs.readdirSync(work).filter((f) => f.endsWith("_RAN"))).toEqual([]);
  });

  it("the systemd units keep EnvironmentFile= for the same file (same rules, test/cli/env-file.test.ts)", async () => {
    const { config, envFile, work } = setup("same", SYSTEMD_STYLE);
    const units = path.join(work, "units");
    fs.mkdirSync(units);
    const inst = await cli(systemdInstall(units, config, envFile));
    expect(inst.code).toBe(0);
    expect(fs.readFileSync(path.join(units, "watchdog.service"), "utf8")).toContain(`EnvironmentFile=-${envFile}`);
  });
});

describe("a missing env file", () => {
  it(
    "is named by watchdog on stderr (cron mail), " + "not by node (Node 20 reads a later --env-file for itself)",
    async () => {
      const { config, envFile, work } = setup("missing", SYSTEMD_STYLE);
      const inst = await cli(["install", "--cron", "--config", config, "--env-file", envFile], {}, work);
      fs.rmSync(envFile);
      const run = await runAsCron(cronCommand(inst.stdout.split("\n")[1]!), CRON_ENV);
      expect(run.mail).toBe(
        `${envFile}:1:1: (top level): cannot read the env file: no such file\nconfig invalid: 1 problem\n`,
      );
      expect(run.code).toBe(78);
    },
  );
});

describe("an env file others control is refused", () => {
  it.each([
    { what: "owned by another user", fix: (f: string) => fs.chownSync(f, 65534, 65534), want: /owned by uid 65534/ },
    { what: "group-writable", fix: (f: string) => fs.chmodSync(f, 0o620), want: /writable by group\/others/ },
  ])("$what: the run stops with one line on stderr and reads nothing of it", async ({ fix, want }) => {
    const { config, envFile, work } = setup(
      `refuse-${fix.length}-${Math.random()}`,
      "SMTP_USER=x\nSMTP_PASS=$(touch PWNED)\n",
    );
    fix(envFile);
    const r = await cli(["check", "--config", config, "--env-file", envFile], {}, work);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(new RegExp(`refusing the env file ${envFile}: it is .*`));
    expect(r.stderr).toMatch(want);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const v = await cli(["validate", "--config", config, "--env-file", envFile], {}, work);
    expect(v.code).toBe(78);
    expect(v.stderr).toMatch(want);
    expect(fs.existsSync(path.join(work, "PWNED"))).toBe(false);
  });
});

describe("validate --env-file", () => {
  it("checks the file named, not /etc/watchdog/watchdog.env, and resolves the config's ${VARS} from it", async () => {
    const { config, envFile, work } = setup("validate", "SMTP_USER=u\n");
    // This shell has SMTP_PASS; the file the runs read does not.
    const r = await cli(["validate", "--config", config, "--env-file", envFile], { SMTP_PASS: "x" }, work);
    expect(r.stderr.replace(/\s+/g, " ")).toContain(`${envFile} does not set SMTP_PASS`);
    expect(r.stderr).not.toContain("/etc/watchdog/watchdog.env");
    fs.writeFileSync(envFile, "SMTP_USER=u\nSMTP_PASS='p w'\nexport X=1\n");
    const ok = await cli(["validate", "--config", config, "--env-file", envFile], {}, work);
    expect(ok.stdout).toContain("config OK: 1 check, 1 channel");
    expect(ok.stderr).toContain(`${envFile}:3:1: "export X" is not a variable name: systemd ignores it`);
    expect(ok.code).toBe(0);
  });
});
