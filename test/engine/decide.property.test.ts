import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CheckConfig } from "../../src/config/schema.js";
import { decide } from "../../src/engine/decide.js";
import { emptyState, type State } from "../../src/engine/types.js";
import type { Status } from "../../src/probes/types.js";
import { consoleChannel, MIN } from "./fixtures.js";

const ch = consoleChannel;

const ladderArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 })
  .chain((afters) =>
    fc.tuple(
      ...afters
        .sort((a, b) => a - b)
        .map((after) =>
          fc.record({
            after: fc.constant(after),
            notify: fc.subarray(["email", "sms", "dingtalk"], { minLength: 1 }),
            restart: fc.boolean(),
          }),
        ),
    ),
  );

const scenario = fc.record({
  ladder: ladderArb,
  repeatEvery: fc.constantFrom(0, 5 * MIN, 30 * MIN),
  recoverAfter: fc.integer({ min: 1, max: 3 }),
  statuses: fc.array(fc.constantFrom<Status>("ok", "warning", "critical", "unknown"), { minLength: 1, maxLength: 60 }),
  gaps: fc.array(fc.integer({ min: 1, max: 20 * MIN }), { minLength: 60, maxLength: 60 }),
});

describe("decide: invariants over random result sequences", () => {
  it("fires each step at most once per incident, and every told channel gets exactly one recovery notice", () => {
    fc.assert(
      fc.property(scenario, ({ ladder, repeatEvery, recoverAfter, statuses, gaps }) => {
        const check: CheckConfig = {
          name: "svc",
          type: "tcp",
          escalation: ladder,
          repeat_every: repeatEvery,
          recover_after: recoverAfter,
          restart: {
            command: ["x"],
            shell: false,
            timeout: 1000,
            verify_after: 0,
            limit: { max: 2, within: 30 * MIN },
          },
          depends_on: [],
          labels: {},
          runbook: undefined,
        };
        const config = {
          checks: [check],
          channels: { email: ch("warning"), sms: ch("critical"), dingtalk: ch("warning") },
        };
        // End with enough ok runs to resolve whatever is open.
        const seq = [...statuses, ...Array<Status>(recoverAfter).fill("ok")];
        let state: State = emptyState();
        let now = 1_700_000_000_000;
        let stepsThisIncident = new Set<number>();
        let told = new Set<string>();
        let recoveries: string[] = [];
        let incidentsTold = 0;
        let incidentsRecovered = 0;
        seq.forEach((status, i) => {
          now += gaps[i % gaps.length]!;
          const d = decide(state, [{ check: "svc", status, summary: status, durationMs: 1 }], now, config);
          const cs = d.state.checks.svc!;
          expect(cs.failStreak === 0 || cs.okStreak === 0).toBe(true);
          for (const a of d.actions) {
            if (a.type !== "notify") continue;
            for (const item of a.items) {
              if (item.reason === "step") {
                const key = `${a.channel}/${item.step}`;
                expect(stepsThisIncident.has(item.step) && told.has(key)).toBe(false);
                stepsThisIncident.add(item.step);
                told.add(key);
              }
              if (item.reason === "recovered") recoveries.push(a.channel);
            }
          }
          if (state.checks.svc?.incident && !cs.incident) {
            // The incident closed in this run: recovery goes to exactly the channels told, once each.
            const toldChannels = new Set([...told].map((k) => k.split("/")[0]!));
            expect(recoveries.sort()).toEqual([...(state.checks.svc.incident.notified ?? [])].sort());
            expect(new Set(recoveries)).toEqual(new Set([...toldChannels, ...state.checks.svc.incident.notified]));
            if (recoveries.length) incidentsRecovered += 1;
            stepsThisIncident = new Set();
            told = new Set();
            recoveries = [];
          } else {
            expect(recoveries).toEqual([]);
          }
          if (cs.incident?.notified.length && !state.checks.svc?.incident?.notified.length) incidentsTold += 1;
          state = d.state;
        });
        expect(state.checks.svc!.incident).toBeUndefined();
        expect(incidentsRecovered).toBe(incidentsTold);
      }),
      { numRuns: 400 },
    );
  });

  it("never plans more restarts in a window than the limit allows", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<Status>("ok", "critical"), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 3 }),
        (statuses, max) => {
          const check: CheckConfig = {
            name: "svc",
            type: "tcp",
            escalation: [{ after: 1, notify: ["email"], restart: true }],
            repeat_every: 2 * MIN,
            recover_after: 1,
            restart: { command: ["x"], shell: false, timeout: 1000, verify_after: 0, limit: { max, within: 30 * MIN } },
            depends_on: [],
            labels: {},
            runbook: undefined,
          };
          let state = emptyState();
          const times: number[] = [];
          statuses.forEach((status, i) => {
            const now = 1_700_000_000_000 + i * 2 * MIN;
            const d = decide(state, [{ check: "svc", status, summary: status, durationMs: 1 }], now, {
              checks: [check],
              channels: { email: ch("warning") },
            });
            if (d.actions.some((a) => a.type === "restart")) times.push(now);
            state = d.state;
            expect(times.filter((t) => t > now - 30 * MIN).length).toBeLessThanOrEqual(max);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
