import { controlState } from "../../state/controls.js";
import { peek } from "../../state/peek.js";
import { formatDuration, parseDuration } from "../../duration.js";
import { matchGlob } from "../../glob.js";
import type { Silence } from "../../engine/types.js";
import { UsageError } from "../../errors.js";
import { formatTime } from "../../notify/render.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";
import { warnBroken } from "../config-notice.js";
import { loadWidths, shortTime, table } from "../table.js";

/** SILENCE_MAX_MS caps a silence at 30 days: a forgotten mute must end by itself. */
export const SILENCE_MAX_MS = 30 * 86_400_000;

/** SilenceAddOptions are the flags of `watchdog silence add`. */
export type SilenceAddOptions = GlobalOptions & { for?: string; reason?: string };

/** parseSilenceFor reads --for: a positive duration up to 30 days; "forever", "-1h" and "0s" are refused. */
export function parseSilenceFor(text: string | undefined): number {
  if (text === undefined) throw new UsageError("silence add needs --for DURATION (e.g. --for 2h)");
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(
      `--for ${JSON.stringify(text)} is not a positive duration: write e.g. 30m, 2h, 1d ` +
        "(a silence always ends; at most 30d)",
    );
  if (ms > SILENCE_MAX_MS)
    throw new UsageError(
      `--for ${text} is longer than 30d: a silence always ends; remove the check from the config instead`,
    );
  return ms;
}

/**
 * silenceAddCommand mutes the checks matching a glob for a while: probes and state go on, nothing is sent or restarted.
 */
export async function silenceAddCommand(glob: string, opts: SilenceAddOptions, io: Io): Promise<number> {
  const ms = parseSilenceFor(opts.for);
  const session = openSession(opts, false, true, true);
  warnBroken(session, io);
  const { config } = session.loaded;
  const names = config.checks.map((c) => c.name);
  const hits = names.filter((n) => matchGlob(glob, n));
  if (!hits.length)
    throw new UsageError(`"${glob}" matches no check; the checks are: ${names.join(", ") || "(none configured)"}`);
  const now = session.deps.clock.now();
  const id = Math.floor(session.deps.random() * 2 ** 32)
    .toString(16)
    .padStart(8, "0");
  const silence: Silence = {
    id,
    pattern: glob,
    reason: opts.reason ?? "",
    createdAt: now,
    startsAt: now,
    endsAt: now + ms,
  };
  const r = await controlState(config, session.deps, { type: "silence_add", silence });
  const what = `silenced ${hits.join(", ")} for ${formatDuration(ms)}, until ${formatTime(now + ms)} (id ${id})`;
  io.out(
    r.queued ? `${what}: queued; the running watchdog (pid ${r.pid ?? "?"}) applies it at its next run\n` : `${what}\n`,
  );
  return 0;
}

/** silenceListCommand prints the active silences (with --all, those ended in the last day too). */
export async function silenceListCommand(
  opts: GlobalOptions & { all?: boolean; json?: boolean },
  io: Io,
): Promise<number> {
  await loadWidths();
  const session = openSession(opts, false, true, true);
  warnBroken(session, io);
  const { config } = session.loaded;
  const { state, warnings } = peek(config.state_file);
  for (const w of warnings) io.err(`warning: ${w}\n`);
  const now = session.deps.clock.now();
  const list = (state.silences ?? []).filter((s) => opts.all || s.endsAt > now);
  if (opts.json) {
    // Times as ISO strings, as in `status --json`.
    const iso = (t: number) => new Date(t).toISOString();
    io.out(
      `${JSON.stringify(
        list.map((s) => ({
          ...s,
          createdAt: iso(s.createdAt),
          startsAt: iso(s.startsAt),
          endsAt: iso(s.endsAt),
          active: s.startsAt <= now && now < s.endsAt,
          checks: config.checks.map((c) => c.name).filter((n) => matchGlob(s.pattern, n)),
        })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (!list.length) {
    io.out("no active silences\n");
    return 0;
  }
  const rows = list.map((s) => [
    s.id,
    s.pattern,
    s.endsAt > now ? `${formatDuration(s.endsAt - now)} left` : `ended ${formatDuration(now - s.endsAt)} ago`,
    shortTime(s.endsAt),
    s.reason || "-",
  ]);
  io.out(`${table(["ID", "CHECKS", "REMAINING", "UNTIL", "REASON"], rows, 80, { wrap: true })}\n`);
  return 0;
}

/** silenceRemoveCommand ends a silence now (an id prefix of 4+ characters is enough). */
export async function silenceRemoveCommand(id: string, opts: GlobalOptions, io: Io): Promise<number> {
  const session = openSession(opts, false, true, true);
  warnBroken(session, io);
  const { config } = session.loaded;
  const { state } = peek(config.state_file);
  const now = session.deps.clock.now();
  const live = (state.silences ?? []).filter((s) => s.endsAt > now);
  const hit = live.filter((s) => s.id === id || (id.length >= 4 && s.id.startsWith(id)));
  if (hit.length !== 1)
    throw new UsageError(
      `no active silence with id "${id}"` +
        (live.length ? ` (active: ${live.map((s) => `${s.id} ${s.pattern}`).join(", ")})` : " (none is active)"),
    );
  const r = await controlState(config, session.deps, { type: "silence_remove", id: hit[0]!.id });
  if (!r.queued && r.error) throw new UsageError(r.error);
  io.out(
    `removed silence ${hit[0]!.id} (${hit[0]!.pattern})` +
      (r.queued ? `: queued; the running watchdog (pid ${r.pid ?? "?"}) applies it at its next run` : "") +
      "\n",
  );
  return 0;
}
