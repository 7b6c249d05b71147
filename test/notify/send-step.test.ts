import { describe, expect, it } from "vitest";
import type { Message } from "../../src/engine/types.js";
import { send, type SendOptions } from "../../src/notify/send.js";
import type { Channel, SendOutcome } from "../../src/notify/types.js";
import { policy } from "./stages/cases.js";
import { message } from "./fixtures.js";

const ok: SendOutcome = { ok: true };
const r500: SendOutcome = { ok: false, retryable: true, reason: "server", error: "HTTP 500" };
const auth: SendOutcome = { ok: false, retryable: false, reason: "auth", error: "bad key" };
const slow: SendOutcome = { ok: false, retryable: true, reason: "timeout", error: "no answer" };

/** scripted is a Channel (a test double of the interface) that answers from a script. */
function scripted(script: SendOutcome[]): Channel & { got: Message[] } {
  const got: Message[] = [];
  return { name: "hook", type: "webhook", got, send: async (m) => (got.push(m), script.shift() ?? ok) };
}

describe("send: the one step that does I/O", () => {
  it.each([
    // Accepted at once: one try.
    { script: [ok], maxTries: 3, tries: 1, ok: true },
    // A 500, then accepted: two tries.
    { script: [r500, ok], maxTries: 3, tries: 2, ok: true },
    // 500 three times: three tries, failed retryably.
    { script: [r500, r500, r500, ok], maxTries: 3, tries: 3, ok: false },
    // The rate limit has one slot left: one try only.
    { script: [r500, ok], maxTries: 1, tries: 1, ok: false },
    // A permanent failure is not tried again.
    { script: [auth, ok], maxTries: 3, tries: 1, ok: false },
    // A channel that let its whole timeout pass is left to the next run.
    { script: [slow, ok], maxTries: 3, tries: 1, ok: false },
  ])("$script.length answers, $maxTries tries allowed", async ({ script, maxTries, tries, ok: delivered }) => {
    const ch = scripted([...script]);
    const waits: number[] = [];
    const opts: SendOptions = {
      signal: AbortSignal.timeout(5000),
      sleep: async (ms) => void waits.push(ms),
      backoffMs: [500, 1500],
      redact: undefined,
      redactExcerpts: [],
    };
    const a = await send(ch, message("hook"), policy(), maxTries, opts);
    expect([a.tries, a.ok]).toEqual([tries, delivered]);
    expect(waits).toEqual([500, 1500].slice(0, tries - 1));
  });

  it("past the run's deadline nothing is tried", async () => {
    const ch = scripted([ok]);
    const ac = new AbortController();
    ac.abort();
    const opts: SendOptions = {
      signal: ac.signal,
      sleep: async () => {},
      backoffMs: [],
      redact: undefined,
      redactExcerpts: [],
    };
    const a = await send(ch, message("hook"), policy(), 3, opts);
    expect(ch.got).toEqual([]);
    expect(a).toMatchObject({
      tries: 0,
      ok: false,
      outcome: { reason: "timeout", error: "run deadline reached before sending" },
    });
  });
});
