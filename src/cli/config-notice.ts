import type { Config } from "../config/schema.js";
import { brokenFor, brokenLine, keepLastGood, writeBroken, type Broken } from "../config/last-good.js";
import type { Message } from "../engine/types.js";
import { formatTime } from "../notify/render.js";
import type { Io, Session } from "./context.js";

/** CONFIG_CHECK is the name a broken-config notice goes under in messages (no check of the config has it). */
const CONFIG_CHECK = "watchdog config";

/**
 * configLine is the one line about a broken config (stderr, status); undefined when it validated. A read-only
 * command fills unset channel secrets with stand-ins, so it also asks the marker `check` wrote for this very text.
 */
export function configLine(session: Pick<Session, "fallback" | "text" | "loaded">): string | undefined {
  const { fallback, text } = session;
  const b = fallback?.broken ?? (text === undefined ? undefined : brokenFor(session.loaded.config.state_file, text));
  return b && `watchdog: ${brokenLine(b, formatTime)}`;
}

/**
 * warnBroken says on stderr that the config file is broken, for the commands that steer or read a run (ack, silence,
 * history): they go on with the last config that validated, so that an outage can be handled while it is fixed.
 */
export function warnBroken(session: Pick<Session, "fallback" | "text" | "loaded">, io: Pick<Io, "err">): void {
  const line = configLine(session);
  if (line) io.err(`${line}\n`);
}

/**
 * configNotices are the messages that tell a person, once per broken text, that the config is broken: to the
 * channels of the first escalation step of the config still in use (the step every incident starts with).
 */
export function configNotices(config: Config, broken: Broken, now: number): Message[] {
  if (broken.told) return [];
  const to = [...new Set(config.escalation[0]?.notify ?? [])].filter((c) => config.channels[c]);
  const summary = brokenLine(broken, formatTime);
  return to.map((channel) => ({
    id: `config-invalid-${broken.hash.slice(0, 12)}~${channel}`,
    channel,
    host: config.host,
    createdAt: now,
    items: [
      {
        check: CONFIG_CHECK,
        reason: "step",
        step: 0,
        severity: "warning",
        status: "warning",
        summary,
        failStreak: 1,
        since: broken.since,
        restarts: 0,
        restartsHelped: 0,
        notice: "config_invalid",
      },
    ],
  }));
}

/**
 * beforeRun records the config of a real run: a config that validated is kept as the last good one; a broken one's
 * marker is written (status and the status page read it). Returns problems for the log, and whether the config
 * that validated was edited since the last run.
 */
export function beforeRun(session: Session): { problems: string[]; changed: boolean } {
  const { config } = session.loaded;
  const fb = session.fallback;
  if (fb) {
    const problem = fb.changed && writeBroken(config.state_file, fb.broken);
    return { problems: problem ? [problem] : [], changed: false };
  }
  if (session.text === undefined) return { problems: [], changed: false };
  const kept = keepLastGood(config.state_file, session.text);
  return { problems: kept.problem ? [kept.problem] : [], changed: kept.changed };
}

/** afterRun marks the broken config told once its notices are in the outbox (saved with the state). */
export function afterRun(session: Session, notices: readonly Message[]): string[] {
  const fb = session.fallback;
  if (!fb || fb.broken.told || !notices.length) return [];
  const problem = writeBroken(session.loaded.config.state_file, { ...fb.broken, told: true });
  return problem ? [problem] : [];
}
