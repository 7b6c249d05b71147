import type { CheckConfig, Config } from "../../config/schema.js";
import { formatDuration, parseDuration } from "../../duration.js";
import { decide } from "../../engine/decide.js";
import { matchGlob } from "../../glob.js";
import { activeWindow, windowHold } from "../../config/windows.js";
import { emptyState, type Action, type Message, type State } from "../../engine/types.js";
import { UsageError } from "../../errors.js";
import { renderText } from "../../notify/render.js";
import type { ProbeResult, Status } from "../../probes/types.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";
import { fold, loadWidths, shortTime } from "../table.js";

/** SimulateOptions are the flags of `watchdog simulate`. */
export type SimulateOptions = GlobalOptions & {
  failures?: string;
  thenOk?: string;
  interval?: string;
  status?: string;
  brief?: boolean;
  json?: boolean;
};

/** TimelineEntry is one simulated run and what the engine decided in it. */
export type TimelineEntry = {
  run: number;
  at: number;
  status: Status;
  restart: boolean;
  /** Why this run's notices and restarts are held (a maintenance window of the config), if they are. */
  held?: string;
  messages: { channel: string; subject: string; text: string; reasons: string[] }[];
};

/**
 * simulate runs the pure engine over a synthetic sequence (N failing runs then M ok runs, one every `interval`) with
 * the real ladder of one check. Restarts are assumed not to help (the next result is the sequence's). Nothing is
 * probed, sent or written.
 */
export function simulate(
  config: Config,
  check: CheckConfig,
  opts: { failures: number; thenOk: number; interval: number; status: Status; start: number },
): TimelineEntry[] {
  // The check alone: no dependencies (its parents are not simulated), no silences.
  const engineCfg = {
    ...config,
    checks: [{ ...check, depends_on: [] }],
    expected_interval: opts.interval,
    matchName: matchGlob,
    inMaintenance: windowHold(config.maintenance, matchGlob),
  };
  let state: State = emptyState();
  const out: TimelineEntry[] = [];
  const seq: Status[] = [
    ...Array.from({ length: opts.failures }, () => opts.status),
    ...Array.from({ length: opts.thenOk }, (): Status => "ok"),
  ];
  seq.forEach((status, i) => {
    const at = opts.start + i * opts.interval;
    const result: ProbeResult = {
      check: check.name,
      status,
      summary: status === "ok" ? "simulated: ok" : `simulated failure ${i + 1}`,
      durationMs: 0,
    };
    const d = decide({ ...state, lastRun: { startedAt: at - opts.interval, durationMs: 0 } }, [result], at, engineCfg);
    state = d.state;
    out.push({
      run: i + 1,
      at,
      status,
      restart: d.actions.some((a) => a.type === "restart"),
      ...heldBy(config, check.name, at),
      messages: messagesOf(d.actions, config, at),
    });
  });
  return out;
}

/** heldBy names the maintenance window holding the check at `at`, as the timeline shows it. */
function heldBy(config: Config, name: string, at: number): { held?: string } {
  const w = activeWindow(config.maintenance, name, at, matchGlob);
  return w ? { held: `maintenance window "${w.name}" until ${shortTime(w.endsAt)}` } : {};
}

function messagesOf(actions: readonly Action[], config: Config, at: number): TimelineEntry["messages"] {
  return actions.flatMap((a) => {
    if (a.type !== "notify") return [];
    const m: Message = {
      id: `sim-${at}-${a.channel}`,
      channel: a.channel,
      host: config.host,
      createdAt: at,
      items: a.items,
    };
    const r = renderText(m, config.locale);
    return [
      {
        channel: a.channel,
        subject: r.subject,
        text: r.text,
        reasons: a.items.map((i) => (i.notice ? i.notice : i.reason === "step" ? `step ${i.step}` : i.reason)),
      },
    ];
  });
}

/** simulateCommand prints the timeline of notifications, restarts, reminders, giving-up and recovery for one check. */
export async function simulateCommand(name: string, opts: SimulateOptions, io: Io): Promise<number> {
  await loadWidths();
  const session = openSession(opts, false, true);
  const { config } = session.loaded;
  const check = config.checks.find((c) => c.name === name);
  if (!check)
    throw new UsageError(
      `no check named "${name}"; the checks are: ${config.checks.map((c) => c.name).join(", ") || "(none configured)"}`,
    );
  const count = (v: string | undefined, flag: string, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 10_000)
      throw new UsageError(`${flag} ${JSON.stringify(v)}: write a whole number from 0 to 10000`);
    return n;
  };
  // Default: long enough to reach the last step and one reminder.
  const lastAfter = Math.max(...check.escalation.map((s) => s.within ?? s.after));
  const interval = opts.interval === undefined ? config.expected_interval : parseDuration(opts.interval);
  if (interval === undefined || interval <= 0)
    throw new UsageError(`--interval ${JSON.stringify(opts.interval)} is not a positive duration (e.g. 2m)`);
  const failures = count(
    opts.failures,
    "--failures",
    lastAfter + (check.repeat_every > 0 ? Math.ceil(check.repeat_every / interval) : 1),
  );
  const thenOk = count(opts.thenOk, "--then-ok", check.recover_after);
  const status = (opts.status ?? "critical") as Status;
  if (!["warning", "critical", "unknown"].includes(status))
    throw new UsageError(`--status must be warning, critical or unknown`);
  const start = session.deps.clock.now();
  const timeline = simulate(config, check, { failures, thenOk, interval, status, start });
  if (opts.json) {
    // Times as ISO strings like every --json, plus the offset from the first run.
    const runs = timeline.map((e) => ({ ...e, at: new Date(e.at).toISOString(), offsetMs: e.at - start }));
    io.out(`${JSON.stringify({ check: name, failures, thenOk, intervalMs: interval, timeline: runs }, null, 2)}\n`);
    return 0;
  }
  const runs = (n: number) => `${n} run${n === 1 ? "" : "s"}`;
  const lines = [
    ...fold(
      `simulate ${name}: ${runs(failures).replace(" ", ` ${status} `)} then ${thenOk} ok, one every ` +
        `${formatDuration(interval)}`,
      80,
    ),
    "(nothing is probed, sent or restarted)",
    "",
  ];
  let quiet = 0;
  let quietWhy = "";
  const flushQuiet = () => {
    if (quiet) lines.push(`      … ${runs(quiet)} ${quietWhy}`);
    quiet = 0;
  };
  for (const e of timeline) {
    if (!e.messages.length && !e.restart) {
      const why = e.held ? `held by ${e.held}: nothing sent or restarted` : "with nothing to send";
      if (why !== quietWhy) flushQuiet();
      quietWhy = why;
      quiet++;
      continue;
    }
    flushQuiet();
    lines.push(
      `run ${String(e.run).padStart(3)}  +${(e.at === start ? "0s" : formatDuration(e.at - start)).padEnd(7)} ` +
        `${e.status.toUpperCase()}`,
    );
    if (e.restart)
      lines.push(`      restart ${name} (${check.restart ? "assumed not to help" : "no restart hook configured"})`);
    for (const m of e.messages) {
      // 80 columns: a long subject or message line folds under its own indent instead of running off the screen.
      const [head = "", ...rest] = fold(`-> ${m.channel} [${m.reasons.join(", ")}]: ${m.subject}`, 71);
      lines.push(`      ${head}`, ...rest.map((l) => `         ${l}`));
      // The last line is the footer naming the message id (made up here), in the message's locale: left out.
      if (!opts.brief)
        for (const l of m.text
          .split("\n")
          .slice(0, -1)
          .filter((x) => x.trim()))
          lines.push(...fold(l, 69).map((x) => `           ${x}`));
    }
  }
  flushQuiet();
  io.out(`${lines.join("\n")}\n`);
  return 0;
}
