import fs from "node:fs";
import os from "node:os";
import { EMBEDDED_SOURCE } from "../../config/default.js";
import { loadConfig } from "../../config/discover.js";
import { ConfigError } from "../../errors.js";
import type { GlobalOptions, Io } from "../context.js";
import { applyEnvFile, ENV_FILE, envFileNotes } from "../env-file.js";
import { locateFindings, preflight } from "../preflight.js";
import { fold, loadWidths } from "../table.js";

/**
 * validate checks the config and prints `config OK: N checks, M channels` or every problem (exit 78 via ConfigError).
 * Then what it needs of this host (preflight.ts): programs, directories, the state directory; and which ${VARS} the
 * installed runs (cron, systemd) would lack.
 */
export async function validateCommand(opts: GlobalOptions & { envFile?: string }, io: Io): Promise<number> {
  await loadWidths();
  // The file the runs will read (--env-file as in the cron line): its values resolve the config's ${VAR}s here too.
  const ignored = applyEnvFile(opts.envFile);
  const { config, warnings } = loadConfig(opts, { env: process.env, cwd: process.cwd(), hostname: os.hostname() });
  const embedded = config.source === EMBEDDED_SOURCE;
  const findings = await preflight(config, process.getuid?.() === 0);
  const text = embedded ? "" : readText(config.source);
  const at = (level: "error" | "warning") =>
    locateFindings(
      findings.filter((f) => f.level === level),
      config.source,
      text,
    );
  for (const w of [...ignored, ...warnings, ...at("warning")]) io.err(`warning: ${w}\n`);
  const errors = at("error");
  if (errors.length) throw new ConfigError(errors);
  for (const n of envFileNotes(text, opts.envFile ?? ENV_FILE)) io.err(`${fold(`note: ${n}`, 80).join("\n")}\n`);
  const checks = config.checks.length;
  const channels = Object.keys(config.channels).length;
  io.out(
    `config OK: ${checks} check${checks === 1 ? "" : "s"}, ${channels} channel${channels === 1 ? "" : "s"} ` +
      `(${config.source})\n`,
  );
  // "OK" about a file you did not mean would mislead: say that no file was read.
  if (embedded)
    io.err(
      "note: no config file found ($WATCHDOG_CONFIG, ./watchdog.yaml,\n/etc/watchdog/watchdog.yaml): " +
        "that was the embedded default; name yours with -c\n",
    );
  return 0;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
