import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, ExitError } from "../errors.js";
import { readRegular, trustProblem, UnsafeFileError } from "../core/safe-fs.js";
import { EMBEDDED_SOURCE, embeddedDefault } from "./default.js";
import { parseConfig, type Loaded } from "./load.js";

/** LoadOptions are the command-line inputs that pick and adjust the config. */
export type LoadOptions = {
  config?: string | undefined;
  state?: string | undefined;
  channelSecretsOptional?: boolean;
};

/** Inputs are the parts of the environment config discovery reads. */
export type Inputs = { env: Readonly<Record<string, string | undefined>>; cwd: string; hostname: string };

/**
 * findConfigFile returns the first config that exists: --config, $WATCHDOG_CONFIG, ./watchdog.yaml,
 * /etc/watchdog/watchdog.yaml.
 */
export function findConfigFile(opts: LoadOptions, inputs: Inputs): string | undefined {
  if (opts.config) return opts.config;
  if (inputs.env.WATCHDOG_CONFIG) return inputs.env.WATCHDOG_CONFIG;
  for (const candidate of [path.join(inputs.cwd, "watchdog.yaml"), "/etc/watchdog/watchdog.yaml"]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * defaultStateFile is /var/lib/watchdog/state.json for root (or when writable), else
 * ~/.local/state/watchdog/state.json.
 */
export function defaultStateFile(env: Inputs["env"]): string {
  const system = "/var/lib/watchdog";
  try {
    if (process.getuid?.() === 0) return path.join(system, "state.json");
    fs.accessSync(system, fs.constants.W_OK);
    return path.join(system, "state.json");
  } catch {
    const base = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), ".local", "state");
    return path.join(base, "watchdog", "state.json");
  }
}

/** ConfigSource is the config text a run uses: read from `file`, or the embedded default when there is none. */
export type ConfigSource = { file: string | undefined; source: string; text: string; mode: number };

/** loadConfig finds, reads and validates the config; it throws ConfigError with FILE:LINE:COL messages. */
export function loadConfig(opts: LoadOptions, inputs: Inputs, extraDefaultChecks = ""): Loaded {
  return loadConfigFrom(readConfigSource(opts, inputs, extraDefaultChecks), opts, inputs);
}

/** readConfigSource finds and reads the config (ConfigError when it cannot), or gives the embedded default. */
export function readConfigSource(opts: LoadOptions, inputs: Inputs, extraDefaultChecks = ""): ConfigSource {
  const file = findConfigFile(opts, inputs);
  if (file === undefined) {
    const text = embeddedDefault(defaultStateFile(inputs.env), extraDefaultChecks);
    return { file, source: EMBEDDED_SOURCE, text, mode: 0 };
  }
  const read = readTrusted(file, MAX_CONFIG, "config");
  return { file, source: file, text: read.text, mode: read.mode };
}

/** loadConfigFrom validates config text read by readConfigSource; it throws ConfigError with FILE:LINE:COL messages. */
export function loadConfigFrom(src: ConfigSource, opts: LoadOptions, inputs: Inputs): Loaded {
  const { file, source, text, mode } = src;
  const secretPath = (p: string) => path.resolve(file ? path.dirname(file) : inputs.cwd, p);
  const readFile = (p: string) => readSecretFile(secretPath(p));
  const parseOpts = { file: source, env: inputs.env, hostname: inputs.hostname, readFile };
  const loaded = parseConfig(text, { ...parseOpts, channelSecretsOptional: !!opts.channelSecretsOptional });
  // Without state_file in the file, the state goes where the embedded default's would (~/.local/state when not root).
  if (opts.state) loaded.config.state_file = opts.state;
  else if (file !== undefined && !loaded.given.includes("state_file"))
    loaded.config.state_file = defaultStateFile(inputs.env);
  if (file && loaded.inlineSecrets && mode & 0o044) {
    loaded.warnings.push(
      `${file}: the config holds secrets inline and is readable by group/others: chmod 600 it, ` +
        `or use \${ENV} or *_file`,
    );
  }
  return loaded;
}

/** MAX_CONFIG bounds the config file; MAX_SECRET a `*_file` secret (a password or key, never megabytes). */
const MAX_CONFIG = 16 * 1024 * 1024;
export const MAX_SECRET = 64 * 1024;

/**
 * readTrusted reads a config file (symlinks followed: /etc/watchdog may link elsewhere) without blocking on a FIFO or
 * device, and refuses, with exit 78 and one line, a file another user owns or can write: its checks and hooks run
 * as whoever runs watchdog, root from cron (OpenSSH's StrictModes and git's safe.directory do the same).
 */
function readTrusted(file: string, max: number, what: string): { text: string; mode: number } {
  let read: ReturnType<typeof readRegular>;
  try {
    read = readRegular(file, { follow: true, maxBytes: max });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const words: Record<string, string> = {
      ENOENT: "no such file",
      EACCES: "permission denied",
      EISDIR: "is a directory",
    };
    const why = err instanceof UnsafeFileError ? `it is ${err.what}` : (words[code ?? ""] ?? (err as Error).message);
    throw new ConfigError([`${file}:1:1: (top level): cannot read the ${what}: ${why}`]);
  }
  const problem = trustProblem(file, read.stat);
  // Its checks and hooks would run as us (root from cron), written by someone else.
  if (problem) throw new ExitError(78, `watchdog: refusing the ${what} ${file}: ${problem}`);
  return { text: read.text, mode: read.stat.mode };
}

/** readSecretFile reads a `*_file` secret: a regular file of at most MAX_SECRET bytes only root or we can write. */
export function readSecretFile(file: string): string {
  let read: ReturnType<typeof readRegular>;
  try {
    read = readRegular(file, { follow: true, maxBytes: MAX_SECRET });
  } catch (err) {
    if (!(err instanceof UnsafeFileError)) throw err;
    if (err.code === "EFBIG")
      throw new Error(`it is larger than ${MAX_SECRET / 1024} KiB: a secret file holds a value`);
    throw new Error(`it is ${err.what}${err.code === "ENOTREG" ? ": secrets are read from regular files only" : ""}`);
  }
  const problem = trustProblem(file, read.stat);
  if (problem) throw new Error(`refused: ${problem}`);
  return read.text;
}
