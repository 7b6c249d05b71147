import fs from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { formatPath, Locator, type PathKey } from "../config/locate.js";
import type { Config } from "../config/schema.js";
import { backtrackingNote } from "../core/backtracking.js";
import { findOnPath } from "../on-path.js";
import { kernelLogProblem } from "../probes/kernel/read.js";
import { probeOf } from "../probes/registry.js";

/**
 * CRON_PATH is the PATH of a `crontab -e` line (Debian's cron); SYSTEMD_PATH that of a systemd unit and /etc/cron.d.
 */
export const CRON_PATH = "/usr/bin:/bin";
export const SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Finding is one thing `validate` found on this host: an error (exit 78) or a warning (may be fine elsewhere). */
export type Finding = { level: "error" | "warning"; path: PathKey[]; message: string };

function argv0(command: string | string[], shell: boolean): string | undefined {
  if (shell) return "/bin/sh";
  return Array.isArray(command) ? command[0] : command.trim().split(/\s+/)[0];
}

/**
 * preflight checks what the config needs of this host, before the night (like `monit -t`):
 *   error    a restart hook's program is not found or not executable on the PATH of cron and systemd (the hook
 *            would fail at the step that restarts, at 2 a.m.); the state directory cannot be written (as root)
 *   warning  a restart hook found on systemd's PATH but not on a crontab line's (/usr/bin:/bin); an exec plugin,
 *            nvidia-smi for a gpu check, or a log path's directory missing here (the check says so as "unknown" at
 *            each run, and the config may be meant for another host); a state directory this user cannot write
 *            (the runs may be root's); a log pattern that would backtrack catastrophically in another engine; no
 *            kernel log to read (kernel_log)
 */
export async function preflight(config: Config, isRoot: boolean): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const [i, c] of config.checks.entries()) {
    if (c.restart) {
      const prog = argv0(c.restart.command, c.restart.shell);
      if (prog && !findOnPath(prog, SYSTEMD_PATH)) {
        out.push({
          level: "error",
          path: ["checks", i, "restart", "command"],
          message:
            `${prog}: program does not exist or is not executable (PATH of cron and systemd: ${SYSTEMD_PATH}); ` +
            "the restart would fail when it is needed",
        });
      } else if (prog && !prog.includes("/") && !findOnPath(prog, CRON_PATH)) {
        const full = findOnPath(prog, SYSTEMD_PATH);
        const message = `${prog} is not on a crontab line's PATH (${CRON_PATH}): write its full path, ${full}`;
        out.push({ level: "warning", path: ["checks", i, "restart", "command"], message });
      }
    }
    // What a probe type needs of the host (a plugin, nvidia-smi, a log directory) is its own preflight.
    const host = { onPath: (prog: string) => findOnPath(prog, SYSTEMD_PATH) !== undefined };
    for (const f of (await probeOf(c.type)?.preflight?.(c, host)) ?? []) {
      out.push({ level: "warning", path: ["checks", i, ...f.path], message: f.message });
    }
  }
  // The config's own causes are matched against log lines too.
  for (const [i, c] of config.causes.entries()) {
    const sources: [string, PathKey[]][] = (c.patterns ?? []).map((p, j) => [p, ["causes", i, "patterns", j]]);
    if (c.regex !== undefined) sources.push([c.regex, ["causes", i, "regex"]]);
    for (const [source, at] of sources) {
      const note = await backtrackingNote(source);
      if (note) out.push({ level: "warning", path: at, message: note });
    }
  }
  // Only checks that watch a service (a port, a process) read the kernel log when they fail.
  const watching = config.checks.some((c) => probeOf(c.type)?.port || probeOf(c.type)?.watched);
  const kernel = watching && kernelLogProblem(config.kernel_log, (p) => findOnPath(p, SYSTEMD_PATH) !== undefined);
  if (kernel) out.push({ level: "warning", path: ["kernel_log"], message: kernel });
  const stateDir = path.dirname(path.resolve(config.state_file));
  if (!creatable(stateDir)) {
    out.push({
      level: isRoot ? "error" : "warning",
      path: ["state_file"],
      message:
        `cannot write ${stateDir}${isRoot ? "" : " as this user (fine if the runs are root's)"}: ` +
        "every run would exit 1",
    });
  }
  return out;
}

/** creatable says whether dir is writable, or could be created in its nearest existing parent. */
function creatable(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      fs.accessSync(d, fs.constants.W_OK | fs.constants.X_OK);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || d === path.dirname(d)) return false;
    }
  }
}

/** locateFindings renders findings as `FILE:LINE:COL: path: message` against the config's text. */
export function locateFindings(findings: readonly Finding[], file: string, text: string): string[] {
  // Parsing a big config again costs time: only when there is something to place.
  if (!findings.length) return [];
  const lines = new LineCounter();
  const loc = new Locator(parseDocument(text, { lineCounter: lines }), lines, file);
  return findings.map((f) => `${loc.at(f.path)}: ${formatPath(f.path)}: ${f.message}`);
}
