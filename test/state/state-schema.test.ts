import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseState, stateSchema } from "../../src/state/state-schema.js";
import { freePort } from "../helpers/net.js";
import { check, CRON, T0, tempDir } from "../reliability/harness.js";

// A state file that is valid JSON of the wrong shape must never crash a run (before the schema, `"dropped": null`
// made every run exit 1, so nothing was ever sent again): what fits is kept, the file is moved aside, the run goes on.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

let base: string;
let config: string;
/** saved is the state after one real run: svc failing with an open incident, one message waiting in the outbox. */
let saved: { [k: string]: Json };
let incidentId: string;
let outboxId: string;

beforeAll(async () => {
  base = tempDir("state-schema");
  const [svc, hook] = [await freePort(), await freePort()];
  config = path.join(base, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `state_file: \${STATE}\nchannels:\n  out: {type: console}\n` +
      `  hook: {type: webhook, url: "http://127.0.0.1:${hook}/x"}\n` +
      `escalation: [{after: 1, notify: [out, hook]}]\nchecks:\n  - {name: svc, type: tcp, port: ${svc}, timeout: 1s}\n`,
  );
  const first = path.join(base, "first", "state.json");
  const r = await check(config, T0, { env: { STATE: first } });
  expect(r.code, r.stderr).toBe(0);
  saved = JSON.parse(fs.readFileSync(first, "utf8"));
  incidentId = (saved as any).checks.svc.incident.id;
  outboxId = (saved as any).outbox[0].message.id;
  expect((saved as any).outbox).toHaveLength(1);
}, 60_000);
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** mutate returns a copy of STATE with the value at PATH replaced (or an element appended with "+"). */
function mutate(state: Json, at: (string | number)[], value: Json): Json {
  const copy = structuredClone(state) as any;
  let node = copy;
  for (const k of at.slice(0, -1)) node = node[k];
  const last = at[at.length - 1]!;
  if (last === "+") node.push(value);
  else node[last] = value;
  return copy;
}

// Each: where the wrong value goes, and the value. Every one crashed `check` (exit 1) or broke a later run before.
const SHAPES: [string, (string | number)[], Json][] = [
  ["dropped is null", ["dropped"], null],
  ["probes is null", ["probes"], null],
  ["outbox holds a number", ["outbox", "+"], 1],
  ["silences is a string", ["silences"], "x"],
  ["silences holds null", ["silences"], [null]],
  ["stepsFired is a string", ["checks", "svc", "incident", "stepsFired"], "x"],
  ["notified is an object", ["checks", "svc", "incident", "notified"], {}],
  ["checks is null", ["checks"], null],
  ["a check is null", ["checks", "svc"], null],
  ["recent is a number", ["checks", "svc", "recent"], 5],
  ["restartTimes is null", ["checks", "svc", "restartTimes"], null],
  ["flapping is a number", ["checks", "svc", "flapping"], 1],
  ["channels is a list", ["channels"], []],
  ["a channel's sentAt is a string", ["channels", "hook"], { sentAt: "x", dayCount: 0 }],
  ["sent is null", ["sent"], null],
  ["a sent count is a string", ["sent", "out"], { ok: "1", failed: 0 }],
  ["droppedTotal is a string", ["droppedTotal"], "7"],
  ["lastRun is a string", ["lastRun"], "yesterday"],
  ["monitorGap is a number", ["monitorGap"], 5],
  ["a message's items are null", ["outbox", 0, "message", "items"], null],
  ["a message is null", ["outbox", 0, "message"], null],
  ["attempts is null", ["outbox", 0, "attempts"], null],
  ["dropped holds an empty object", ["dropped"], [{}]],
  ["probes is a string", ["probes"], "x"],
];

describe("a state file of the wrong shape, through the CLI", () => {
  // Concurrent: each case is one CLI run in its own folder, mostly waiting on a child process.
  const title = "%s: exit 0, the file moved aside with a warning, the alert not lost";
  it.concurrent.for(SHAPES)(title, async ([, at, value], { expect }) => {
    const dir = tempDir("shape");
    try {
      const file = path.join(dir, "state.json");
      fs.writeFileSync(file, JSON.stringify(mutate(saved, at, value)), { mode: 0o600 });
      const r = await check(config, T0 + CRON, { env: { STATE: file } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stdout).toMatch(
        /warning: state file .* does not fit the state schema \(.+\); dropped .+: moved it to .*state\.json\.corrupt-/,
      );
      expect(fs.readdirSync(dir).filter((f) => f.startsWith("state.json.corrupt-"))).toHaveLength(1);
      const after = JSON.parse(fs.readFileSync(file, "utf8"));
      expect(stateSchema.safeParse(after).success).toBe(true);
      // The alert is not lost: either the incident was kept, or the run opened a new one and told the channel again.
      expect(after.checks.svc.incident).toBeDefined();
      if (after.checks.svc.incident.id !== incidentId) expect(r.stdout).toContain("CRITICAL svc");
      // The waiting message is kept unless it was the broken part.
      const brokeMessage = at[0] === "outbox" && at[1] === 0;
      const waiting = after.outbox.flatMap((e: { message: { id: string; mergedIds?: string[] } }) => [
        e.message.id,
        ...(e.message.mergedIds ?? []),
      ]);
      if (!brokeMessage) expect(waiting).toContain(outboxId);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("parseState", () => {
  it("keeps the incidents and messages that fit and drops only what does not", () => {
    const bad = mutate(mutate(saved, ["outbox", "+"], 1), ["checks", "other"], { status: "ok" }) as any;
    const { state, problem } = parseState(bad);
    expect(problem).toMatch(
      /^does not fit the state schema \(checks\.other\.since: .*\); dropped 1 of 2 checks, 1 of 2 outbox$/,
    );
    expect(Object.keys(state.checks)).toEqual(["svc"]);
    expect(state.checks.svc!.incident!.id).toBe(incidentId);
    expect(state.outbox.map((e) => e.message.id)).toEqual([outboxId]);
  });

  it("keeps a check whose only damage is its flap or ack memory, with its streak and open incident", () => {
    const bad = mutate(
      mutate(saved, ["checks", "svc", "flapping"], 1),
      ["checks", "svc", "incident", "ack"],
      "x",
    ) as any;
    const { state, problem } = parseState(bad);
    expect(problem).toMatch(/dropped 0 of 1 checks \(1 kept without their flap, hold or ack memory\)$/);
    expect(state.checks.svc!.incident!.id).toBe(incidentId);
    expect(state.checks.svc!.flapping).toBeUndefined();
  });

  it("reads a file of an older version that lacks the newer fields, without a problem", () => {
    const { version, checks, outbox } = saved as any;
    const { state, problem } = parseState({ version, checks, outbox });
    expect(problem).toBeUndefined();
    expect(state).toMatchObject({ dropped: [], droppedTotal: 0, channels: {}, probes: {}, silences: [], sent: {} });
  });

  it("keeps fields it does not know (a newer build's) and a check named __proto__ as its own entry", () => {
    const data = JSON.parse(
      JSON.stringify(saved).replace(
        '"checks":{',
        '"future":7,"checks":{"__proto__":' + JSON.stringify((saved as any).checks.svc) + ",",
      ),
    );
    const { state, problem } = parseState(data);
    expect(problem).toBeUndefined();
    expect((state as any).future).toBe(7);
    expect(Object.keys(state.checks).sort()).toEqual(["__proto__", "svc"]);
    expect(Object.getPrototypeOf(state.checks)).toBe(Object.prototype);
  });

  it("property: any value anywhere never throws, and what it returns fits the schema", () => {
    const paths: (string | number)[][] = [];
    const walk = (node: Json, at: (string | number)[]) => {
      paths.push(at);
      if (node !== null && typeof node === "object")
        for (const [k, v] of Object.entries(node)) walk(v, [...at, Array.isArray(node) ? Number(k) : k]);
    };
    walk(saved, []);
    const targets = paths.filter((p) => p.length > 0 && !(p.length === 1 && p[0] === "version"));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...targets), fc.jsonValue()), { minLength: 1, maxLength: 3 }),
        (edits) => {
          let data: Json = saved;
          for (const [at, value] of edits) {
            try {
              data = mutate(data, at, value as Json);
            } catch {
              // An earlier edit removed the parent: nothing to change there.
            }
          }
          const { state } = parseState(data as Record<string, Json>);
          expect(stateSchema.safeParse(JSON.parse(JSON.stringify(state))).success).toBe(true);
          // What no edit touched is kept: one broken part never costs the others.
          const touched = (key: string) => edits.some(([at]) => at[0] === key);
          if (!touched("checks")) expect(state.checks.svc?.incident?.id).toBe(incidentId);
          if (!touched("outbox")) expect(state.outbox.map((e) => e.message.id)).toEqual([outboxId]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
