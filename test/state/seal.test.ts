import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { BUILD_ID } from "../../src/core/build-id.js";
import { emptyState, type State } from "../../src/engine/types.js";
import { createJsonFileStore } from "../../src/state/json-file-store.js";
import { readStateFile } from "../../src/state/peek.js";
import { sealedState, sealOf, stateText } from "../../src/state/seal.js";

// Which reading a file gets is seen in what the schema changes: `"lastRun":null` reads as undefined through the
// schema (null in an optional field is taken as absent), and stays null when the text is taken as it is. This build
// never writes null there; the body below is made by hand to tell the two readings apart.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-seal-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
function read(text: string) {
  const file = path.join(dir, `state-${n++}.json`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return readStateFile(file);
}
const stateOf = (r: ReturnType<typeof readStateFile>): State => {
  if (r.kind !== "state") throw new Error(JSON.stringify(r));
  return r.state;
};

const BODY = JSON.stringify({ ...emptyState(), droppedTotal: 41, lastRun: null });
const sealedBy = (build: string, body = BODY) => `${body.slice(0, -1)},"seal":"${sealOf(body, build)}"}\n`;

describe("the state file's seal", () => {
  it("is the last key of one JSON object, once, and names this build's reading", () => {
    const text = stateText({ ...emptyState(), droppedTotal: 3 }, (s) => s);
    expect(text).toMatch(/^\{"version":1,.*,"seal":"[0-9a-f]{16}"\}\n$/);
    expect(Object.keys(JSON.parse(text)).at(-1)).toBe("seal");
    expect(stateText({ ...emptyState(), seal: "old" } as State, (s) => s).match(/"seal"/g)).toHaveLength(1);
  });

  it("a file sealed by this build is taken as written, with name-keyed maps without a prototype", () => {
    const state = stateOf(read(sealedBy(BUILD_ID)));
    expect(state.lastRun).toBeNull(); // Not the schema's reading: that would be undefined.
    expect(state.droppedTotal).toBe(41);
    expect(Object.getPrototypeOf(state.checks)).toBeNull();
    expect(Object.hasOwn(state, "seal")).toBe(false);
  });

  it("another build's seal, a seal not last, an unsealed file: the schema reads them, and the seal is dropped", () => {
    const other = sealedBy(`${BUILD_ID}-other`);
    const first = `{"seal":"${sealOf(BODY)}",${BODY.slice(1)}\n`;
    for (const text of [other, first, `${BODY}\n`, BODY]) {
      const r = read(text);
      expect(r).toMatchObject({ kind: "state", problem: undefined });
      const state = stateOf(r);
      expect(state.lastRun).toBeUndefined();
      expect(state.droppedTotal).toBe(41);
      expect(Object.hasOwn(state, "seal")).toBe(false);
    }
  });

  it("any one changed character sends the file to the schema", () => {
    const text = sealedBy(BUILD_ID);
    expect(sealedState(text)).toBeDefined();
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.integer({ min: 32, max: 0x7e }), (at, code) => {
        fc.pre(text.charCodeAt(at) !== code);
        const edited = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
        expect(sealedState(edited)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
    expect(sealedState(`${text}\n`)).toBeUndefined();
    expect(sealedState(text.trimEnd())).toBeUndefined();
  });

  it("a number changed by hand keeps its seal but reads through the schema: the new number counts", () => {
    const text = sealedBy(BUILD_ID).replace('"droppedTotal":41', '"droppedTotal":42');
    const state = stateOf(read(text));
    expect(state.droppedTotal).toBe(42);
    expect(state.lastRun).toBeUndefined();
  });

  it("a value that does not fit, under a seal that does not match, is salvaged and moved aside as before", async () => {
    const file = path.join(dir, "tampered.json");
    fs.writeFileSync(file, sealedBy(BUILD_ID).replace('"droppedTotal":41', '"droppedTotal":"41"'));
    const loaded = await createJsonFileStore(file, () => Date.UTC(2026, 10, 23)).load();
    const why = /droppedTotal.*dropped droppedTotal: moved it to .*corrupt/;
    expect(loaded.warnings).toEqual([expect.stringMatching(why)]);
    expect(loaded.state.droppedTotal).toBe(0);
    expect(Object.hasOwn(loaded.state, "seal")).toBe(false);
  });

  it("what JSON cannot write as it is (NaN, a hole in a list) is written unsealed: the schema judges it", () => {
    const nan = stateText({ ...emptyState(), droppedTotal: NaN }, (s) => s);
    expect(nan).toBe(`${JSON.stringify({ ...emptyState(), droppedTotal: NaN })}\n`);
    expect(stateOf(read(nan)).droppedTotal).toBe(0);
    const hole = stateText({ ...emptyState(), silences: [undefined] } as unknown as State, (s) => s);
    expect(hole).not.toContain('"seal"');
  });

  it("is made over the redacted text that is written, and a store's save reads back by the seal", async () => {
    const file = path.join(dir, "redacted.json");
    const store = createJsonFileStore(file, () => 0, (s) => s.replaceAll("tok-1", "***"));
    const dropped = [{ id: "m", channel: "c", createdAt: 1, droppedAt: 2, why: "POST tok-1 failed", checks: [] }];
    await store.save({ ...emptyState(), dropped });
    const text = fs.readFileSync(file, "utf8");
    expect(text).not.toContain("tok-1");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(sealedState(text)?.dropped[0]!.why).toBe("POST *** failed");
    expect((await store.load()).state.dropped[0]!.why).toBe("POST *** failed");
  });
});
