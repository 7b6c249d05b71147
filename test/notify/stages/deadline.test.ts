import { describe, expect, it } from "vitest";
import { deadline } from "../../../src/notify/stages/deadline.js";
import { mergeEntries } from "../../../src/notify/stages/merge.js";
import { batch, entry, turn } from "./cases.js";

describe("stage deadline: past the run's deadline a message is kept, untried", () => {
  it.each([
    // The run has time: the message goes on.
    { aborted: false, open: true, kept: [] },
    // The deadline passed: each entry it was merged from stays in the outbox as it was.
    { aborted: true, open: false, kept: ["a", "b"] },
  ])("aborted $aborted", async ({ aborted, open, kept }) => {
    const [g] = mergeEntries([entry("hook", { id: "a" }), entry("hook", { id: "b" })]);
    const ac = new AbortController();
    if (aborted) ac.abort();
    const b0 = batch({ channel: "hook", turn: turn(g!) });
    const b = await deadline({ ...b0, io: { ...b0.io, send: { ...b0.io.send, signal: ac.signal } } });
    expect(b.turn!.open).toBe(open);
    expect(b.keep.map((e) => e.message.id)).toEqual(kept);
    expect(b.keep.every((e) => e.attempts === 0)).toBe(true);
  });
});
