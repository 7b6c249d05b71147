import os from "node:os";
import type { LoadOptions } from "../config/discover.js";
import { loadWithFallback, type Opened } from "../config/fallback.js";
import { MIN_SECRET, urlSecrets } from "../config/secrets.js";
import type { Loaded } from "../config/load.js";
import { logFileOf } from "../config/schema.js";
import { createDeps, realClock, type Deps } from "../deps.js";
import { createLogger, silentLogger } from "../logger.js";
import { createRedactor, type Redactor } from "../notify/redact.js";
import { embeddedGpuCheck } from "../probes/gpu/index.js";

/** GlobalOptions are the flags every command accepts. */
export type GlobalOptions = LoadOptions & { debug?: boolean };

export { realIo, type Io } from "./io.js";
import type { Io } from "./io.js";

/**
 * Session is a loaded config with the deps and redactor built from it; `text` and `fallback` are loadWithFallback's
 * (config/fallback.ts).
 */
export type Session = { loaded: Loaded; deps: Deps; redact: Redactor; logWarning: string | undefined } & Pick<
  Opened,
  "text" | "fallback"
>;

/** The proxy variables whose URL may carry credentials (http://user:pass@proxy:3128), secrets like the config's. */
const PROXY_VARS = ["http_proxy", "https_proxy", "all_proxy"].flatMap((v) => [v, v.toUpperCase()]);

/** proxySecrets are the passwords (and `user:pass`) of the proxies in the environment. */
function proxySecrets(env: NodeJS.ProcessEnv): string[] {
  return PROXY_VARS.flatMap((v) => (env[v] ? urlSecrets(env[v]) : [])).filter((s) => s.length >= MIN_SECRET);
}

/**
 * openSession loads the config and builds deps; `withLog` opens the log file. Throws ConfigError. A `readOnly`
 * command sends nothing, so it works without the channels' secrets (cron's and a shell's environments differ).
 * `fallback`: a config file that does not validate gives way to the last one that did (`check`, `status`).
 */
export function openSession(opts: GlobalOptions, withLog: boolean, readOnly = false, fallback = false): Session {
  // The embedded default also watches the GPUs when nvidia-smi is on PATH (a PATH lookup: nothing is spawned).
  const opened = loadWithFallback(
    { ...opts, channelSecretsOptional: readOnly },
    { env: process.env, cwd: process.cwd(), hostname: os.hostname() },
    embeddedGpuCheck(process.env.PATH),
    realClock().now(),
    fallback,
  );
  const loaded = opened.loaded;
  const redact = createRedactor([...loaded.secrets, ...proxySecrets(process.env)]);
  const { logger, warning } = withLog
    ? createLogger(logFileOf(loaded.config), redact, opts.debug ? "debug" : "info")
    : { logger: silentLogger(), warning: undefined };
  return {
    loaded,
    deps: createDeps(logger),
    redact,
    logWarning: warning,
    text: opened.text,
    fallback: opened.fallback,
  };
}
