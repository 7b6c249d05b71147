import { describe, expect, it } from "vitest";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { record } from "../../src/engine/record.js";
import { emptyState, type NotifyItem, type RestartOutcome, type State } from "../../src/engine/types.js";
import type { ProbeResult } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";

// Chat at 1, a restart at 2 (one allowed), the on-call phone at 4: the restarts are spent before the phone's step.
const cfg: EngineConfig = {
  checks: [
    engineCheck(
      "vllm",
      [
        { after: 1, notify: ["chat"], restart: false },
        { after: 2, notify: ["ops"], restart: true },
        { after: 20, notify: ["phone"], restart: false },
      ],
      {
        repeat_every: 2 * MIN,
        restart: {
          command: ["true"],
          shell: false,
          timeout: 1000,
          verify_after: 0,
          limit: { max: 1, within: 60 * MIN },
        },
      },
    ),
  ],
  channels: { chat: consoleChannel(), ops: consoleChannel(), phone: consoleChannel() },
};
const down: ProbeResult = {
  check: "vllm",
  status: "critical",
  summary: "connection refused",
  durationMs: 1,
  cause: "gpu_oom: GPU out of memory",
};
const failed: RestartOutcome = {
  exitCode: 1,
  signal: null,
  timedOut: false,
  durationMs: 5,
  outputTail: "loading model\nCUDA out of memory",
  after: "critical",
  helped: false,
};

describe("restarts exhausted escalate to the highest step", () => {
  it("one critical 'giving up' to the highest step's channels, with the cause and the last hook output", () => {
    let state: State = emptyState();
    const gaveUp: { channel: string; item: NotifyItem }[][] = [];
    for (let n = 0; n < 6; n++) {
      const d = decide(state, [down], T0 + n * 2 * MIN, cfg);
      const restarted = d.actions.filter((a) => a.type === "restart").map((a) => ({ check: "vllm", outcome: failed }));
      state = record(d.state, restarted, T0 + n * 2 * MIN);
      gaveUp.push(
        d.actions.flatMap((a) =>
          a.type === "notify"
            ? a.items.filter((i) => i.reason === "restart_gave_up").map((item) => ({ channel: a.channel, item }))
            : [],
        ),
      );
    }
    const all = gaveUp.flat();
    expect(all.map((g) => g.channel).sort()).toEqual(["chat", "ops", "phone"]);
    expect(gaveUp.findIndex((g) => g.length > 0)).toBe(2);
    for (const { item } of all) {
      expect(item).toMatchObject({ severity: "critical", step: 3, cause: "gpu_oom: GPU out of memory" });
      expect(item.lastHookTail).toBe("loading model\nCUDA out of memory");
    }
    expect(state.checks.vllm!.incident!.gaveUp).toBe(true);
  });
});
