import { ConfigError, ExitError } from "../errors.js";
import { readRegular, trustProblem, UnsafeFileError } from "../core/safe-fs.js";

/** ENV_FILE is where cron (through the installed line) and the systemd units read the config's ${VARS} from. */
export const ENV_FILE = "/etc/watchdog/watchdog.env";

/**
 * referencedVars lists the ${VARS} a config text reads without a default (${VAR:-x} needs nothing); comments skipped.
 */
export function referencedVars(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const code = line.replace(/(^|\s)#.*$/, "");
    for (const m of code.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) out.add(m[1]!);
  }
  return [...out];
}

/** EnvAssignment is one NAME=value of an environment file, with the line it starts on. */
export type EnvAssignment = { name: string; value: string; line: number };

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Characters a backslash escapes inside double quotes (systemd's SHELL_NEED_ESCAPE); before others it stays. */
const DQ_ESCAPED = new Set(['"', "\\", "`", "$"]);

/**
 * parseEnvFile reads an environment file by systemd's EnvironmentFile= rules (src/basic/env-file.c): NAME=value
 * lines; `#` or `;` starts a comment line; single quotes keep everything; double quotes unescape \" \\ \` \$;
 * a backslash escapes one character outside quotes; a backslash before a newline continues the line; unquoted
 * trailing blanks are dropped. Nothing is expanded: `$x`, backticks and `$(...)` are text. Lines without `=` are
 * skipped, as systemd does.
 */
export function parseEnvFile(text: string): EnvAssignment[] {
  const out: EnvAssignment[] = [];
  type State = "preKey" | "key" | "preValue" | "value" | "valueEsc" | "single" | "double" | "doubleEsc" | "comment";
  let state: State = "preKey";
  let key = "";
  let value = "";
  // Where the trailing blanks of an unquoted value (or a key) start; -1 when the last character was not blank.
  let keyBlank = -1;
  let valueBlank = -1;
  let line = 1;
  let start = 1;
  const push = () => {
    const name = keyBlank >= 0 ? key.slice(0, keyBlank) : key;
    out.push({ name, value: state === "value" && valueBlank >= 0 ? value.slice(0, valueBlank) : value, line: start });
    key = "";
    value = "";
  };
  for (const c of text) {
    const nl = c === "\n" || c === "\r";
    const blank = c === " " || c === "\t" || nl;
    switch (state) {
      case "preKey":
        if (c === "#" || c === ";") state = "comment";
        else if (!blank) [state, key, keyBlank, start] = ["key", c, -1, line];
        break;
      case "key":
        if (nl) [state, key] = ["preKey", ""];
        else if (c === "=") [state, valueBlank] = ["preValue", -1];
        else {
          if (!blank) keyBlank = -1;
          else if (keyBlank < 0) keyBlank = key.length;
          key += c;
        }
        break;
      case "preValue":
      case "value":
        if (nl) {
          push();
          state = "preKey";
        } else if (state === "preValue" && c === "'") state = "single";
        else if (state === "preValue" && c === '"') state = "double";
        else if (c === "\\") [state, valueBlank] = ["valueEsc", -1];
        else if (state === "value" || !blank) {
          if (!blank) valueBlank = -1;
          else if (valueBlank < 0) valueBlank = value.length;
          value += c;
          state = "value";
        }
        break;
      case "valueEsc":
        state = "value";
        if (!nl) value += c;
        break;
      case "single":
        if (c === "'") state = "preValue";
        else value += c;
        break;
      case "double":
        if (c === '"') state = "preValue";
        else if (c === "\\") state = "doubleEsc";
        else value += c;
        break;
      case "doubleEsc":
        state = "double";
        if (DQ_ESCAPED.has(c)) value += c;
        else if (c !== "\n") value += `\\${c}`;
        break;
      case "comment":
        if (nl) state = "preKey";
        break;
    }
    if (c === "\n") line++;
  }
  if (state !== "preKey" && state !== "key" && state !== "comment") push();
  return out;
}

/** EnvFileRead is what loadEnvFile found: the variables to set, and the lines systemd would ignore, worded. */
export type EnvFileRead = { vars: Record<string, string>; ignored: string[] };

/**
 * loadEnvFile reads an environment file as data (never as shell code), refusing, with exit 78, a file another user
 * owns or can write (its values become our secrets and URLs; as the config, OpenSSH's StrictModes). A FIFO or a
 * device is refused without blocking.
 */
export function loadEnvFile(file: string): EnvFileRead {
  let read: ReturnType<typeof readRegular>;
  try {
    read = readRegular(file, { follow: true, maxBytes: 1024 * 1024 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const words: Record<string, string> = { ENOENT: "no such file", EACCES: "permission denied" };
    const why = err instanceof UnsafeFileError ? `it is ${err.what}` : (words[code ?? ""] ?? (err as Error).message);
    throw new ConfigError([`${file}:1:1: (top level): cannot read the env file: ${why}`]);
  }
  const problem = trustProblem(file, read.stat);
  if (problem) throw new ExitError(78, `watchdog: refusing the env file ${file}: ${problem}`);
  const vars: Record<string, string> = {};
  const ignored: string[] = [];
  for (const a of parseEnvFile(read.text)) {
    // systemd drops an assignment whose name is not a valid variable name (`export X=1` among them).
    if (VALID_NAME.test(a.name)) vars[a.name] = a.value;
    else ignored.push(`${file}:${a.line}:1: ${JSON.stringify(a.name)} is not a variable name: systemd ignores it`);
  }
  return { vars, ignored };
}

/**
 * applyEnvFile puts the variables of `--env-file FILE` into this process's environment before the config is read,
 * as systemd's EnvironmentFile= does for the units: the same file means the same values under cron and systemd.
 */
export function applyEnvFile(file: string | undefined): string[] {
  if (file === undefined) return [];
  const { vars, ignored } = loadEnvFile(file);
  Object.assign(process.env, vars);
  return ignored;
}

/** EnvFile is what an environment file holds: its variable names, and whether others may read it. */
export type EnvFile = { exists: boolean; vars: Set<string>; openToOthers: boolean };

/** readEnvFile reads the names an environment file sets (by systemd's rules), for the notes below. */
export function readEnvFile(file: string): EnvFile {
  try {
    const { text, stat } = readRegular(file, { follow: true, maxBytes: 1024 * 1024 });
    const vars = new Set(parseEnvFile(text).map((a) => a.name));
    return { exists: true, vars, openToOthers: (stat.mode & 0o077) !== 0 };
  } catch {
    return { exists: false, vars: new Set(), openToOthers: false };
  }
}

/**
 * envFileNotes says what the installed runs will lack: the ${VARS} of the config that the environment file does not
 * set (cron and systemd have none of this shell's environment), and an env file others can read.
 */
export function envFileNotes(configText: string, file: string): string[] {
  const wanted = referencedVars(configText);
  if (!wanted.length) return [];
  const env = readEnvFile(file);
  const missing = wanted.filter((v) => !env.vars.has(v));
  const notes: string[] = [];
  if (missing.length) {
    notes.push(
      `${env.exists ? `${file} does not set` : `${file} does not exist; it must set`} ${missing.join(", ")}: ` +
        `cron and systemd do not have this shell's environment, so every run would stop with "environment variable ` +
        `${missing[0]} is not set". Write them there (install -m 600 /dev/null ${file}; then ${missing[0]}=... ` +
        "lines), or use the *_file keys (pass_file: /etc/watchdog/smtp.pass).",
    );
  }
  if (env.exists && env.openToOthers) notes.push(`${file} holds secrets and is readable by others: chmod 600 ${file}`);
  return notes;
}
