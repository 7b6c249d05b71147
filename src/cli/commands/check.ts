import { EMBEDDED_SOURCE } from "../../config/default.js";
import { createChannels, printsMessages } from "../../notify/registry.js";
import type { Status } from "../../probes/types.js";
import { runCheck, type RunReport } from "../../run-check.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";
import { loadWidths, paint, table } from "../table.js";
import { formatDuration } from "../../duration.js";
import { sendTrouble } from "../../notify/channel-health.js";
import { unsavedLine } from "../../state/run-store.js";
import { afterRun, beforeRun, configLine, configNotices } from "../config-notice.js";
import { applyEnvFile } from "../env-file.js";

/** CheckOptions are the flags of `watchdog check`. */
export type CheckOptions = GlobalOptions & { dryRun?: boolean; json?: boolean; exitStatus?: boolean; envFile?: string };

/**
 * nagiosCode is the plugin exit code of a run: 2 if any check is critical, else 3 if any is unknown, else 1 for
 * warning, 0.
 */
export function nagiosCode(statuses: readonly Status[]): number {
  if (statuses.includes("critical")) return 2;
  if (statuses.includes("unknown")) return 3;
  return statuses.includes("warning") ? 1 : 0;
}

/** checkCommand runs the pipeline once and reports; exit 0 whatever the checks found, unless --exit-status. */
export async function checkCommand(opts: CheckOptions, io: Io): Promise<number> {
  // Lines systemd would ignore are ignored here too; `validate --env-file` names them.
  applyEnvFile(opts.envFile);
  // A dry run sends nothing, so it runs without the channels' secrets (a shell lacks what cron's env file sets).
  const session = openSession(opts, !opts.dryRun, !!opts.dryRun, true);
  const { config, warnings } = session.loaded;
  if (session.logWarning) io.err(`warning: ${session.logWarning}\n`);
  // A broken config: said on stderr every run (cron's mail), through the channels once.
  const line = configLine(session);
  if (line) io.err(session.redact(`${line}\n`));
  const fb = session.fallback;
  const notices = fb ? configNotices(config, fb.broken, session.deps.clock.now()) : [];
  const before = opts.dryRun ? { problems: [], changed: false } : beforeRun(session);
  const kept = before.problems;
  // Config warnings go to the log, not to cron's mail every two minutes; `watchdog validate` prints them.
  for (const w of warnings) session.deps.logger.warn({ event: "config_warning" }, w);
  // A channel that prints (console) prints to stderr under --json so stdout stays one JSON document.
  const write = opts.json ? io.err : io.out;
  const channels = createChannels(config.channels, { deps: session.deps, locale: config.locale, write });
  // With a channel that prints, the heading goes first, so that what it prints during the run comes under it
  // (printed as it is sent, never held back).
  const headingFirst = !opts.json && printsMessages(config.channels);
  if (headingFirst) io.out(session.redact(renderHeading(config.host, config.source, !!opts.dryRun)));
  // SIGTERM during the run (a shutdown, `timeout`, a person) lets it finish and save, as the daemon does: dying
  // with a restart made and not recorded would alert and restart all over again at the next run. run_timeout bounds it.
  const onTerm = () => session.deps.logger.warn({ event: "sigterm" }, "SIGTERM: finishing the run before exiting");
  process.on("SIGTERM", onTerm);
  const report = await runCheck(config, session.deps, {
    dryRun: !!opts.dryRun,
    redact: session.redact,
    channels,
    notices,
    configChanged: before.changed,
  }).finally(() => process.off("SIGTERM", onTerm));
  if (!opts.dryRun) kept.push(...afterRun(session, notices));
  for (const p of kept) session.deps.logger.warn({ event: "config_copy_failed" }, p);
  // A healthy cron run's table is plain ASCII: string-width is loaded only for names or summaries that are not.
  if (!opts.json) await loadWidths(...report.results.flatMap((r) => [r.check, r.summary]));
  let text = opts.json
    ? `${JSON.stringify(toJson(report, config.host, config.source), null, 2)}\n`
    : renderReport(report, config.host, config.source, io.isTTY, !headingFirst);
  // A failing check and no channel at all: nobody is told, and the ladder's warnings went to the log only.
  if (!opts.json && !Object.keys(config.channels).length && report.results.some((r) => r.status !== "ok")) {
    text +=
      "note: no channels are configured, so nobody is told; add one under `channels:`" +
      "\n(`watchdog validate` shows the channels the ladder names).\n";
  }
  io.out(session.redact(text));
  // cron throws stdout away and mails stderr: what failed to reach a person is said there too.
  if (!opts.json) {
    const trouble = sendTrouble(report, config.state_file);
    const failing = report.results.filter((r) => r.status !== "ok").map((r) => r.check);
    if (!Object.keys(config.channels).length && failing.length && !opts.dryRun)
      trouble.unshift(`watchdog: ${failing.join(", ")} failing, and no channel is configured: nobody is told`);
    if (trouble.length) io.err(session.redact(`${trouble.join("\n")}\n`));
  }
  // An unwritable state is exit 1 (DESIGN §5), said after the run has probed and delivered all it could.
  if (report.unsaved !== undefined) io.err(session.redact(`${unsavedLine(report.unsaved)}\n`));
  if (!opts.exitStatus) return report.unsaved === undefined ? 0 : 1;
  return nagiosCode(report.results.map((r) => r.status));
}

function statusCell(s: Status, tty: boolean): string {
  const color = s === "ok" ? "green" : s === "warning" ? "yellow" : "red";
  return paint(s.toUpperCase(), color, tty);
}

/** renderHeading is the first lines of the report: the host, dry run or not, and a word on the embedded default. */
export function renderHeading(host: string, source: string, dryRun: boolean): string {
  const lines = [`watchdog check on ${host}${dryRun ? " (dry run: nothing is sent, restarted or written)" : ""}`];
  if (source === EMBEDDED_SOURCE) {
    lines.push("no config file found: using the embedded default, which checks this host's disk,");
    lines.push("memory and load. To watch your services, `watchdog init --channels email`");
    lines.push("writes a short ./watchdog.yaml (`--full`: every option); edit it, then run");
    lines.push("`watchdog validate`.");
  }
  return `${lines.join("\n")}\n`;
}

/**
 * renderReport is the human table: checks, then what was done, then the outbox (after the heading, unless told not to).
 */
export function renderReport(r: RunReport, host: string, source: string, tty: boolean, withHeading = true): string {
  const lines: string[] = withHeading ? [renderHeading(host, source, r.dryRun).trimEnd()] : [];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push("");
  const rows = r.results.map((res) => {
    const cs = r.state.checks[res.check];
    return [res.check, statusCell(res.status, tty), String(cs?.failStreak ?? 0), `${res.durationMs}ms`, res.summary];
  });
  // 80 columns: a long summary folds under its own column rather than being cut (--json has it whole too).
  lines.push(table(["CHECK", "STATUS", "STREAK", "TIME", "SUMMARY"], rows, 80, { wrap: true }));
  const did: string[] = [];
  for (const x of r.restarts) {
    const o = x.outcome;
    did.push(
      `restart ${x.check}: ` +
        `${o.error ? `failed: ${o.error}` : o.helped ? "restart helped" : "restart did not help"} ` +
        `(${formatDuration(o.durationMs)})`,
    );
  }
  if (r.dryRun) {
    for (const a of r.actions) if (a.type === "restart") did.push(`would restart ${a.check}`);
    for (const p of r.planned) {
      did.push(`would send to ${p.channel}: ${p.subject}`);
      did.push(...p.text.split("\n").map((l) => (l ? `    ${l}` : "")));
    }
  }
  for (const a of r.attempts) {
    const via = a.fallbackFrom ? ` (fallback for ${a.fallbackFrom})` : "";
    if (a.outcome.ok) did.push(`sent to ${a.channel}${via}: ${a.checks.join(", ")}`);
    else
      did.push(
        `FAILED to send to ${a.channel}${via}: ` +
          `${a.outcome.error}${a.outcome.hint ? ` (${a.outcome.hint})` : ""}; ` +
          `${a.outcome.retryable ? "kept in the outbox for the next run" : "not retryable"}`,
      );
  }
  if (did.length) lines.push("", ...did);
  else lines.push("", "nothing to send.");
  if (!r.dryRun && r.state.outbox.length)
    lines.push(`outbox: ${r.state.outbox.length} message(s) waiting for a later run`);
  return `${lines.join("\n")}\n`;
}

function toJson(r: RunReport, host: string, source: string) {
  return {
    host,
    config: source,
    dryRun: r.dryRun,
    startedAt: new Date(r.startedAt).toISOString(),
    durationMs: r.durationMs,
    checks: r.results.map((res) => ({
      ...res,
      failStreak: r.state.checks[res.check]?.failStreak ?? 0,
      incident: r.state.checks[res.check]?.incident?.id ?? null,
    })),
    actions: r.actions,
    planned: r.planned,
    restarts: r.restarts,
    deliveries: r.attempts,
    outbox: r.dryRun
      ? undefined
      : r.state.outbox.map((e) => ({
          id: e.message.id,
          channel: e.message.channel,
          attempts: e.attempts,
          nextAttemptAt: new Date(e.nextAttemptAt).toISOString(),
          lastError: e.lastError,
        })),
    warnings: r.warnings,
  };
}
