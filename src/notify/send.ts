import { formatDuration } from "../duration.js";
import type { Message } from "../engine/types.js";
import { stripControl } from "../text.js";
import { redactExcerpt, type Redactor } from "./redact.js";
import { idsOf } from "./stages/merge.js";
import type { ChannelPolicy, SendOptions } from "./stages/types.js";
import type { Attempt, Channel, SendOutcome } from "./types.js";

export type { SendOptions };

/**
 * send is the one step of delivery that does I/O: it hands one message to its channel, and tries again after a
 * short backoff while the failure is retryable, up to `maxTries` (the in-run retries, bounded by the rate limit's
 * slots). Not tried again: a success, a permanent failure, and a channel that let its whole timeout pass (the outbox
 * retries it next run: two more waits of `timeout` would hold the run, and every other message, three times as
 * long). Past the run's deadline nothing more is tried.
 */
export async function send(
  channel: Channel,
  m: Message,
  policy: ChannelPolicy,
  maxTries: number,
  opts: SendOptions,
): Promise<Attempt> {
  const prepared = prepareMessage(m, opts.redact, [...opts.redactExcerpts, ...policy.redact]);
  const error = "run deadline reached before sending";
  let outcome: SendOutcome = { ok: false, retryable: true, reason: "timeout", error };
  let tries = 0;
  while (tries < maxTries && !opts.signal.aborted) {
    if (tries > 0) await opts.sleep(opts.backoffMs[tries - 1] ?? 1500, opts.signal);
    tries += 1;
    outcome = await sendWithTimeout(channel, prepared, policy.timeout, opts.signal);
    if (outcome.ok || !outcome.retryable || outcome.reason === "timeout") break;
  }
  const checks = m.items.map((i) => i.check);
  const attempt: Attempt = { id: m.id, ids: idsOf(m), channel: m.channel, checks, ok: outcome.ok, tries, outcome };
  if (m.fallbackFrom) attempt.fallbackFrom = m.fallbackFrom;
  return attempt;
}

/** prepareMessage masks secrets and applies `redact: [paths, ips]` to what the probes and hooks wrote. */
export function prepareMessage(m: Message, redact: Redactor | undefined, what: readonly ("paths" | "ips")[]): Message {
  if (!redact && !what.length) return m;
  const mask = (s: string) => (redact ? redact(s) : s);
  const clean = (s: string) => redactExcerpt(mask(s), what);
  return {
    ...m,
    // A failing channel's notice quotes its error, which a vendor may have echoed a token into.
    ...(m.notice?.type === "channel_failing" ? { notice: { ...m.notice, error: mask(m.notice.error) } } : {}),
    ...(m.fallbackWhy !== undefined ? { fallbackWhy: mask(m.fallbackWhy) } : {}),
    ...(m.lostBefore
      ? {
          lostBefore: {
            ...m.lostBefore,
            error: mask(m.lostBefore.error),
            alerts: m.lostBefore.alerts.map((a) => ({ ...a, summary: mask(a.summary) })),
          },
        }
      : {}),
    items: m.items.map((i) => {
      const out = { ...i, summary: mask(i.summary) };
      if (i.detail !== undefined) out.detail = mask(i.detail);
      if (i.cause !== undefined) out.cause = mask(i.cause);
      if (i.excerpt) out.excerpt = i.excerpt.map(clean);
      if (i.lastHookTail !== undefined) out.lastHookTail = clean(i.lastHookTail);
      if (i.restart)
        out.restart = {
          ...i.restart,
          outputTail: clean(i.restart.outputTail),
          ...(i.restart.error !== undefined ? { error: mask(i.restart.error) } : {}),
        };
      return out;
    }),
  };
}

/**
 * sendWithTimeout gives a channel its own deadline inside the run's and turns a throw (a bug) into a failure.
 * It uses its own AbortController and timer: a signal from AbortSignal.any() can be garbage-collected while a send is
 * pending, and then never fires (seen on Node 20), which would let a silent server hold the run to its budget.
 */
export async function sendWithTimeout(
  channel: Channel,
  message: Message,
  timeoutMs: number,
  runSignal: AbortSignal,
): Promise<SendOutcome> {
  const ac = new AbortController();
  const onRunAbort = () => ac.abort(runSignal.reason);
  if (runSignal.aborted) ac.abort(runSignal.reason);
  else runSignal.addEventListener("abort", onRunAbort, { once: true });
  let grace: NodeJS.Timeout | undefined;
  let resolveDeadline: (o: SendOutcome) => void = () => {};
  const deadline = new Promise<SendOutcome>((resolve) => (resolveDeadline = resolve));
  const timeoutOutcome: SendOutcome = {
    ok: false,
    retryable: true,
    reason: "timeout",
    error:
      `no answer${channel.target ? ` from ${channel.target}` : ""} within ${formatDuration(timeoutMs)} ` +
      "(the channel's timeout)",
  };
  const timer = setTimeout(() => ac.abort(new Error("send timeout")), timeoutMs);
  // Once aborted, give the channel a moment to report its own error first.
  const onAbort = () => (grace = setTimeout(() => resolveDeadline(timeoutOutcome), 200));
  if (ac.signal.aborted) onAbort();
  else ac.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const outcome = await Promise.race([channel.send(message, ac.signal), deadline]);
    // A vendor's answer (an HTTP error body, an SMTP reply) is printed and stored: no terminal escapes in it.
    if (outcome.ok) return outcome;
    return {
      ...outcome,
      error: stripControl(outcome.error),
      ...(outcome.hint ? { hint: stripControl(outcome.hint) } : {}),
    };
  } catch (err) {
    const error = stripControl(`channel error: ${(err as Error).message}`);
    return { ok: false, retryable: true, reason: "network", error };
  } finally {
    clearTimeout(timer);
    if (grace) clearTimeout(grace);
    runSignal.removeEventListener("abort", onRunAbort);
  }
}
