import { controlState } from "../../state/controls.js";
import { peek } from "../../state/peek.js";
import { ackIncident } from "../../engine/silence.js";
import { UsageError } from "../../errors.js";
import { formatTime } from "../../notify/render.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";
import { warnBroken } from "../config-notice.js";
import { ago, fold, loadWidths } from "../table.js";

/**
 * ackCommand acknowledges the open incident of a check: no further steps, reminders or restarts; the recovery
 * notice still goes out, and the ack ends with the incident.
 */
export async function ackCommand(check: string, opts: GlobalOptions & { note?: string }, io: Io): Promise<number> {
  await loadWidths();
  const session = openSession(opts, false, true, true);
  warnBroken(session, io);
  const { config } = session.loaded;
  const names = config.checks.map((c) => c.name);
  if (!names.includes(check))
    throw new UsageError(`no check named "${check}"; the checks are: ${names.join(", ") || "(none configured)"}`);
  const now = session.deps.clock.now();
  // Checked first against the saved state, so an ack of a healthy check fails at once even when it would be queued.
  const pre = ackIncident(peek(config.state_file).state, check, opts.note, now);
  if ("error" in pre) throw new UsageError(pre.error);
  const r = await controlState(config, session.deps, { type: "ack", check, note: opts.note });
  if (!r.queued && r.error) throw new UsageError(r.error);
  const inc = r.queued ? undefined : r.state.checks[check]?.incident;
  const since = inc ? ` (incident since ${formatTime(inc.startedAt)}, ${ago(now, inc.startedAt)})` : "";
  const queued = r.queued ? `queued: the running watchdog (pid ${r.pid ?? "?"}) applies it at its next run\n` : "";
  io.out(
    `${fold(`acknowledged ${check}${since}`, 80).join("\n")}\n${queued}no further steps, reminders or restarts; ` +
      `the recovery notice still goes out\n`,
  );
  return 0;
}
