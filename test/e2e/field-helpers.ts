import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { CLI, runCli, type CliResult } from "../helpers/cli.js";

/** CRON_ENV is all a crontab line gets (Debian cron): no login environment, no secrets. */
export const CRON_ENV = { PATH: "/usr/bin:/bin", HOME: "/root", SHELL: "/bin/sh" };

/** cronCommand is the command part of a crontab line (after the five time fields and, for /etc/cron.d, the user). */
export function cronCommand(line: string, withUser = false): string {
  return line.trim().split(/\s+/).slice(withUser ? 6 : 5).join(" ");
}

/**
 * runAsCron runs a crontab command exactly as cron does: `/bin/sh -c` under `env -i` with cron's PATH, HOME and
 * SHELL only. The line itself sends stdout to /dev/null; what is left on stderr is what cron would mail.
 */
export function runAsCron(command: string, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; mail: string; stdout: string }> {
  const vars = Object.entries({ ...CRON_ENV, ...extraEnv }).map(([k, v]) => `${k}=${v}`);
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/env", ["-i", ...vars, "/bin/sh", "-c", command], { stdio: ["ignore", "pipe", "pipe"] });
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

export { CLI };
