import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import daemonUnit from "../../../systemd/watchdog-daemon.service?raw";
import serviceUnit from "../../../systemd/watchdog.service?raw";
import timerUnit from "../../../systemd/watchdog.timer?raw";
import { EMBEDDED_SOURCE } from "../../config/default.js";
import { findConfigFile, loadConfig } from "../../config/discover.js";
import { historyFileOf, logFileOf } from "../../config/schema.js";
import { ENV_FILE, envFileNotes, referencedVars } from "../env-file.js";
import { ExitError, UsageError } from "../../errors.js";
import type { GlobalOptions, Io } from "../context.js";
import { fold, loadWidths } from "../table.js";
import { writeFileAtomic } from "../../core/safe-fs.js";

/** InstallOptions are the flags of `watchdog install`. */
export type InstallOptions = GlobalOptions & {
  cron?: boolean;
  systemd?: boolean;
  daemon?: boolean;
  write?: boolean;
  dest?: string;
  enable?: boolean;
  envFile?: string;
};

/** UNIT_BIN is the binary path the shipped unit files name; install rewrites it to this watchdog. */
const UNIT_BIN = "/usr/local/bin/watchdog";
const UNIT_CONFIG = "/etc/watchdog/watchdog.yaml";

/** selfCommand is how to run this watchdog again (argv): the single binary itself, or node with the bundled script. */
export function selfCommand(): string[] {
  const script = process.argv[1];
  const isSea = (() => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require("node:sea") as { isSea(): boolean }).isSea();
    } catch {
      return false;
    }
  })();
  // `--` ends node's own options: Node 20 also takes a later `--env-file FILE` for itself, the single executable
  // included, and reads that file first (blocking on a FIFO, exit 9 when missing) before watchdog can check it.
  if (isSea || !script) return [process.execPath, "--"];
  return [process.execPath, "--", path.resolve(script)];
}

/** shq quotes a path for a crontab line when it needs it (cron turns a bare % into a newline). */
const shq = (s: string) => (/^[\w@+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`.replaceAll("%", "\\%"));
/** unitq quotes a path for a unit's word list (ReadWritePaths=) when it needs it (% starts a specifier there). */
const unitq = (s: string) =>
  /^[\w@+=:,./-]+$/.test(s) ? s : `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%")}"`;
/** execq quotes a word of ExecStart=, which also expands $NAME ($$ is a $). */
const execq = (s: string) => unitq(s).replaceAll("$", "$$$$");
/** A path with a control character would end the crontab line or the unit's line and start another. */
const CONTROL = /[\x00-\x1f\x7f]/;

/** refuseControl refuses a path that holds a control character (a newline, a tab...), naming it escaped. */
function refuseControl(what: string, p: string | undefined): void {
  if (p !== undefined && CONTROL.test(p))
    throw new UsageError(`${what} ${JSON.stringify(p)} holds a control character (a newline, a tab...): rename it`);
}

/**
 * cronLine is the /etc/cron.d line (with a user) or the crontab line (without). stdout (the report) goes to
 * /dev/null and stderr stays, so cron mails what went wrong. With `envFile`, watchdog reads that file itself
 * (`--env-file`, systemd's rules, never sourced by a shell): cron has none of the login environment.
 */
export function cronLine(
  bin: readonly string[],
  config: string | undefined,
  user: string | undefined,
  state?: string,
  envFile?: string,
): string {
  const args =
    `${config ? ` --config ${shq(config)}` : ""}${state ? ` --state ${shq(state)}` : ""}` +
    `${envFile ? ` --env-file ${shq(envFile)}` : ""}`;
  return `*/2 * * * *${user ? ` ${user}` : ""} ${bin.map(shq).join(" ")} check${args} >/dev/null`;
}

/** unitsFor returns the three unit files with ExecStart pointing at this binary, config (and state file, if given). */
export function unitsFor(
  bin: readonly string[],
  config: string | undefined,
  state?: string,
  envFile?: string,
): Record<string, string> {
  const args = `--config ${execq(config ?? UNIT_CONFIG)}${state ? ` --state ${execq(state)}` : ""}`;
  // EnvironmentFile= takes the rest of the line as the path, unquoted: only % needs escaping.
  const env = (t: string) =>
    envFile && envFile !== ENV_FILE
      ? t.replaceAll(`EnvironmentFile=-${ENV_FILE}`, `EnvironmentFile=-${envFile.replaceAll("%", "%%")}`)
      : t;
  const exec = bin.map(execq).join(" ");
  const fix = (t: string) => env(t.replaceAll(UNIT_BIN, exec).replaceAll(`--config ${UNIT_CONFIG}`, args));
  return {
    "watchdog.service": fix(serviceUnit),
    "watchdog.timer": fix(timerUnit),
    "watchdog-daemon.service": fix(daemonUnit),
  };
}

/**
 * configInUse is the config file a command run now would read (--config, $WATCHDOG_CONFIG, ./watchdog.yaml,
 * /etc/watchdog/watchdog.yaml), as an absolute path: cron and systemd have neither this environment nor this
 * directory, so the installed command names it. Undefined when there is none (the embedded default).
 */
function configInUse(opts: InstallOptions): string | undefined {
  const file = findConfigFile(
    { config: opts.config },
    { env: process.env, cwd: process.cwd(), hostname: os.hostname() },
  );
  return file && file !== EMBEDDED_SOURCE ? path.resolve(file) : undefined;
}

/** installCommand prints or installs the cron line (--cron) or the systemd units (--systemd). */
export async function installCommand(opts: InstallOptions, io: Io): Promise<number> {
  await loadWidths();
  if (!!opts.cron === !!opts.systemd) throw new UsageError("say --cron or --systemd");
  // Flags of the other way would be ignored without a word: refuse them.
  if (opts.cron && (opts.daemon || opts.enable === false))
    throw new UsageError(`${opts.daemon ? "--daemon" : "--no-enable"} goes with --systemd, not --cron`);
  if (opts.systemd && opts.write)
    throw new UsageError(
      "--write goes with --cron (--systemd always writes the units; --no-enable leaves systemctl alone)",
    );
  const config = configInUse(opts);
  const state = opts.state ? path.resolve(opts.state) : undefined;
  const bin = selfCommand();
  for (const word of bin) refuseControl("watchdog's own path", word);
  refuseControl("--config", config);
  refuseControl("--state", state);
  refuseControl("--env-file", opts.envFile);
  if (!config)
    io.err(
      `${fold(
        `note: no config file found; the installed runs will read ${UNIT_CONFIG} once it exists ` +
          "(the embedded default until then)",
        80,
      ).join("\n")}\n`,
    );
  const envFile = path.resolve(opts.envFile ?? ENV_FILE);
  const text = config ? readText(config) : "";
  // The installed runs have no login environment: say which ${VARS} they would lack, before the night.
  for (const n of envFileNotes(text, envFile)) io.err(`${fold(`note: ${n}`, 80).join("\n")}\n`);
  const useEnv = referencedVars(text).length ? envFile : undefined;
  if (opts.cron) {
    const dest = path.join(opts.dest ?? "/etc/cron.d", "watchdog");
    const body =
      "# watchdog: one check run every 2 minutes (installed by `watchdog install --cron --write`).\n" +
      "# The report goes to the log file; only errors (on stderr) reach cron mail.\n" +
      "SHELL=/bin/sh\n" +
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n" +
      `${cronLine(bin, config, os.userInfo().username, state, useEnv)}\n`;
    if (!opts.write) {
      io.out(
        `# Add this line with \`crontab -e\`:\n${cronLine(bin, config, undefined, state, useEnv)}\n\n` +
          `# Or, as root, \`watchdog install --cron --write\` installs ${dest}:\n${body}`,
      );
      return 0;
    }
    writeOrExplain(dest, body, 0o644);
    io.out(`wrote ${dest}: watchdog check runs every 2 minutes\n`);
    return 0;
  }
  const dir = opts.dest ?? "/etc/systemd/system";
  const units = unitsFor(bin, config, state, useEnv);
  // Every path the config makes watchdog write (state, history, log, textfile) is made writable in the units by a
  // drop-in: ProtectSystem=strict and ProtectHome=read-only would otherwise fail every run that writes it.
  const extra = writablePaths(opts, config, state);
  for (const d of extra) refuseControl("the config writes to", d);
  if (extra.length) {
    const dropIn =
      "# Written by `watchdog install --systemd`: the directories the config writes to.\n" +
      `[Service]\nReadWritePaths=${extra.map(unitq).join(" ")}\n`;
    for (const unit of ["watchdog.service", "watchdog-daemon.service"]) units[`${unit}.d/watchdog-paths.conf`] = dropIn;
  }
  for (const [name, body] of Object.entries(units)) {
    if (name.includes("/")) mkdirOrExplain(path.join(dir, path.dirname(name)));
    writeOrExplain(path.join(dir, name), body, 0o644);
  }
  io.out(
    `wrote ${Object.keys(units)
      .map((n) => path.join(dir, n))
      .join(", ")}\n`,
  );
  if (extra.length)
    io.out(
      `${fold(
        `the units may also write ${extra.join(", ")} (ReadWritePaths= in the watchdog-paths.conf drop-ins)`,
        80,
      ).join("\n")}\n`,
    );
  // PrivateTmp=yes gives the units their own /tmp: what they wrote there is not what `watchdog status` reads.
  const tmp = extra.filter((d) => /^\/(var\/)?tmp(\/|$)/.test(d));
  if (tmp.length)
    io.err(
      `${fold(
        `note: ${tmp.join(", ")} is under /tmp, which the units see privately (PrivateTmp=yes): ` +
          "move the state and history elsewhere (e.g. /var/lib/watchdog)",
        80,
      ).join("\n")}\n`,
    );
  const unit = opts.daemon ? "watchdog-daemon.service" : "watchdog.timer";
  const steps = [
    ["systemctl", "daemon-reload"],
    ["systemctl", "enable", "--now", unit],
  ];
  if (opts.enable === false) {
    io.out(`now run:\n${steps.map((s) => `  ${s.join(" ")}`).join("\n")}\n`);
    return 0;
  }
  for (const argv of steps) {
    const r = spawnSync(argv[0]!, argv.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      timeout: 60_000,
    });
    if (r.status !== 0)
      throw new ExitError(
        1,
        `watchdog install: \`${argv.join(" ")}\` failed: ` +
          `${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`,
      );
  }
  io.out(`enabled and started ${unit}\n`);
  return 0;
}

function writeOrExplain(file: string, text: string, mode: number): void {
  try {
    writeFileAtomic(file, text, mode, { checkDir: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM"
        ? "permission denied (run it as root)"
        : code === "ENOENT"
          ? "no such directory"
          : (err as Error).message;
    throw new ExitError(1, `watchdog install: cannot write ${file}: ${why}`);
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * writablePaths are the directories outside /var/lib/watchdog and /var/log/watchdog (which the units create and may
 * write) that the config writes to: the state file's (its lock and temp file go beside it), the history's, the log's
 * and the Prometheus textfile's. Missing ones are created (ReadWritePaths= of a missing path fails the unit).
 */
function writablePaths(opts: InstallOptions, config: string | undefined, state: string | undefined): string[] {
  if (!config)
    return state && !/^\/var\/(lib|log)\/watchdog(\/|$)/.test(path.dirname(state)) ? [path.dirname(state)] : [];
  const { config: c } = loadConfig(
    { config, state, channelSecretsOptional: true },
    { env: process.env, cwd: process.cwd(), hostname: os.hostname() },
  );
  const files = [c.state_file, historyFileOf(c), logFileOf(c), ...(c.metrics?.textfile ? [c.metrics.textfile] : [])];
  const dirs = [...new Set(files.map((f) => path.dirname(path.resolve(f))))].filter(
    (d) => !/^\/var\/(lib|log)\/watchdog(\/|$)/.test(d),
  );
  for (const d of dirs) mkdirOrExplain(d);
  return dirs;
}

function mkdirOrExplain(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ExitError(
      1,
      `watchdog install: cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}
