import { describe, expect, it } from "vitest";
import { verifyTimes } from "../../src/actions/execute.js";
import type { RestartConfig } from "../../src/config/schema.js";

const hook = (over: Partial<RestartConfig>): RestartConfig => ({
  command: ["true"],
  shell: false,
  timeout: 5000,
  limit: { max: 2, within: 1_800_000 },
  ...over,
});

describe("when a restarted check is re-probed", () => {
  it("by default from 15s until 3m after the hook's exit, long enough for a model to load", () => {
    expect(verifyTimes(hook({}))).toEqual({ verify_after: 15_000, verify_within: 180_000 });
  });

  it("as written: verify_within, with or without verify_after", () => {
    expect(verifyTimes(hook({ verify_within: 60_000 }))).toEqual({ verify_after: 15_000, verify_within: 60_000 });
    expect(verifyTimes(hook({ verify_after: 0, verify_within: 5000 }))).toEqual({
      verify_after: 0,
      verify_within: 5000,
    });
  });

  it("once at verify_after when a config sets only that (written before verify_within, it keeps its meaning)", () => {
    expect(verifyTimes(hook({ verify_after: 20_000 }))).toEqual({ verify_after: 20_000, verify_within: 20_000 });
  });
});
