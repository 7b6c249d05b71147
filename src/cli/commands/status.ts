import type { Config } from "../../config/schema.js";
import { peek } from "../../state/peek.js";
import { renderStatusPage } from "../../exporters/status-page/index.js";
import { writeFileAtomic } from "../../core/safe-fs.js";
import { formatDuration } from "../../duration.js";
import { activeSilence } from "../../engine/silence.js";
import { activeWindow, windowsNow } from "../../config/windows.js";
import { maintenanceLines } from "./status-maintenance.js";
import { matchGlob } from "../../glob.js";
import type { ChannelHealth, CheckState, State } from "../../engine/types.js";
import { failingLine } from "../../notify/channel-health.js";
import { formatTime } from "../../notify/render.js";
import { refusedLine } from "../../notify/refused.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";
import { configLine } from "../config-notice.js";
import { ago, fold, loadWidths, paint, shortTime, table } from "../table.js";
import { toldOf, untold, untoldLine } from "../told.js";

/** StatusOptions are the flags of `watchdog status`. */
export type StatusOptions = GlobalOptions & { json?: boolean; html?: string; exitStatus?: boolean };

/**
 * statusCommand prints every check, the outbox, the silences and the last run; it reads the state and changes nothing.
 */
export async function statusCommand(opts: StatusOptions, io: Io): Promise<number> {
  await loadWidths();
  const session = openSession(opts, false, true, true);
  const config = session.loaded.config;
  const { state, warnings } = peek(config.state_file);
  for (const w of warnings) io.err(`warning: ${w}\n`);
  const now = session.deps.clock.now();
  if (opts.html) return writeHtml(opts.html, state, config, now, session.redact, io);
  // A broken config file: this status is of the last config that validated, and the first line says so.
  const line = configLine(session);
  io.out(
    session.redact(
      opts.json
        ? `${JSON.stringify({ ...statusJson(state, config, now), configInvalid: line }, null, 2)}\n`
        : `${line ? `${line}\n` : ""}${renderStatus(state, config, now, io.isTTY)}`,
    ),
  );
  return opts.exitStatus ? statusExitCode(state, config) : 0;
}

/**
 * statusExitCode is the Nagios code for scripts: the worst check's (0 ok, 1 warning, 2 critical, 3 unknown), and 2
 * at least while a channel is failing, since its alerts are not getting out.
 */
export function statusExitCode(state: State, config: Config): number {
  const statuses = config.checks.map((c) => state.checks[c.name]?.status ?? "ok");
  const worst = statuses.includes("critical")
    ? 2
    : statuses.includes("unknown")
      ? 3
      : statuses.includes("warning")
        ? 1
        : 0;
  const failing = Object.keys(failingChannels(state, config)).length > 0;
  return failing && worst !== 2 ? 2 : worst;
}

/** failingChannels are the configured channels with an open failing episode. */
function failingChannels(state: State, config: Config): Record<string, ChannelHealth> {
  return Object.fromEntries(Object.entries(state.channelHealth ?? {}).filter(([n]) => config.channels[n]));
}

/** writeHtml writes the status page (the one `check` writes to status_page.path) to FILE, or to stdout for "-". */
function writeHtml(
  file: string,
  state: State,
  config: Config,
  now: number,
  redact: (s: string) => string,
  io: Io,
): number {
  const page = renderStatusPage(config, state, now, redact);
  if (file === "-") io.out(page);
  else {
    writeFileAtomic(file, page, 0o644, { checkDir: false });
    io.out(`wrote ${file}\n`);
  }
  return 0;
}

/** marks lists what steers a check: silenced, acked, flapping, held by a failing dependency or a warm-up. */
function marks(name: string, cs: CheckState | undefined, state: State, now: number, config: Config): string[] {
  const out: string[] = [];
  const sil = activeSilence(state.silences, name, now, matchGlob);
  if (sil) out.push(`silenced ${formatDuration(sil.endsAt - now).replace(/ .*/, "")}`);
  const win = activeWindow(config.maintenance, name, now, matchGlob);
  if (win) out.push(`maintenance ${win.name} ${formatDuration(win.endsAt - now).replace(/ .*/, "")}`);
  if (cs?.incident?.ack) out.push("acked");
  if (cs?.flapping) out.push(`flap ${cs.flapping.share}%`);
  if (cs?.held === "depends") out.push("held (depends_on)");
  const w = cs?.held === "warming" ? cs.warmup : undefined;
  const last = w?.loadMs !== undefined ? `, came back in ${formatDuration(w.loadMs)} last time` : "";
  if (w) out.push(`warming up: restarted ${formatDuration(now - (w.waiting ?? w.start ?? now))} ago${last}`);
  if (cs?.incident?.gaveUp) out.push("gave up on restarts");
  return out;
}

/** hang lays out text in 80 columns: the first line indented by 2, the ones it folds onto by 4. */
function hang(text: string): string[] {
  const [first = ""] = fold(text, 78);
  const rest = text.trim().slice(first.length).trim();
  return [`  ${first}`, ...(rest ? fold(rest, 76).map((l) => `    ${l}`) : [])];
}

/** renderStatus is the human view: fits 80 columns, colour only on a TTY. */
export function renderStatus(state: State, config: Config, now: number, tty: boolean): string {
  const lines: string[] = [];
  const last = state.lastRun
    ? `last run ${formatTime(state.lastRun.startedAt)} (${ago(now, state.lastRun.startedAt)}, took ` +
      `${formatDuration(state.lastRun.durationMs)})`
    : "no run yet";
  lines.push(`watchdog on ${config.host}: ${last}`);
  if (state.monitorGap)
    lines.push(
      `watchdog was not running for ${formatDuration(state.monitorGap.to - state.monitorGap.from)} ` +
        "(said in the next message)",
    );
  lines.push("");
  const rows = config.checks.map((c) => {
    const cs = state.checks[c.name];
    const inc = cs?.incident;
    const step = inc ? `${Math.max(0, ...inc.stepsFired.map((i) => i + 1))}/${c.escalation.length}` : "-";
    const restarts = c.restart ? `${cs?.restartTimes.length ?? 0}/${c.restart.limit.max}` : "-";
    // Told and sent count what a vendor accepted, not what was queued (the lines under the table say the rest).
    const heard = toldOf(inc);
    const toldAll = heard.channels.length ? heard.channels.join(",") : "-";
    const told = toldAll.length > 16 ? `${toldAll.slice(0, 15)}…` : toldAll;
    const note = marks(c.name, cs, state, now, config).join("; ");
    // Long names are cut so the other columns stay on an 80-column screen (--json has them whole).
    return [
      c.name.length > 24 ? `${c.name.slice(0, 23)}…` : c.name,
      (cs?.status ?? "pending").toUpperCase(),
      String(cs?.failStreak ?? 0),
      cs ? ago(now, cs.since) : "-",
      step,
      told,
      restarts,
      heard.at !== undefined ? ago(now, heard.at) : "-",
      note || "-",
    ];
  });
  // Laid out in plain text, then coloured, so escape codes do not count as columns.
  const colors: Record<string, "green" | "yellow" | "red" | "grey"> = {
    OK: "green",
    WARNING: "yellow",
    CRITICAL: "red",
    UNKNOWN: "red",
    PENDING: "grey",
  };
  const grid = table(["CHECK", "STATUS", "FAIL", "SINCE", "STEP", "TOLD", "RST", "SENT", "NOTES"], rows, 80).split(
    "\n",
  );
  lines.push(
    ...grid.map((l, i) =>
      i === 0
        ? l
        : l.replace(
            /^(\S+\s+)(OK|WARNING|CRITICAL|UNKNOWN|PENDING)\b/,
            (_, lead: string, st: string) => lead + paint(st, colors[st] ?? "grey", tty),
          ),
    ),
  );
  // Below the table: why each failing check fails, and what its row had to cut (notes, channels told), in full.
  const why: string[] = [];
  config.checks.forEach((c, i) => {
    const cs = state.checks[c.name];
    const row = grid[i + 1] ?? "";
    const parts: string[] = [];
    if (cs && cs.status !== "ok") parts.push(cs.summary || "(no summary)");
    if (row.endsWith("…") || c.name.length > 24) {
      const note = marks(c.name, cs, state, now, config).join("; ");
      if (note) parts.push(`notes: ${note}`);
    }
    const told = toldOf(cs?.incident).channels;
    if (told.join(",").length > 16) parts.push(`told: ${told.join(", ")}`);
    const notYet = cs?.incident && untoldLine(untold(c.name, cs.incident, state), now);
    if (notYet) parts.push(notYet);
    if (!parts.length) return;
    why.push(...hang(`${c.name}: ${parts[0]}`));
    for (const p of parts.slice(1)) why.push(...fold(p, 76).map((l) => `    ${l}`));
  });
  if (why.length) lines.push("", ...why);
  const stale = Object.keys(state.checks).filter((n) => !config.checks.some((c) => c.name === n));
  if (stale.length) lines.push(`(in the state but no longer configured: ${stale.join(", ")})`);
  lines.push("");
  const failing = Object.entries(failingChannels(state, config));
  for (const [name, h] of failing)
    lines.push(...hang(`CHANNEL FAILING: ${failingLine(name, h, h.told, shortTime)}`).map((l) => paint(l, "red", tty)));
  const waiting = state.outbox.length;
  lines.push(`outbox: ${waiting} waiting, ${state.droppedTotal} dropped in total`);
  // The reasons are what an operator acts on: folded onto indented lines, not cut.
  const item = (text: string) => lines.push(...hang(text));
  for (const e of state.outbox.slice(0, 5)) {
    item(
      `${e.message.channel}: ${e.message.items.map((i) => i.check).join(",")}, ` +
        `${e.attempts} attempt${e.attempts === 1 ? "" : "s"}, ` +
        `next ${e.nextAttemptAt <= now ? "now" : `in ${formatDuration(e.nextAttemptAt - now)}`}` +
        (e.lastError ? `: ${e.lastError}` : ""),
    );
  }
  if (state.outbox.length > 5) lines.push(`  ... and ${state.outbox.length - 5} more (status --json lists them all)`);
  for (const d of state.dropped.slice(-3))
    item(`dropped ${d.channel} (${d.checks.join(",")}) ${ago(now, d.droppedAt)}: ${d.why}`);
  for (const [name, r] of Object.entries(state.refused ?? {}))
    if (config.channels[name]) item(refusedLine(name, r, shortTime));
  const live = (state.silences ?? []).filter((s) => s.endsAt > now);
  lines.push(`silences: ${live.length ? "" : "none"}`.trimEnd());
  for (const s of live)
    lines.push(
      ...hang(
        `${s.id}  ${s.pattern}  ${formatDuration(s.endsAt - now)} left, until ` +
          `${shortTime(s.endsAt)}${s.reason ? `: ${s.reason}` : ""}`,
      ),
    );
  lines.push(...maintenanceLines(config.maintenance, now, shortTime, hang));
  return `${lines
    .flatMap((l) => l.split("\n"))
    .map((l) => (l.length > 80 && !l.includes("\u001b") ? `${l.slice(0, 79)}…` : l))
    .join("\n")}\n`;
}

/** statusJson is the machine view of the same facts (times as ISO strings). */
export function statusJson(state: State, config: Config, now: number) {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  return {
    host: config.host,
    now: iso(now),
    lastRun: state.lastRun ? { startedAt: iso(state.lastRun.startedAt), durationMs: state.lastRun.durationMs } : null,
    monitorGapMs: state.monitorGap ? state.monitorGap.to - state.monitorGap.from : null,
    checks: config.checks.map((c) => {
      const cs = state.checks[c.name];
      const inc = cs?.incident;
      return {
        name: c.name,
        status: cs?.status ?? "pending",
        failStreak: cs?.failStreak ?? 0,
        since: iso(cs?.since),
        summary: cs?.summary ?? null,
        incident: inc
          ? {
              id: inc.id,
              startedAt: iso(inc.startedAt),
              step: Math.max(0, ...inc.stepsFired.map((i) => i + 1)),
              steps: c.escalation.length,
              notified: inc.notified,
              lastNotifiedAt: iso(inc.lastNotifiedAt),
              delivered: toldOf(inc).channels,
              lastSentAt: iso(toldOf(inc).at),
              undelivered: untold(c.name, inc, state).map((u) => ({ ...u, nextAttemptAt: iso(u.nextAttemptAt) })),
              restarts: inc.restarts,
              gaveUp: inc.gaveUp,
              ack: inc.ack ? { at: iso(inc.ack.at), note: inc.ack.note ?? null } : null,
            }
          : null,
        restarts: c.restart
          ? { used: cs?.restartTimes.length ?? 0, max: c.restart.limit.max, within: c.restart.limit.within }
          : null,
        marks: marks(c.name, cs, state, now, config),
        flapping: cs?.flapping ? { since: iso(cs.flapping.since), share: cs.flapping.share } : null,
        held: cs?.held ?? null,
      };
    }),
    channelsFailing: Object.entries(failingChannels(state, config)).map(([name, h]) => ({
      name,
      since: iso(h.since),
      problem: h.problem,
      error: h.error,
      told: h.told,
    })),
    outbox: state.outbox.map((e) => ({
      id: e.message.id,
      channel: e.message.channel,
      checks: e.message.items.map((i) => i.check),
      attempts: e.attempts,
      nextAttemptAt: iso(e.nextAttemptAt),
      lastError: e.lastError ?? null,
    })),
    refused: Object.entries(state.refused ?? {}).map(([channel, r]) => ({
      channel,
      ...r,
      alerts: r.alerts.map((a) => ({ ...a, at: iso(a.at) })),
    })),
    dropped: {
      total: state.droppedTotal,
      recent: state.dropped.map((d) => ({ ...d, createdAt: iso(d.createdAt), droppedAt: iso(d.droppedAt) })),
    },
    silences: (state.silences ?? [])
      .filter((s) => s.endsAt > now)
      .map((s) => ({ ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), createdAt: iso(s.createdAt) })),
    maintenance: windowsNow(config.maintenance, now).map((w) => ({
      ...w,
      startsAt: iso(w.startsAt),
      endsAt: iso(w.endsAt),
    })),
  };
}
