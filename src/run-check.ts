import { setMaxListeners } from "node:events";
import { executeRestarts } from "./actions/execute.js";
import { withKernelEvidence } from "./actions/kernel-evidence.js";
import type { CheckConfig, Config } from "./config/schema.js";
import type { Deps } from "./deps.js";
import { formatDuration } from "./duration.js";
import { decide } from "./engine/decide.js";
import { matchGlob } from "./glob.js";
import { ExitError } from "./errors.js";
import { dict } from "./engine/dict.js";
import { writeStatusPage } from "./exporters/status-page/index.js";
import { writeTextfileMetrics } from "./exporters/textfile.js";
import { sendHeartbeat } from "./exporters/heartbeat.js";
import { recordRun } from "./history/record.js";
import { attachRestartOutcomes, record, recordDelivered } from "./engine/record.js";
import type { Action, Message, RestartOutcome, State } from "./engine/types.js";
import type { Attempt } from "./notify/deliver.js";
import { deliveredOf } from "./notify/delivered.js";
import type { Redactor } from "./notify/redact.js";
import { renderText } from "./notify/render.js";
import type { Channel } from "./notify/types.js";
import { buildCatalog, restartCannotFix, useCatalog, type Catalog } from "./probes/registry.js";
import { runProbes, type ProbeRun } from "./probes/run.js";
import { withStarts } from "./probes/started.js";
import type { ProbeResult } from "./probes/types.js";
import { createRunStore, loadRunState, lockRun } from "./state/run-store.js";
import { deliverOutbox, enqueueAndSave } from "./run-deliver.js";
import { monotonicMs } from "./core/monotonic.js";
import { retryNow } from "./notify/stages/due.js";
import { windowHold } from "./config/windows.js";

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
  /** Why the state could not be saved (a full disk): the run probed and delivered all the same. */
  unsaved?: string;
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
  /** Messages from outside the checks (a broken config), sent with this run's and kept in the outbox like them. */
  notices?: readonly Message[];
  /** The config file was edited since the last run: what waits out a failed send's backoff is tried again now. */
  configChanged?: boolean;
  /** Daemon mode: the cause catalog of the loaded config, built once; a new one each run recompiles every log check. */
  catalog?: Catalog;
};

/**
 * runCheck is one pass of the pipeline: lock, load state, probe, decide, restart, enqueue, save, deliver, save, unlock.
 * The outbox is saved before anything is sent, so a crash can repeat a message but never lose one.
 * A dry run probes and decides, then stops: no lock, no write, no send, no restart.
 */
export async function runCheck(config: Config, deps: Deps, opts: RunOptions): Promise<RunReport> {
  // A disk too full for the lock still lets the run probe and deliver (at most once beats never); it saves nothing.
  const { lock, unsaved } =
    opts.dryRun || opts.lockHeld ? { lock: undefined, unsaved: undefined } : lockRun(config.state_file);
  let timer: NodeJS.Timeout | undefined;
  try {
    // The backstop: every step of the run honours its budget, so this fires only on a bug; the run then ends (exit 1)
    // and the lock is released, rather than a hung run holding every later one off with 75.
    const backstop = new Promise<never>((_, reject) => {
      const why = `the run did not finish within run_timeout (${formatDuration(config.run_timeout)}); it was abandoned`;
      timer = setTimeout(() => reject(new ExitError(1, `watchdog: ${why}`)), config.run_timeout);
    });
    return await Promise.race([runPipeline(config, deps, opts, unsaved), backstop]);
  } finally {
    clearTimeout(timer);
    lock?.release();
  }
}

/** budgetOf is the time probes, hooks and sends may take: run_timeout less a reserve to save, record and unlock. */
export function budgetOf(runTimeout: number): number {
  return runTimeout - Math.min(5000, Math.floor(runTimeout / 10));
}

/** verifyBy is when re-probing a restarted check stops: a fifth of the run (at most 20s) is kept for the sends. */
function verifyBy(hardEnd: number, runTimeout: number): number {
  return hardEnd - (runTimeout - budgetOf(runTimeout)) - Math.min(20_000, Math.floor(runTimeout / 5));
}

/**
 * runPipeline is the run itself, one named step after another (runCheck holds the lock around it, so its backstop
 * can free it): load state -> probe -> decide -> (a dry run renders and stops) -> restart -> record -> enqueue and
 * save -> deliver -> save -> export (metrics, history, status page, heartbeat) -> log.
 */
async function runPipeline(
  config: Config,
  deps: Deps,
  opts: RunOptions,
  unsaved: string | undefined,
): Promise<RunReport> {
  const startedAt = deps.clock.now();
  const hardEnd = monotonicMs() + config.run_timeout;
  const budget = AbortSignal.timeout(budgetOf(config.run_timeout));
  // Every probe, hook and send listens to the run's deadline: with more than 10 checks Node's leak warning would go
  // to stderr, which is cron's mail, every run. The listeners are removed as each step ends; there is no leak to see.
  setMaxListeners(0, budget);
  const store = createRunStore(config.state_file, deps, opts.redact, unsaved);
  const { prev, warnings } = await loadRunState(config, store, deps, opts.dryRun);

  // The log probe's causes, the built-in ones with the config's own; the renderer words alerts from the same.
  const catalog = opts.catalog ?? buildCatalog(config.causes, config.disable_causes).catalog;
  useCatalog(catalog);
  const { probed, runs } = await probe(config, prev, opts.only, deps, budget, catalog);
  // A failing service's kernel evidence (an OOM kill, a GPU Xid) becomes its probable cause.
  const kernel = await withKernelEvidence(config, prev, probed, runs, deps, budget);
  // When each watched process started: the engine holds alerts while a restarted service loads.
  const results = await withStarts(kernel.results, probed, prev.checks, budget);
  const now = deps.clock.now();
  const decision = decide(prev, results, now, {
    ...config,
    matchName: matchGlob,
    restartCannotFix: restartCannotFix(catalog),
    inMaintenance: windowHold(config.maintenance, matchGlob),
  });
  let state: State = { ...withProbeMemory(decision.state, prev, probed, runs, opts.only), kernel: kernel.memory };
  if (opts.configChanged) state = { ...state, outbox: state.outbox.map((e) => retryNow(e, now)) };
  const messages = [...toMessages(decision.actions, config.host, now, deps), ...(opts.notices ?? [])];
  const report: RunReport = {
    startedAt,
    durationMs: 0,
    dryRun: opts.dryRun,
    results,
    actions: decision.actions,
    planned: [],
    restarts: [],
    attempts: [],
    channelsFailing: [],
    warnings,
    state,
  };
  if (opts.dryRun) {
    report.planned = messages.map((m) => ({ channel: m.channel, ...pick(renderText(m, config.locale)) }));
    report.durationMs = deps.clock.now() - startedAt;
    return report;
  }

  logProbes(results, deps);
  // Restarts first, so the messages of this run can say whether the restart helped.
  report.restarts = await executeRestarts(decision.actions, config, state.probes, deps, {
    signal: budget,
    verifyBy: verifyBy(hardEnd, config.run_timeout),
    redact: opts.redact,
    catalog,
  });
  state = record(state, report.restarts, now);
  const outcomes = attachRestartOutcomes(messages, report.restarts);
  state = await enqueueAndSave(state, outcomes, config, store, now, report.restarts.length > 0);
  const delivered = await deliverOutbox(state, config, deps, opts, budget);
  report.attempts = delivered.attempts;
  report.channelsFailing = delivered.opened;
  report.durationMs = deps.clock.now() - startedAt;
  // Told is what a vendor accepted: `status` shows that, not what was only queued.
  const told = recordDelivered(delivered.state, deliveredOf(state.outbox, delivered.attempts), deps.clock.now());
  state = { ...told, lastRun: { startedAt, durationMs: report.durationMs } };
  await store.save(state);
  report.state = state;
  report.unsaved = store.unsaved;
  await exportRun(report, prev, config, deps, opts.redact, now);
  await sendHeartbeat(config, deps, hardEnd - monotonicMs() - 500);
  logRun(report, deps);
  return report;
}

/** probe runs the checks of this run (daemon mode: `only` those due) side by side, within the run's budget. */
async function probe(
  config: Config,
  prev: State,
  only: RunOptions["only"],
  deps: Deps,
  budget: AbortSignal,
  catalog: Catalog,
): Promise<{ probed: CheckConfig[]; runs: ProbeRun[] }> {
  const probed = only ? config.checks.filter((c) => only.has(c.name)) : config.checks;
  return { probed, runs: await runProbes(probed, prev.probes, deps, budget, catalog) };
}

/**
 * withProbeMemory keeps each probe's memory (log offsets) for the next run: the probed checks' new memory, and in
 * daemon mode (`only`) the memory of the checks not probed this run.
 */
function withProbeMemory(
  state: State,
  prev: State,
  probed: readonly CheckConfig[],
  runs: readonly ProbeRun[],
  only: ReadonlySet<string> | undefined,
): State {
  const memories = probed.map((c, i) => [c.name, runs[i]!.memory] as const).filter(([, m]) => m !== undefined);
  return { ...state, probes: dict([...Object.entries(only ? prev.probes : {}), ...memories]) };
}

function logProbes(results: readonly ProbeResult[], deps: Deps): void {
  for (const { check, status, summary, durationMs: ms } of results) {
    deps.logger.info({ event: "probe", check, status, summary, ms }, "probe");
  }
}

/** exportRun writes what others read of the run: the metrics textfile, the history, the status page. */
async function exportRun(
  report: RunReport,
  prev: State,
  config: Config,
  deps: Deps,
  redact: Redactor,
  now: number,
): Promise<void> {
  const { state, results } = report;
  writeTextfileMetrics(report, config, deps, redact);
  // The history file is read back by `history`: what a vendor echoed (tokens in URLs) is masked like the log is.
  const masked = report.attempts.map((a) =>
    a.outcome.ok ? a : { ...a, outcome: { ...a.outcome, error: redact(a.outcome.error) } },
  );
  const summaries = results.map((r) => ({ ...r, summary: redact(r.summary) }));
  // Unsaved, the next run starts from the same previous state and records these events itself: no duplicates.
  if (report.unsaved === undefined) {
    const run = { prev, next: state, results: summaries, attempts: masked, restarts: report.restarts, now };
    recordRun(config, deps, run);
  }
  // After the history, so the page's timeline includes this run.
  const pageProblem = writeStatusPage(config, state, results, deps.clock.now(), redact);
  if (pageProblem) deps.logger.warn({ event: "status_page_failed" }, pageProblem);
}

function logRun(report: RunReport, deps: Deps): void {
  const { results, attempts, state } = report;
  const fields = {
    event: "run",
    ms: report.durationMs,
    checks: results.length,
    failing: results.filter((r) => r.status !== "ok").length,
    sent: attempts.filter((a) => a.ok).length,
    failedSends: attempts.filter((a) => !a.ok).length,
    outbox: state.outbox.length,
  };
  deps.logger.info(fields, "run complete");
}

function pick(r: { subject: string; text: string }) {
  return { subject: r.subject, text: r.text };
}

/** toMessages turns notify actions into messages with ids unique across runs. */
function toMessages(actions: readonly Action[], host: string, now: number, deps: Deps): Message[] {
  const run = `${now.toString(36)}${Math.floor(deps.random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0")}`;
  return actions.flatMap((a) => {
    if (a.type !== "notify") return [];
    const items = a.items.map((i) => ({ ...i }));
    return [{ id: `${run}-${a.channel}`, channel: a.channel, host, createdAt: now, items }];
  });
}
