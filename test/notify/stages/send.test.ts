import { describe, expect, it } from "vitest";
import type { Message, Refused } from "../../../src/engine/types.js";
import { mergeEntries } from "../../../src/notify/stages/merge.js";
import { send } from "../../../src/notify/stages/send.js";
import type { Channel, SendOutcome } from "../../../src/notify/types.js";
import { batch, entry, turn } from "./cases.js";

const r500: SendOutcome = { ok: false, retryable: true, reason: "server", error: "HTTP 500" };
const old = {
  id: "old",
  at: 0,
  check: "tts",
  status: "critical" as const,
  reason: "step" as const,
  step: 1,
  summary: "down",
};
const lost: Refused = { alerts: [old], omitted: 0, error: "535" };

/** scripted is a Channel (a test double of the interface) that answers from a script, then ok. */
function scripted(script: SendOutcome[]): Channel & { got: Message[] } {
  const got: Message[] = [];
  return { name: "hook", type: "webhook", got, send: async (m) => (got.push(m), script.shift() ?? { ok: true }) };
}

describe("stage send: the one stage that does I/O", () => {
  it.each([
    // An open turn with room for every try: sent, retried, and its attempt recorded.
    { open: true, slots: Infinity, script: [r500, r500], tries: 3, ok: true },
    // The window has one slot left: one try.
    { open: true, slots: 1, script: [r500], tries: 1, ok: false },
    // A turn a stage before settled (held, dropped): not sent.
    { open: false, slots: Infinity, script: [], tries: 0, ok: undefined },
  ])("open $open, $slots slots", async ({ open, slots, script, tries, ok }) => {
    const ch = scripted([...script]);
    const [g] = mergeEntries([entry("hook")]);
    const b0 = batch({ channel: "hook", turn: turn(g!, { open, slots }) });
    const b = await send({ ...b0, io: { ...b0.io, channel: ch } });
    expect(ch.got).toHaveLength(tries);
    expect(b.turn!.open).toBe(false);
    expect(b.turn!.attempt?.ok).toBe(ok);
    expect(b.attempts).toHaveLength(tries ? 1 : 0);
  });

  it("the first message a channel carries names what it refused before, once a run", async () => {
    const ch = scripted([]);
    const carried = new Set<string>();
    const at = (id: string) => {
      const [g] = mergeEntries([entry("hook", { id })]);
      const b0 = batch({ channel: "hook", turn: turn(g!) });
      return send({ ...b0, io: { ...b0.io, channel: ch, refused: lost, carried } });
    };
    await at("a");
    await at("b");
    expect(ch.got.map((m) => m.lostBefore?.error)).toEqual(["535", undefined]);
    expect([...carried]).toEqual(["hook"]);
  });
});
