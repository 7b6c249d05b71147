import { spawn } from "node:child_process";
import path from "node:path";

/** CLI is the built command under test. */
export const CLI = path.resolve(__dirname, "../../dist/watchdog.cjs");

/** CliResult is how one CLI run ended. */
export type CliResult = { code: number | null; stdout: string; stderr: string };

/** runCli runs the built watchdog with args and waits for it to exit (killed after timeoutMs). */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
