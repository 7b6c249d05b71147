import fs from "node:fs";

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

/** EnvFile is what an environment file holds: its variable names, and whether others may read it. */
export type EnvFile = { exists: boolean; vars: Set<string>; openToOthers: boolean };

/** readEnvFile reads KEY=VALUE lines (systemd EnvironmentFile= and `set -a; . FILE` both take them). */
export function readEnvFile(file: string): EnvFile {
  try {
    const text = fs.readFileSync(file, "utf8");
    const vars = new Set<string>();
    for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm)) vars.add(m[1]!);
    return { exists: true, vars, openToOthers: (fs.statSync(file).mode & 0o077) !== 0 };
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
