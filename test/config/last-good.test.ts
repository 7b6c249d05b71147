import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  brokenFileOf,
  brokenLine,
  goodFileOf,
  keepLastGood,
  nextBroken,
  readBroken,
  readLastGood,
  writeBroken,
} from "../../src/config/last-good.js";

// The copy of the last config that validated and the broken-config marker, on real files in a temp dir.
let dir: string;
let state: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-last-good-"));
  state = path.join(dir, "state", "state.json");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the last config that validated", () => {
  it("is kept 0600, rewritten only when the text changes, and ends a broken episode", () => {
    // The first copy: nothing to compare with, so not "changed".
    expect(keepLastGood(state, "a: 1\n")).toEqual({ changed: false });
    expect(fs.statSync(goodFileOf(state)).mode & 0o777).toBe(0o600);
    const first = readLastGood(state)!;
    expect(first.text).toBe("a: 1\n");
    const ino = fs.statSync(goodFileOf(state)).ino;
    expect(keepLastGood(state, "a: 1\n")).toEqual({ changed: false });
    // The same text: the file is not written again (a healthy run writes nothing).
    expect(fs.statSync(goodFileOf(state)).ino).toBe(ino);
    writeBroken(state, { hash: "h", since: 1, issues: ["w.yaml:1:1: x: bad"], validatedAt: 0, told: true });
    expect(readBroken(state)?.hash).toBe("h");
    expect(keepLastGood(state, "a: 2\n")).toEqual({ changed: true });
    expect(readLastGood(state)?.text).toBe("a: 2\n");
    expect(readBroken(state)).toBeUndefined();
  });

  it("never writes or reads through a symlink planted at its names", () => {
    fs.mkdirSync(path.dirname(state), { recursive: true });
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "victim\n");
    fs.symlinkSync(victim, goodFileOf(state));
    fs.symlinkSync(victim, brokenFileOf(state));
    expect(keepLastGood(state, "a: 1\n").problem).toMatch(/symbolic link/);
    expect(writeBroken(state, { hash: "h", since: 1, issues: [], validatedAt: 0, told: false })).toMatch(
      /symbolic link/,
    );
    expect(readLastGood(state)).toBeUndefined();
    expect(fs.readFileSync(victim, "utf8")).toBe("victim\n");
  });

  it("is not trusted when others can write it", () => {
    keepLastGood(state, "a: 1\n");
    fs.chmodSync(goodFileOf(state), 0o666);
    expect(readLastGood(state)).toBeUndefined();
  });

  it.each([
    // The same broken text keeps its marker: told once.
    ["same text", { hash: "h", since: 5, issues: [], validatedAt: 1, told: true }, "h", { since: 5, told: true }],
    // A new broken text is told again; the episode keeps the time it began.
    ["new text", { hash: "h", since: 5, issues: [], validatedAt: 1, told: true }, "k", { since: 5, told: false }],
    // The first broken run opens the episode now.
    ["first", undefined, "h", { since: 9, told: false }],
  ] as const)("nextBroken: %s", (_, prev, hash, want) => {
    expect(nextBroken(prev && { ...prev, issues: [...prev.issues] }, hash, ["x"], 9, 1)).toMatchObject(want);
  });

  it("brokenLine names the problems, how many more, and when the config in use validated", () => {
    const issues = ["a:1:1: k: bad", "a:2:1: j: bad", "a:3:1: i: bad", "a:4:1: h: bad"];
    const line = brokenLine({ hash: "h", since: 0, issues, validatedAt: 0, told: false }, () => "T");
    expect(line).toBe(
      "config invalid at a:1:1: k: bad; a:2:1: j: bad; a:3:1: i: bad (and 1 more: `watchdog validate` lists them); " +
        "still watching with the config that validated at T",
    );
  });
});
