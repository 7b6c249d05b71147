// Simulates many check runs through the pure engine (no I/O), for bench/run.mjs: how big does the state file get,
// and does one decide call get slower, after 10,000 runs? Bundled by esbuild at bench time.
import { parseConfig } from "../src/config/load.js";
import { decide } from "../src/engine/decide.js";
import { emptyState, type Message, type State } from "../src/engine/types.js";
import type { ProbeResult, Status } from "../src/probes/types.js";
import { enqueue } from "../src/notify/deliver.js";

/**
 * SimulationResult is the state after the runs, its size at checkpoints and the time per run early (runs 1,000 to
 * 1,100, after the JIT has warmed up) and late (the last 100).
 */
export type SimulationResult = {
  state: State;
  sizes: [runs: number, bytes: number][];
  firstMsPerRun: number;
  lastMsPerRun: number;
};

/**
 * simulate runs `runs` cron runs 2 minutes apart on the config's checks. Each check fails in bursts (a different
 * rhythm per check), so incidents open, climb, remind and recover all along; every message is enqueued, then treated
 * as delivered (the outbox emptied, the counters kept), as a healthy channel would.
 */
export function simulate(yaml: string, runs: number, t0: number): SimulationResult {
  const { config } = parseConfig(yaml, { file: "bench.yaml", env: {}, hostname: "bench", readFile: () => "" });
  let state: State = emptyState();
  const sizes: [number, number][] = [];
  const window = Math.min(100, Math.floor(runs / 10));
  const early = Math.min(1000, runs - 2 * window);
  let first = 0;
  let last = 0;
  for (let i = 0; i < runs; i++) {
    const now = t0 + i * 120_000;
    const results: ProbeResult[] = config.checks.map((c, k) => {
      const period = 7 + (k % 13);
      const status: Status = i % (period * 3) < period ? (k % 3 === 0 ? "warning" : "critical") : "ok";
      return {
        check: c.name,
        status,
        summary: `${c.name} ${status} at run ${i}`,
        durationMs: 3,
        metrics: { latency_ms: k + (i % 50) },
      };
    });
    const started = performance.now();
    const d = decide(state, results, now, config);
    const messages: Message[] = d.actions.flatMap((a, j) =>
      a.type === "notify"
        ? [{ id: `${i}-${j}`, channel: a.channel, host: "bench", createdAt: now, items: a.items }]
        : [],
    );
    state = enqueue(d.state, messages, now);
    const sent = { ...state.sent };
    for (const e of state.outbox)
      sent[e.message.channel] = {
        ok: (sent[e.message.channel]?.ok ?? 0) + 1,
        failed: sent[e.message.channel]?.failed ?? 0,
      };
    state = { ...state, outbox: [], sent, lastRun: { startedAt: now, durationMs: 40 } };
    const ms = performance.now() - started;
    if (i >= early && i < early + window) first += ms;
    if (i >= runs - window) last += ms;
    if ([10, 100, 1000, runs].includes(i + 1)) sizes.push([i + 1, Buffer.byteLength(`${JSON.stringify(state)}\n`)]);
  }
  return { state, sizes, firstMsPerRun: first / window, lastMsPerRun: last / window };
}
