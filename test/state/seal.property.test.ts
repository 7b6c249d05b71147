import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { State } from "../../src/engine/types.js";
import { readStateFile, withDicts } from "../../src/state/peek.js";
import { sealedState, stateText, withoutSeal } from "../../src/state/seal.js";
import { decodeState } from "../../src/state/state-schema.js";
import { decidedStateArb, stateArb } from "./state-arb.js";

// The seal lets a state file this build wrote be read with JSON.parse alone. That is only right if the schema would
// have given the very same state: checked here over every shape the State type allows and over real engine runs.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-seal-prop-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, "state.json");

/** bothWays reads the sealed text of STATE through readStateFile (the fast path) and through the schema. */
function bothWays(state: State): { fast: State; schema: State } {
  const text = stateText(state, (s) => s);
  expect(sealedState(text), "the text is sealed").toBeDefined();
  fs.writeFileSync(file, text);
  const read = readStateFile(file);
  if (read.kind !== "state") throw new Error(`not a state: ${JSON.stringify(read)}`);
  expect(read.problem).toBeUndefined();
  const decoded = decodeState(withoutSeal(JSON.parse(text)));
  if ("why" in decoded) throw new Error(decoded.why);
  expect(decoded.problem).toBeUndefined();
  return { fast: read.state, schema: withDicts(decoded.state) };
}

/** expectSame asserts the two readings are one state: same keys, the same undefined fields, the same prototypes. */
function expectSame({ fast, schema }: { fast: State; schema: State }): void {
  // isDeepStrictEqual compares prototypes and undefined-valued keys; toStrictEqual cannot be used here, as it reads
  // `.constructor`, which in a prototype-less map is a check named "constructor".
  expect(fast).toEqual(schema);
  expect(isDeepStrictEqual(fast, schema)).toBe(true);
  expect(Object.keys(fast).sort()).toEqual(Object.keys(schema).sort());
  expect(Object.hasOwn(fast, "seal")).toBe(false);
  for (const k of ["checks", "channels", "probes", "sent", "channelHealth"] as const) {
    if (fast[k] === undefined) continue;
    expect(Object.getPrototypeOf(fast[k]), k).toBeNull();
    expect(Object.getPrototypeOf(schema[k]), k).toBeNull();
    expect(Object.keys(fast[k]!), k).toEqual(Object.keys(schema[k]!));
  }
}

describe("a sealed state file reads the same with or without the schema", () => {
  it("for any state the types allow", () => {
    fc.assert(fc.property(stateArb, (state) => expectSame(bothWays(state))), { numRuns: 300 });
  });

  it("for the states the real engine leaves after random runs", () => {
    fc.assert(fc.property(decidedStateArb, (state) => expectSame(bothWays(state))), { numRuns: 150 });
  });

  it("and the fast path reads back what was saved, minus what JSON drops (undefined fields)", () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const { fast } = bothWays(state);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(state));
      }),
      { numRuns: 100 },
    );
  });
});
