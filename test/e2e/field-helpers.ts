import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { CLI, runCli, type CliResult } from "../helpers/cli.js";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";

/** CRON_ENV is all a crontab line gets (Debian cron): no login environment, no secrets. */
export const CRON_ENV = { PATH: "/usr/bin:/bin", HOME: "/root", SHELL: "/bin/sh" };

/** cronCommand is the command part of a crontab line (after the five time fields and, for /etc/cron.d, the user). */
export function cronCommand(line: string, withUser = false): string {
  return line
    .trim()
    .split(/\s+/)
    .slice(withUser ? 6 : 5)
    .join(" ");
}

/**
 * runAsCron runs a crontab command exactly as cron does: `/bin/sh -c` under `env -i` with cron's PATH, HOME and
 * SHELL only. The line itself sends stdout to /dev/null; what is left on stderr is what cron would mail.
 */
export function runAsCron(
  command: string,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; mail: string; stdout: string }> {
  const vars = Object.entries({ ...CRON_ENV, ...extraEnv }).map(([k, v]) => `${k}=${v}`);
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/env", ["-i", ...vars, "/bin/sh", "-c", command], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let mail = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (mail += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, mail, stdout });
    });
  });
}

/** cli runs the built watchdog with a clean environment plus `env` (no SMTP_PASS leaking in from the test runner). */
export function cli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  for (const k of Object.keys(process.env)) if (!(k in clean)) clean[k] = undefined;
  return runCli(args, { env: clean, ...(cwd ? { cwd } : {}) });
}

/** tmpDir makes a temp dir (removed by the caller's afterAll). */
export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "wd-field-"));
}

/** listen opens a TCP service on port (the "service is back" of a recovery). */
export function listen(port: number): Promise<net.Server> {
  return new Promise((resolve) => {
    const s = net.createServer((c) => c.end());
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}

/** T0 is the first simulated cron run (WATCHDOG_TEST_NOW); CRON is the two minutes between runs. */
export const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
export const CRON = 120_000;

/**
 * Field is a test file's temp dir and an SMTP sink that takes user `alert` with password `right-pass` (or, made with
 * `open: true`, mail without AUTH).
 */
export type Field = { dir: string; smtp: SmtpSink };

/** useField makes a Field before the file's tests and removes it after them. */
export function useField(opts: { open?: boolean } = {}): Field {
  const field = {} as Field;
  beforeAll(async () => {
    field.dir = tmpDir();
    field.smtp = await startSmtp(opts.open ? {} : { auth: { user: "alert", pass: "right-pass" } });
  });
  afterAll(async () => {
    await field.smtp?.close();
    if (field.dir) fs.rmSync(field.dir, { recursive: true, force: true });
  });
  return field;
}

/**
 * emailChannel is the `channels:` entry of an email channel to the sink at port, its password from ${SMTP_PASS};
 * `extra` holds more of its keys, in flow style (`rate_limit: {max: 1, per: 10m}`).
 */
export const emailChannel = (port: number, extra = "") =>
  `  email: {type: email, host: 127.0.0.1, port: ${port}, user: alert, pass: "\${SMTP_PASS}", ` +
  `from: watchdog@example.com, to: [oncall@example.com]${extra ? `, ${extra}` : ""}}\n`;

/** openEmailChannel is the `channels:` entry of an email channel `name` to an SMTP sink at port that takes no AUTH. */
export const openEmailChannel = (name: string, port: number) =>
  `  ${name}:\n    type: email\n    host: 127.0.0.1\n    port: ${port}\n    secure: false\n` +
  `    from: "watchdog <alert@example.com>"\n    to: [admin@example.com]\n`;

/**
 * writeEmailConfig writes DIR/watchdog.yaml: its state file in DIR, HEAD (top-level keys, whole lines), the email
 * channel to the sink at smtpPort, then REST (the ladder, the checks: whole lines). Returns its path.
 */
export function writeEmailConfig(dir: string, smtpPort: number, rest: string, head = ""): string {
  const text = `state_file: ${path.join(dir, "state.json")}\n${head}channels:\n${emailChannel(smtpPort)}${rest}`;
  return writePrivate(path.join(dir, "watchdog.yaml"), text);
}

/**
 * installEmailConfig writes that config (writeEmailConfig) and an env file with the sink's SMTP_PASS beside it, and
 * installs its cron line. Returns the cron command and the config's path.
 */
export async function installEmailConfig(dir: string, smtpPort: number, rest: string) {
  const config = writeEmailConfig(dir, smtpPort, rest);
  const envFile = writePrivate(path.join(dir, "watchdog.env"), "SMTP_PASS=right-pass\n");
  return { command: await installCron(config, envFile), config };
}

/** writePrivate writes text to file (mode 0600, as a config holding secrets wants), making its folder. */
export function writePrivate(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** installCron runs `watchdog install --cron` for config and envFile and returns the command of its crontab line. */
export async function installCron(config: string, envFile: string): Promise<string> {
  const inst = await cli(["install", "--cron", "--config", config, "--env-file", envFile]);
  if (inst.code !== 0) throw new Error(`install --cron failed (${inst.code}): ${inst.stderr}`);
  return cronCommand(inst.stdout.split("\n")[1]!);
}

/** systemdInstall is the argv of `watchdog install --systemd` writing units for config and envFile into `units`. */
export const systemdInstall = (units: string, config: string, envFile: string) => [
  "install",
  "--systemd",
  "--dest",
  units,
  "--no-enable",
  "--config",
  config,
  "--env-file",
  envFile,
];

/**
 * downConfig is a config whose state and log are in `work`: the one channel `name` (its flow-style `channel`), told at
 * the first failure of the check `down` (port 1, nothing listens); `more` adds checks (whole lines).
 */
export const downConfig = (work: string, name: string, channel: string, more = "") =>
  `state_file: ${work}/state.json
log_file: ${work}/watchdog.log
channels:
  ${name}: ${channel}
escalation:
  - {after: 1, notify: [${name}]}
checks:
  - {name: down, type: tcp, port: 1}
${more}`;

/** cronAt runs a crontab command at the run-th simulated cron slot; its `mail` is what cron would mail. */
export function cronAt(command: string, run: number, env: Record<string, string> = {}) {
  return runAsCron(command, { ...env, WATCHDOG_TEST_NOW: String(T0 + run * CRON) });
}

export { CLI };

/**
 * svcRestartConfig is a config whose one check `svc` is told to the console and restarted at its first failure.
 * HEAD holds top-level keys (whole lines); CHECK the check's keys and RESTART those of its `restart:`, unindented.
 */
export function svcRestartConfig(state: string, head: string, check: string, restart: string): string {
  const indent = (lines: string, by: string) => lines.trimEnd().replace(/^/gm, by);
  return `state_file: ${state}
${head}channels:
  out: {type: console}
escalation:
  - after: 1
    notify: [out]
    restart: true
checks:
  - name: svc
${indent(check, "    ")}
    restart:
${indent(restart, "      ")}
`;
}

/**
 * restartingConfig is a config whose tcp check `svc` on `port` restarts through the bash script `hook` at its first
 * failure and prints to the console; `restartExtra` adds keys to `restart:` (", env: {A: b}").
 */
export function restartingConfig(state: string, port: number, hook: string, restartExtra = ""): string {
  const tcp = `type: tcp\nhost: 127.0.0.1\nport: ${port}\ntimeout: 2s`;
  return svcRestartConfig(
    state,
    "host: box\n",
    tcp,
    `{command: [bash, ${hook}], timeout: 30s, verify_after: 0s${restartExtra}}`,
  );
}

/**
 * installRestartLadder writes a config in `dir` (the email channel, step 1 email, step 3 email with a restart, then
 * `extra` top-level YAML) with one tcp check `name` on `port` whose restart hook appends a line to `restarts`, and
 * installs its cron line (SMTP_PASS in an env file). Returns the cron command and the restarts file.
 */
export async function installRestartLadder(dir: string, smtpPort: number, name: string, port: number, extra = "") {
  const restarts = path.join(dir, "restarts.log");
  const installed = await installEmailConfig(
    dir,
    smtpPort,
    `escalation:
  - {after: 1, notify: [email]}
  - {after: 3, notify: [email], restart: true}
${extra}checks:
  - name: ${name}
    type: tcp
    host: 127.0.0.1
    port: ${port}
    restart: {command: [/bin/sh, -c, "echo restarted >> ${restarts}"], verify_after: 0s}
`,
  );
  return { ...installed, restarts };
}
