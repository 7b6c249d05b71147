import path from "node:path";
import { runRestartHook } from "./actions/restart-hook.js";
import type { Config } from "./config/schema.js";
import type { Deps } from "./deps.js";
import { formatDuration } from "./duration.js";
import { decide } from "./engine/decide.js";
import { ExitError } from "./errors.js";
import { dict, withDicts } from "./engine/dict.js";
import { enqueueAlertmanagerRefresh } from "./exporters/alertmanager-refresh.js";
import { writeStatusPage } from "./exporters/status-page/index.js";
import { writeTextfileMetrics } from "./exporters/textfile.js";
import { sendHeartbeat } from "./exporters/heartbeat.js";
import { recordRun } from "./history/record.js";
import { record } from "./engine/record.js";
import type { Action, Message, RestartOutcome, State } from "./engine/types.js";
import { deliverWatched, rerouteAroundFailing } from "./notify/channel-health.js";
import { deliver, enqueue, type Attempt } from "./notify/deliver.js";
import type { Redactor } from "./notify/redact.js";
import { createChannels } from "./notify/registry.js";
import { renderText } from "./notify/render.js";
import type { Channel } from "./notify/types.js";
import { runProbe, runProbes } from "./probes/run.js";
import type { ProbeResult } from "./probes/types.js";
import { applyQueuedControls } from "./state/controls.js";
import { createJsonFileStore } from "./state/json-file-store.js";
import { acquireLock } from "./state/lock.js";
import { peek } from "./state/peek.js";

/** RunReport is everything a check run did, for the table, --json and the log. */
export type RunReport = {
  startedAt: number;
  durationMs: number;
  dryRun: boolean;
  results: ProbeResult[];
  actions: Action[];
  /** Dry run: each message as it would be sent. */
  planned: { channel: string; subject: string; text: string }[];
  restarts: { check: string; outcome: RestartOutcome }[];
  attempts: Attempt[];
  /** Channels that started failing this run (their episode's notice went to the other channels). */
  channelsFailing: string[];
  warnings: string[];
  state: State;
};

/** RunOptions are what `watchdog check` was asked. */
export type RunOptions = {
  dryRun: boolean;
  redact: Redactor;
  channels?: Map<string, Channel>;
  /** Daemon mode: probe only these checks this run (per-check intervals); the others keep their state. */
  only?: ReadonlySet<string>;
  /** Daemon mode: the caller holds the lock for its lifetime. */
  lockHeld?: boolean;
};

/**
 * runCheck is one pass of the pipeline: lock, load state, probe, decide, restart, enqueue, save, deliver, save, unlock.
 * The outbox is saved before anything is sent, so a crash can repeat a message but never lose one.
 * A dry run probes and decides, then stops: no lock, no write, no send, no restart.
 */
export async function runCheck(config: Config, deps: Deps, opts: RunOptions): Promise<RunReport> {
  const lock = opts.dryRun || opts.lockHeld ? undefined : acquireLock(`${config.state_file}.lock`);
  let timer: NodeJS.Timeout | undefined;
  try {
    // The backstop: every step of the run honours its budget, so this fires only on a bug; the run then ends (exit 1)
    // and the lock is released, rather than a hung run holding every later one off with 75.
    const backstop = new Promise<never>((_, reject) => {
      const why = `the run did not finish within run_timeout (${formatDuration(config.run_timeout)}); it was abandoned`;
      timer = setTimeout(() => reject(new ExitError(1, `watchdog: ${why}`)), config.run_timeout);
    });
    return await Promise.race([runPipeline(config, deps, { ...opts, lockHeld: true }), backstop]);
  } finally {
    clearTimeout(timer);
    lock?.release();
  }
}

/** budgetOf is the time probes, hooks and sends may take: run_timeout less a reserve to save, record and unlock. */
export function budgetOf(runTimeout: number): number {
  return runTimeout - Math.min(5000, Math.floor(runTimeout / 10));
}

/**
 * hookOutputFile is where a check's restart hook writes, beside the state file (and, like nohup.out, a service it
 * starts without redirecting its output).
 */
export function hookOutputFile(stateFile: string, check: string): string {
  const safe = check.replace(/[^\w.@-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return path.join(path.dirname(stateFile), `restart-${safe}.out`);
}

/** runPipeline is the run itself; runCheck takes the lock around it (passing lockHeld), so its backstop can free it. */
async function runPipeline(config: Config, deps: Deps, opts: RunOptions): Promise<RunReport> {
  const startedAt = deps.clock.now();
  const hardEnd = performance.now() + config.run_timeout;
  const budget = AbortSignal.timeout(budgetOf(config.run_timeout));
  const lock = opts.dryRun || opts.lockHeld ? undefined : acquireLock(`${config.state_file}.lock`);
  try {
    const store = createJsonFileStore(config.state_file, () => deps.clock.now(), opts.redact);
    const { state: loadedState, warnings } = opts.dryRun ? peek(config.state_file) : await store.load();
    const prev = opts.dryRun ? loadedState : await applyQueuedControls(config, loadedState, store, deps);
    for (const w of warnings) deps.logger.warn({ event: "state_reset" }, w);

    const probed = opts.only ? config.checks.filter((c) => opts.only!.has(c.name)) : config.checks;
    const runs = await runProbes(probed, prev.probes, deps, budget);
    const results = runs.map((r) => r.result);
    const now = deps.clock.now();
    const decision = decide(prev, results, now, config);
    const memories = probed.map((c, i) => [c.name, runs[i]!.memory] as const).filter(([, m]) => m !== undefined);
    let state: State = { ...decision.state, probes: dict([...Object.entries(opts.only ? prev.probes : {}), ...memories]) };
    const messages = toMessages(decision.actions, config.host, now, deps);
    const report: RunReport = { startedAt, durationMs: 0, dryRun: opts.dryRun, results, actions: decision.actions, planned: [], restarts: [], attempts: [], channelsFailing: [], warnings, state };

    if (opts.dryRun) {
      report.planned = messages.map((m) => ({ channel: m.channel, ...pick(renderText(m, config.locale)) }));
      report.durationMs = deps.clock.now() - startedAt;
      return report;
    }

    for (const r of results) deps.logger.info({ event: "probe", check: r.check, status: r.status, summary: r.summary, ms: r.durationMs }, "probe");
    // Restarts first, so the messages of this run can say whether the restart helped.
    const restartChecks = decision.actions.flatMap((a) => (a.type === "restart" ? [a.check] : []));
    report.restarts = await Promise.all(
      restartChecks.map(async (name) => {
        const check = config.checks.find((c) => c.name === name)!;
        deps.logger.info({ event: "restart", check: name }, "running restart hook");
        const outcome = await runRestartHook(check.restart!, async () => (await runProbe(check, state.probes[name], deps, budget)).result.status, {
          signal: budget,
          sleep: deps.sleep,
          redact: opts.redact,
          outputFile: hookOutputFile(config.state_file, name),
        });
        deps.logger.info({ event: "restart_done", check: name, exitCode: outcome.exitCode, helped: outcome.helped, ms: outcome.durationMs, error: outcome.error }, "restart hook finished");
        return { check: name, outcome };
      }),
    );
    for (const m of messages) for (const item of m.items) {
      const done = report.restarts.find((r) => r.check === item.check);
      if (item.restartPlanned && done) item.restart = done.outcome;
    }
    state = record(state, report.restarts, now);
    // While a channel is failing, its alerts go to the channels its notice named too (notify/channel-health.ts).
    state = enqueue(state, rerouteAroundFailing(messages, state.channelHealth, (c) => config.channels[c]?.min_severity), now);
    state = enqueueAlertmanagerRefresh(state, config, messages, now);
    await store.save(state);

    const channels = opts.channels ?? createChannels(config.channels, { deps, locale: config.locale });
    const sendAt = deps.clock.now();
    const deliverOnce = (s: State) => deliver(s, channels, config.channels, {
      now: sendAt,
      maxAgeMs: config.outbox.max_age,
      signal: budget,
      sleep: deps.sleep,
      logger: deps.logger,
      redact: opts.redact,
      redactExcerpts: config.redact,
    });
    // A channel that keeps failing is told, once, through the others (notify/channel-health.ts).
    const delivered = await deliverWatched(state, deliverOnce, (s, m) => enqueue(s, m, sendAt), [...channels.keys()], (c) => config.channels[c]?.fallback ?? [], config.host, sendAt);
    for (const name of delivered.opened) deps.logger.warn({ event: "channel_failing", channel: name, ...delivered.state.channelHealth?.[name] }, "channel keeps failing");
    report.attempts = delivered.attempts;
    report.channelsFailing = delivered.opened;
    state = delivered.state;
    report.durationMs = deps.clock.now() - startedAt;
    state = { ...state, lastRun: { startedAt, durationMs: report.durationMs } };
    await store.save(state);
    report.state = state;
    writeTextfileMetrics(report, config, deps, opts.redact);
    // The history file is read back by `history`: what a vendor echoed (tokens in URLs) is masked like the log is.
    const masked = report.attempts.map((a) => (a.outcome.ok ? a : { ...a, outcome: { ...a.outcome, error: opts.redact(a.outcome.error) } }));
    recordRun(config, deps, { prev, next: state, results: results.map((r) => ({ ...r, summary: opts.redact(r.summary) })), attempts: masked, restarts: report.restarts, now });
    // After the history, so the page's timeline includes this run.
    const pageProblem = writeStatusPage(config, state, results, deps.clock.now(), opts.redact);
    if (pageProblem) deps.logger.warn({ event: "status_page_failed" }, pageProblem);
    await sendHeartbeat(config, deps, hardEnd - performance.now() - 500);
    deps.logger.info(
      { event: "run", ms: report.durationMs, checks: results.length, failing: results.filter((r) => r.status !== "ok").length, sent: report.attempts.filter((a) => a.ok).length, failedSends: report.attempts.filter((a) => !a.ok).length, outbox: state.outbox.length },
      "run complete",
    );
    return report;
  } finally {
    lock?.release();
  }
}

function pick(r: { subject: string; text: string }) {
  return { subject: r.subject, text: r.text };
}

/** toMessages turns notify actions into messages with ids unique across runs. */
function toMessages(actions: readonly Action[], host: string, now: number, deps: Deps): Message[] {
  const run = `${now.toString(36)}${Math.floor(deps.random() * 36 ** 4).toString(36).padStart(4, "0")}`;
  return actions.flatMap((a) => (a.type === "notify" ? [{ id: `${run}-${a.channel}`, channel: a.channel, host, createdAt: now, items: a.items.map((i) => ({ ...i })) }] : []));
}
