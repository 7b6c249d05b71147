import { spawnSync } from "node:child_process";
import fs from "node:fs";
import type net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, CRON_ENV, cronCommand, listen, runAsCron, systemdInstall, tmpDir } from "./field-helpers.js";
import { freePort } from "../helpers/net.js";

// `install` writes paths into a crontab line and into unit files: every path is quoted for the reader (sh and cron,
// systemd), and a path with a control character (a newline would add a crontab line or an ExecStartPre=) is refused.
let dir: string;
let bin: string;
let config: string;
let server: net.Server;
beforeAll(async () => {
  dir = tmpDir();
  // watchdog itself under a directory with a space (and a $, which ExecStart= would expand).
  const tools = path.join(dir, "my tools $HOME");
  fs.cpSync(path.dirname(CLI), tools, { recursive: true });
  bin = path.join(tools, "watchdog.cjs");
  const port = await freePort();
  server = await listen(port);
  const confDir = path.join(dir, "it's 50% done");
  fs.mkdirSync(confDir);
  config = path.join(confDir, "watch dog.yaml");
  fs.writeFileSync(
    config,
    `state_file: ${JSON.stringify(path.join(confDir, "state.json"))}
checks:
  - {name: up, type: tcp, port: ${port}}
`,
    { mode: 0o600 },
  );
});
afterAll(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** run runs the copy of watchdog under the path with a space. */
const run = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 30_000 });
    resolve({ code: r.status, stdout: r.stdout, stderr: r.stderr });
  });

/** argvOf is the argv /bin/sh makes of a crontab command (cron first turns `\%` into `%`). */
function argvOf(command: string): string[] {
  const sh = `set -- ${command.replaceAll("\\%", "%")}; printf '%s\\0' "$@" >&2`;
  const r = spawnSync("/bin/sh", ["-c", sh], { encoding: "utf8" });
  return r.stderr.split("\0").slice(0, -1);
}

describe("install --cron quotes every path", () => {
  it("sh parses the line into watchdog's argv, and the line runs under cron", async () => {
    const r = await run(["install", "--cron", "--config", config]);
    expect(r.code).toBe(0);
    const line = r.stdout.split("\n")[1]!;
    expect(argvOf(cronCommand(line))).toEqual([process.execPath, "--", bin, "check", "--config", config]);
    // cron itself turns `\%` into `%` before sh sees the command.
    const cron = await runAsCron(cronCommand(line).replaceAll("\\%", "%"), CRON_ENV);
    expect(cron.mail).toBe("");
    expect(cron.code).toBe(0);
    expect(fs.existsSync(path.join(path.dirname(config), "state.json"))).toBe(true);
  });
});

describe("install --systemd quotes every path", () => {
  it("ExecStart= names this watchdog and the config as systemd reads them", async () => {
    const units = path.join(dir, "units");
    fs.mkdirSync(units);
    const r = await run(["install", "--systemd", "--no-enable", "--dest", units, "--config", config]);
    expect(r.code).toBe(0);
    const service = fs.readFileSync(path.join(units, "watchdog.service"), "utf8");
    const q = (s: string) => `"${s.replaceAll("%", "%%").replaceAll("$", "$$")}"`;
    expect(service).toContain(`\nExecStart=${process.execPath} -- ${q(bin)} check --config ${q(config)}\n`);
    const verify = spawnSync("systemd-analyze", ["verify", path.join(units, "watchdog.service")], { encoding: "utf8" });
    if (!verify.error) expect(verify.stderr).toBe("");
  });

  it("EnvironmentFile= takes its path as written (systemd does not unquote it): only % is escaped", async () => {
    const units = path.join(dir, "units-env");
    fs.mkdirSync(units);
    const withVars = path.join(path.dirname(config), "vars.yaml");
    fs.writeFileSync(withVars, "channels:\n  hook: {type: webhook, url: 'http://127.0.0.1:1/hook?token=${TOKEN}'}\n", {
      mode: 0o600,
    });
    const envFile = path.join(path.dirname(config), "watch dog.env");
    fs.writeFileSync(envFile, "TOKEN=t0k3n\n", { mode: 0o600 });
    const r = await run(systemdInstall(units, withVars, envFile));
    expect(r.code).toBe(0);
    const service = fs.readFileSync(path.join(units, "watchdog.service"), "utf8");
    expect(service).toContain(`\nEnvironmentFile=-${envFile.replaceAll("%", "%%")}\n`);
  });
});

describe("a path with a control character is refused", () => {
  it.each([
    { how: "--cron", path: "/etc/watchdog/x.yaml\n* * * * * root touch /tmp/pwned" },
    { how: "--systemd", path: "/etc/watchdog/x.yaml\nExecStartPre=/bin/touch /tmp/pwned" },
    { how: "--cron", path: "/etc/watchdog/x\t.yaml" },
  ])("$how with $path", async ({ how, path: bad }) => {
    const units = fs.mkdtempSync(path.join(dir, "u-"));
    const r = await run([
      "install",
      how,
      "--dest",
      units,
      "--config",
      bad,
      ...(how === "--systemd" ? ["--no-enable"] : []),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--config .* holds a control character/);
    expect(r.stdout).not.toContain("pwned");
    expect(fs.readdirSync(units)).toEqual([]);
  });
});
