import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { EMBEDDED_SOURCE, embeddedDefault } from "./default.js";
import { parseConfig, type Loaded } from "./load.js";

/** LoadOptions are the command-line inputs that pick and adjust the config. */
export type LoadOptions = { config?: string | undefined; state?: string | undefined; channelSecretsOptional?: boolean };

/** Inputs are the parts of the environment config discovery reads. */
export type Inputs = { env: Readonly<Record<string, string | undefined>>; cwd: string; hostname: string };

/** findConfigFile returns the first config that exists: --config, $WATCHDOG_CONFIG, ./watchdog.yaml, /etc/watchdog/watchdog.yaml. */
export function findConfigFile(opts: LoadOptions, inputs: Inputs): string | undefined {
  if (opts.config) return opts.config;
  if (inputs.env.WATCHDOG_CONFIG) return inputs.env.WATCHDOG_CONFIG;
  for (const candidate of [path.join(inputs.cwd, "watchdog.yaml"), "/etc/watchdog/watchdog.yaml"]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** defaultStateFile is /var/lib/watchdog/state.json for root (or when writable), else ~/.local/state/watchdog/state.json. */
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

/** loadConfig finds, reads and validates the config; it throws ConfigError with FILE:LINE:COL messages. */
export function loadConfig(opts: LoadOptions, inputs: Inputs, extraDefaultChecks = ""): Loaded {
  const file = findConfigFile(opts, inputs);
  let text: string;
  let source: string;
  if (file === undefined) {
    source = EMBEDDED_SOURCE;
    text = embeddedDefault(defaultStateFile(inputs.env), extraDefaultChecks);
  } else {
    source = file;
    try {
      const st = fs.statSync(file);
      if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (err as Error).message;
      throw new ConfigError([`${file}:1:1: (top level): cannot read the config: ${why}`]);
    }
  }
  const loaded = parseConfig(text, {
    file: source,
    env: inputs.env,
    hostname: inputs.hostname,
    readFile: (p) => fs.readFileSync(path.resolve(file ? path.dirname(file) : inputs.cwd, p), "utf8"),
    channelSecretsOptional: !!opts.channelSecretsOptional,
  });
  // Without state_file in the file, the state goes where the embedded default's would (~/.local/state when not root).
  if (opts.state) loaded.config.state_file = opts.state;
  else if (file !== undefined && !loaded.given.includes("state_file")) loaded.config.state_file = defaultStateFile(inputs.env);
  if (file && loaded.inlineSecrets) {
    try {
      const mode = fs.statSync(file).mode;
      if (mode & 0o044) loaded.warnings.push(`${file}: the config holds secrets inline and is readable by group/others: chmod 600 it, or use \${ENV} or *_file`);
    } catch {
      // Already read once; a stat failure here changes nothing.
    }
  }
  return loaded;
}
