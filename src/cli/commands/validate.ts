import { loadConfig } from "../../config/discover.js";
import os from "node:os";
import { EMBEDDED_SOURCE } from "../../config/default.js";
import type { GlobalOptions, Io } from "../context.js";

/** validate checks the config and prints `config OK: N checks, M channels` or every problem (exit 78 via ConfigError). */
export function validateCommand(opts: GlobalOptions, io: Io): number {
  const { config, warnings } = loadConfig(opts, { env: process.env, cwd: process.cwd(), hostname: os.hostname() });
  for (const w of warnings) io.err(`warning: ${w}\n`);
  const checks = config.checks.length;
  const channels = Object.keys(config.channels).length;
  io.out(`config OK: ${checks} check${checks === 1 ? "" : "s"}, ${channels} channel${channels === 1 ? "" : "s"} (${config.source})\n`);
  // "OK" about a file you did not mean would mislead: say that no file was read.
  if (config.source === EMBEDDED_SOURCE) io.err("note: no config file found ($WATCHDOG_CONFIG, ./watchdog.yaml,\n/etc/watchdog/watchdog.yaml): that was the embedded default; name yours with -c\n");
  return 0;
}
