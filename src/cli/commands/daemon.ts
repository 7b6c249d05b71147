import { runDaemon } from "../../daemon/loop.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";

/** daemonCommand runs the pipeline in a loop until SIGTERM; SIGHUP reloads the config. */
export async function daemonCommand(opts: GlobalOptions, io: Io): Promise<number> {
  const session = openSession(opts, true);
  if (session.logWarning) io.err(`warning: ${session.logWarning}\n`);
  for (const w of session.loaded.warnings) io.err(`warning: ${w}\n`);
  let first = true;
  return runDaemon({
    deps: session.deps,
    out: io.out,
    err: io.err,
    load: () => {
      if (first) {
        first = false;
        return { config: session.loaded.config, redact: session.redact };
      }
      const next = openSession(opts, false);
      return { config: next.loaded.config, redact: next.redact };
    },
  });
}
