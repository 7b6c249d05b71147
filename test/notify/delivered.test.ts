import { describe, expect, it } from "vitest";
import type { OutboxEntry } from "../../src/engine/types.js";
import { deliveredOf } from "../../src/notify/delivered.js";
import type { Attempt } from "../../src/notify/types.js";
import { item, T0 } from "./fixtures.js";

const entry = (id: string, checks: string[]): OutboxEntry => ({
  message: { id, channel: "email", host: "h", createdAt: T0, items: checks.map((check) => item({ check, since: T0 })) },
  attempts: 0,
  nextAttemptAt: T0,
  lastError: undefined,
});
const attempt = (channel: string, ids: string[], ok: boolean): Attempt => ({
  id: ids[0]!,
  ids,
  channel,
  checks: [],
  ok,
  tries: 1,
  outcome: ok ? { ok: true } : { ok: false, retryable: true, reason: "network", error: "down" },
});

describe("deliveredOf: what the channels accepted, item by item", () => {
  const outbox = [entry("a", ["tts"]), entry("b", ["llm", "gpu"])];
  it.each([
    // An accepted send: each item of its message.
    { attempts: [attempt("email", ["a"], true)], want: ["email:tts"] },
    // A failed one: nothing.
    { attempts: [attempt("email", ["a"], false)], want: [] },
    // A merged message: the items of every message it stood for.
    { attempts: [attempt("email", ["a", "b"], true)], want: ["email:tts", "email:llm", "email:gpu"] },
    // A fallback copy (`<id>~<channel>`) speaks for its original's items, through its own channel.
    { attempts: [attempt("hook", ["a~hook"], true)], want: ["hook:tts"] },
    // A notice of delivery itself (not in the outbox it started from, no items): nothing.
    { attempts: [attempt("hook", ["email-failing-x~hook"], true)], want: [] },
  ])("$want", ({ attempts, want }) => {
    expect(deliveredOf(outbox, attempts).map((d) => `${d.channel}:${d.check}`)).toEqual(want);
    for (const d of deliveredOf(outbox, attempts)) expect(d.since).toBe(T0);
  });
});
