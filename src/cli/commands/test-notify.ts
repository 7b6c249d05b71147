import { closest } from "../../config/locate.js";
import { resolveChannel } from "../../config/rules.js";
import type { Message } from "../../engine/types.js";
import { ExitError } from "../../errors.js";
import { prepareMessage, sendWithTimeout } from "../../notify/send.js";
import { createChannels } from "../../notify/registry.js";
import { withLost } from "../../notify/refused.js";
import { own } from "../../engine/dict.js";
import { controlState } from "../../state/controls.js";
import { peek } from "../../state/peek.js";
import { openSession, type GlobalOptions, type Io } from "../context.js";
import { applyEnvFile } from "../env-file.js";

/** TestNotifyOptions are the flags of `watchdog test-notify`. */
export type TestNotifyOptions = GlobalOptions & { message?: string; envFile?: string };

/** REASON says in words what kind of failure a send met. */
const REASON: Record<string, string> = {
  network: "a network error",
  timeout: "no answer in time",
  server: "a server error",
  rate_limited: "rate limited",
  auth: "credentials refused",
  client: "the request was refused",
  provider_code: "the provider's error code",
  config: "a configuration problem",
  clock: "certificate dates: the local clock may be wrong",
};

/** EX_USAGE is the exit code for a channel that is not configured (sysexits.h). */
const EX_USAGE = 64;

/**
 * testNotifyCommand sends one test message through one channel now, bypassing the ladder, quiet hours and rate limits,
 * and prints the provider's answer: exit 0 when it was accepted, 1 with the reason and a hint when not. The alerts
 * the channel refused for good before go with it, and are forgotten once it is accepted.
 * The channel is named by its name, or by its type or alias (sms, mail) when only one channel has that type.
 */
export async function testNotifyCommand(ref: string, opts: TestNotifyOptions, io: Io): Promise<number> {
  applyEnvFile(opts.envFile);
  const session = openSession(opts, false);
  const { config } = session.loaded;
  const name = resolveChannel(ref, config.channels);
  if (!name) {
    // A type or alias that several channels share names none of them: say which to pick.
    const ofType = Object.entries(config.channels)
      .filter(([n, c]) => resolveChannel(ref, { [n]: c }) === n)
      .map(([n]) => n);
    if (ofType.length > 1)
      throw new ExitError(
        EX_USAGE,
        `watchdog: ${ofType.length} channels are of type ${ref} (${ofType.join(", ")}): ` +
          `name one, e.g. watchdog test-notify ${ofType[0]}`,
      );
    const names = Object.entries(config.channels).map(([n, c]) => `${n} (${c.type})`);
    // A typo of a channel's name or type, as validate says of a key.
    const hint = closest(
      ref,
      Object.entries(config.channels).flatMap(([n, c]) => [n, c.type]),
    );
    throw new ExitError(
      EX_USAGE,
      `watchdog: no channel "${ref}" in ${config.source}${hint ? ` (did you mean "${hint}"?)` : ""}` +
        `${names.length ? `; configured: ${names.join(", ")}` : "; no channels are configured"}`,
    );
  }
  const cfg = config.channels[name]!;
  const channels = createChannels({ [name]: cfg }, { deps: session.deps, locale: config.locale, write: io.out });
  const channel = channels.get(name)!;
  const now = session.deps.clock.now();
  const text =
    opts.message ??
    (config.locale === "zh-CN"
      ? "这是一条 watchdog 测试消息：收到即表示该渠道可用。"
      : "This is a test message from watchdog: if you read it, the channel works.");
  const plain: Message = {
    id: `test-${now.toString(36)}${Math.floor(session.deps.random() * 36 ** 4)
      .toString(36)
      .padStart(4, "0")}`,
    channel: name,
    host: config.host,
    createdAt: now,
    items: [
      {
        check: "test-notify",
        reason: "test",
        step: 0,
        severity: "critical",
        status: "ok",
        summary: text,
        failStreak: 0,
        since: now,
        restarts: 0,
        restartsHelped: 0,
      },
    ],
  };
  const lost = own(peek(config.state_file).state.refused, name);
  const message = withLost(plain, lost);
  io.out(`sending a test message to ${name} (${cfg.type})...\n`);
  const outcome = await sendWithTimeout(
    channel,
    prepareMessage(message, session.redact, [...config.redact, ...(cfg.redact ?? [])]),
    cfg.timeout,
    AbortSignal.timeout(config.run_timeout),
  );
  if (outcome.ok) {
    io.out(
      session.redact(
        `ok: ${name} accepted it${outcome.id ? ` (id ${outcome.id})` : ""}` +
          (outcome.response ? `\nprovider answered: ${outcome.response}` : "") +
          "\n",
      ),
    );
    if (lost?.alerts.length) {
      const ids = [...new Set(lost.alerts.map((a) => a.id))];
      try {
        await controlState(config, session.deps, { type: "refused_delivered", channel: name, ids });
      } catch (err) {
        // The test went out: a state that cannot be written only means the next message names them again.
        io.err(`warning: could not forget the alerts it named: ${(err as Error).message}\n`);
      }
      const n = lost.alerts.length + lost.omitted;
      io.out(`it also named ${n} alert${n === 1 ? "" : "s"} ${name} had refused before; they are no longer kept\n`);
    }
    return 0;
  }
  const lines = [
    `FAILED: ${outcome.error}${outcome.hint ? `: ${outcome.hint}` : ""}`,
    `(${REASON[outcome.reason] ?? outcome.reason}: ` +
      `${outcome.retryable ? "a retry may help" : "a retry will not help"})`,
  ];
  // The answer in full, unless the error line above already quotes it whole.
  if (outcome.response && !outcome.error.includes(outcome.response))
    lines.push(`provider answered: ${outcome.response}`);
  io.err(session.redact(`${lines.join("\n")}\n`));
  return 1;
}
