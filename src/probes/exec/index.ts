import { z } from "zod";
import { duration } from "../../core/fields.js";
import { formatDuration } from "../../duration.js";
import { runCommand } from "../../run-command.js";
import { defineProbe, say, type PartOf, type Status } from "../types.js";
import { words } from "./words.js";

/** Output kept from a plugin: Nagios 3 itself keeps 8 KB; a flood beyond this is counted and dropped. */
const MAX_OUTPUT = 64 * 1024;

/** execConfigSchema is a `type: exec` check: any command speaking the Nagios plugin API. */
export const execConfigSchema = z.strictObject({
  type: z.literal("exec"),
  command: z
    .union([z.string().min(1), z.array(z.string()).min(1)])
    .describe("A Nagios plugin or script: exit 0/1/2/3 is ok/warning/critical/unknown, its first line the summary."),
  shell: z
    .boolean()
    .default(false)
    .describe("Run `command` as one string through /bin/sh -c instead of as an argv list."),
  timeout: duration
    .default(30_000)
    .describe("Still running after this (default 30s): killed with its process group, and the check is unknown."),
  env: z.record(z.string(), z.string()).default({}).describe("Variables added to the command's environment."),
  cwd: z.string().min(1).optional().describe("The directory the command runs in."),
});
export type ExecConfig = z.infer<typeof execConfigSchema>;

/** NAGIOS maps plugin exit codes to statuses (docs/vendors.md §7); anything else is unknown. */
const NAGIOS: Record<number, Status> = { 0: "ok", 1: "warning", 2: "critical", 3: "unknown" };

/**
 * parsePerfdata reads `'label'=value[UOM];[warn];[crit];[min];[max]` pairs into metrics (the value only).
 * Labels are quoted with ' when they hold spaces; '' inside quotes is a quote. Bad pairs are skipped.
 */
export function parsePerfdata(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    while (s[i] === " ") i++;
    let label = "";
    if (s[i] === "'") {
      i++;
      while (i < s.length) {
        if (s[i] === "'" && s[i + 1] === "'") {
          label += "'";
          i += 2;
          continue;
        }
        if (s[i] === "'") {
          i++;
          break;
        }
        label += s[i++];
      }
    } else {
      while (i < s.length && s[i] !== "=" && s[i] !== " ") label += s[i++];
    }
    if (s[i] !== "=") {
      while (i < s.length && s[i] !== " ") i++;
      continue;
    }
    i++;
    let value = "";
    while (i < s.length && s[i] !== " ") value += s[i++];
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(value);
    if (label && m) out[label] = Number(m[1]);
  }
  return out;
}

/** parsePluginOutput splits plugin output into the summary (first line, before |), long text and perfdata. */
export function parsePluginOutput(stdout: string): {
  summary: string;
  detail: string;
  metrics: Record<string, number>;
} {
  const lines = stdout.replace(/\r/g, "").split("\n");
  const [first = "", ...rest] = lines;
  const bar = first.indexOf("|");
  const summary = (bar < 0 ? first : first.slice(0, bar)).trim();
  let perf = bar < 0 ? "" : first.slice(bar + 1);
  const long: string[] = [];
  let inPerf = false;
  for (const l of rest) {
    // Long output may carry more perfdata after a | (Nagios 3): everything after it is perfdata.
    if (!inPerf && l.includes("|")) {
      long.push(l.slice(0, l.indexOf("|")));
      perf += ` ${l.slice(l.indexOf("|") + 1)}`;
      inPerf = true;
    } else if (inPerf) perf += ` ${l}`;
    else long.push(l);
  }
  return { summary, detail: long.join("\n").trim(), metrics: parsePerfdata(perf) };
}

/** execProbe runs a Nagios-style plugin in its own process group under a timeout, with its output capped. */
export const execProbe = defineProbe(execConfigSchema, {
  words,
  preflight(cfg, host) {
    const prog = cfg.shell
      ? "/bin/sh"
      : typeof cfg.command === "string"
        ? cfg.command.trim().split(/\s+/)[0]
        : cfg.command[0];
    if (!prog || host.onPath(prog)) return [];
    const would = 'the check would report "unknown: command not found"';
    return [{ path: ["command"], message: `${prog}: plugin not found or not executable here; ${would}` }];
  },
  async run(cfg, { signal }) {
    const argv =
      typeof cfg.command === "string"
        ? cfg.shell
          ? [cfg.command]
          : cfg.command.split(/\s+/).filter(Boolean)
        : cfg.command;
    const name = String(typeof cfg.command === "string" ? cfg.command.split(/\s+/)[0] : cfg.command[0]);
    const r = await runCommand(argv, {
      shell: cfg.shell,
      timeoutMs: cfg.timeout,
      signal,
      maxOutput: MAX_OUTPUT,
      env: { ...process.env, ...cfg.env },
      ...(cfg.cwd ? { cwd: cfg.cwd } : {}),
      killGraceMs: 1000,
    });
    if (r.spawnError) {
      const code = r.spawnError.code;
      const why: PartOf<typeof words> =
        code === "ENOENT"
          ? { key: "notFound", values: { name } }
          : code === "EACCES"
            ? { key: "notExecutable", values: { name } }
            : { key: "spawnFailed", values: { name, why: code ?? r.spawnError.message } };
      return { status: "unknown", ...say(words, [why]) };
    }
    if (r.timedOut) {
      const within = formatDuration(cfg.timeout);
      return { status: "unknown", ...say(words, [{ key: "timedOut", values: { name, within } }]) };
    }
    const out = parsePluginOutput(r.stdout);
    const status: Status = r.exitCode === null ? "unknown" : (NAGIOS[r.exitCode] ?? "unknown");
    const text = (out.summary || r.stderr.trim().split("\n")[0]?.trim())?.slice(0, 300);
    const parts: PartOf<typeof words>[] = [
      text ? { key: "text", values: { text } } : { key: "printedNothing", values: { name } },
    ];
    if (r.exitCode === null) parts.unshift({ key: "killed", values: { name, signal: String(r.signal) } });
    else if (NAGIOS[r.exitCode] === undefined) parts.unshift({ key: "exited", values: { name, code: r.exitCode } });
    const said = say(words, parts);
    const cut = r.truncatedBytes > 0 ? `output cut: ${r.truncatedBytes} more bytes dropped` : "";
    const detail = [cut, out.detail.slice(0, 4000 - cut.length - 1)].filter(Boolean).join("\n");
    return {
      status,
      ...said,
      summary: said.summary.slice(0, 300),
      ...(detail ? { detail } : {}),
      metrics: { ...out.metrics, exit_code: r.exitCode ?? -1 },
    };
  },
});
