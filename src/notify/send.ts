import { formatDuration } from "../duration.js";
import type { Message } from "../engine/types.js";
import { stripControl } from "../text.js";
import { redactExcerpt, type Redactor } from "./redact.js";
import type { Channel, SendOutcome } from "./types.js";

/** prepareMessage masks secrets and applies `redact: [paths, ips]` to what the probes and hooks wrote. */
export function prepareMessage(m: Message, redact: Redactor | undefined, what: readonly ("paths" | "ips")[]): Message {
  if (!redact && !what.length) return m;
  const mask = (s: string) => (redact ? redact(s) : s);
  const clean = (s: string) => redactExcerpt(mask(s), what);
  return {
    ...m,
    // A failing channel's notice quotes its error, which a vendor may have echoed a token into.
    ...(m.notice?.type === "channel_failing" ? { notice: { ...m.notice, error: mask(m.notice.error) } } : {}),
    items: m.items.map((i) => {
      const out = { ...i, summary: mask(i.summary) };
      if (i.detail !== undefined) out.detail = mask(i.detail);
      if (i.cause !== undefined) out.cause = mask(i.cause);
      if (i.excerpt) out.excerpt = i.excerpt.map(clean);
      if (i.restart) out.restart = { ...i.restart, outputTail: clean(i.restart.outputTail), ...(i.restart.error !== undefined ? { error: mask(i.restart.error) } : {}) };
      return out;
    }),
  };
}

/**
 * sendWithTimeout gives a channel its own deadline inside the run's and turns a throw (a bug) into a failure.
 * It uses its own AbortController and timer: a signal from AbortSignal.any() can be garbage-collected while a send is
 * pending, and then never fires (seen on Node 20), which would let a silent server hold the run to its budget.
 */
export async function sendWithTimeout(channel: Channel, message: Message, timeoutMs: number, runSignal: AbortSignal): Promise<SendOutcome> {
  const ac = new AbortController();
  const onRunAbort = () => ac.abort(runSignal.reason);
  if (runSignal.aborted) ac.abort(runSignal.reason);
  else runSignal.addEventListener("abort", onRunAbort, { once: true });
  let grace: NodeJS.Timeout | undefined;
  let resolveDeadline: (o: SendOutcome) => void = () => {};
  const deadline = new Promise<SendOutcome>((resolve) => (resolveDeadline = resolve));
  const timeoutOutcome: SendOutcome = { ok: false, retryable: true, reason: "timeout", error: `no answer${channel.target ? ` from ${channel.target}` : ""} within ${formatDuration(timeoutMs)} (the channel's timeout)` };
  const timer = setTimeout(() => ac.abort(new Error("send timeout")), timeoutMs);
  // Once aborted, give the channel a moment to report its own error first.
  const onAbort = () => (grace = setTimeout(() => resolveDeadline(timeoutOutcome), 200));
  if (ac.signal.aborted) onAbort();
  else ac.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const outcome = await Promise.race([channel.send(message, ac.signal), deadline]);
    // A vendor's answer (an HTTP error body, an SMTP reply) is printed and stored: no terminal escapes in it.
    if (outcome.ok) return outcome;
    return { ...outcome, error: stripControl(outcome.error), ...(outcome.hint ? { hint: stripControl(outcome.hint) } : {}) };
  } catch (err) {
    const error = stripControl(`channel error: ${(err as Error).message}`);
    return { ok: false, retryable: true, reason: "network", error };
  } finally {
    clearTimeout(timer);
    if (grace) clearTimeout(grace);
    runSignal.removeEventListener("abort", onRunAbort);
  }
}
