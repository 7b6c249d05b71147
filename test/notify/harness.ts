import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "../../src/config/load.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { silentLogger } from "../../src/logger.js";
import { createRedactor } from "../../src/notify/redact.js";
import { runCheck, type RunReport } from "../../src/run-check.js";

export { freePort as closedPort } from "../helpers/net.js";

/** Rig runs the real pipeline (runCheck) on a YAML config in a temp dir, with a settable clock and no backoff waits. */
export type Rig = {
  dir: string;
  stateFile: string;
  now: number;
  run(yaml: string, at?: number): Promise<RunReport>;
  state(): any;
  close(): void;
};

/** rig makes a temp dir; each run(yaml) parses the config (state_file is filled in) and runs one check pass. */
export function rig(start = Date.now()): Rig {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wd-notify-"));
  const stateFile = path.join(dir, "state.json");
  const r: Rig = {
    dir,
    stateFile,
    now: start,
    async run(yaml, at) {
      if (at !== undefined) r.now = at;
      const text =
        `state_file: ${JSON.stringify(stateFile)}\n` +
        `log_file: ${JSON.stringify(path.join(dir, "watchdog.log"))}\n${yaml}`;
      const loaded = parseConfig(text, {
        file: "watchdog.yaml",
        env: {},
        hostname: "gpu-box-01",
        readFile: (p) => readFileSync(p, "utf8"),
      });
      const deps: Deps = createDeps(silentLogger(), {
        clock: { now: () => r.now },
        env: {},
        sleep: async () => {},
        random: () => 0.25,
      });
      return runCheck(loaded.config, deps, { dryRun: false, redact: createRedactor(loaded.secrets) });
    },
    state: () => JSON.parse(readFileSync(stateFile, "utf8")),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
  return r;
}

/**
 * withBackup is the YAML of a channel NAME (its keys in CHANNEL, whole lines 4 spaces in) told at the first failure of
 * CHECKS (whole lines), whose messages it cannot deliver go to the webhook `backup` at backupUrl.
 */
export const withBackup = (name: string, channel: string, backupUrl: string, checks: string) => `channels:
  ${name}:
${channel}    fallback: [backup]
  backup:
    type: webhook
    url: "${backupUrl}"
escalation:
  - after: 1
    notify: [${name}]
checks:
${checks}`;

/** idsIn finds watchdog message ids in delivered text ("watchdog message a, b" footers, SMS OutId, Message-ID). */
export function idsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/watchdog (?:message|消息) ([\w~.\-]+(?:, [\w~.\-]+)*)/g))
    out.push(...m[1]!.split(", "));
  return out;
}
