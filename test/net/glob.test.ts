import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeSilence } from "../../src/engine/silence.js";
import { matchGlob as silenceMatches } from "../../src/glob.js";
import { expandPath } from "../../src/probes/log/log-glob.js";

// One glob syntax (src/glob.ts, picomatch) for silence patterns and the file names of log paths: the same table,
// asked of a silence (check names) and of a log glob (files of those names in a directory), gives the same answers.
const TABLE: [pattern: string, name: string, match: boolean][] = [
  ["gpu-*", "gpu-0", true],
  ["gpu-*", "my-gpu-0", false], // anchored
  ["llm?", "llm2", true],
  ["llm?", "llm", false],
  ["a.b", "axb", false], // `.` is plain
  ["*", ".hidden", false], // a leading dot must be written, like the shell
  [".*", ".hidden", true],
  ["app.log*", "app.log.1", true],
  ["[ab].log", "a.log", true],
  ["[a-c].log", "b.log", true],
  ["[!a].log", "a.log", false],
  ["[!a].log", "b.log", true],
  ["llm(a)", "llm(a)", true], // parentheses are plain, not a regex group
  ["llm(a)", "llma", false],
  ["x|y", "x", false],
  ["!gpu", "gpu", false], // no negation: a leading ! is plain
  ["!gpu", "!gpu", true],
  ["{a,b}", "a", false], // no braces
  ["+(x)", "+(x)", true], // no extglobs
  ["a\\*", "a*", true], // a backslash makes the next character plain
  ["a\\*", "ab", false],
  ["tts进程*", "tts进程-2", true],
];

let dir = "";
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "glob-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("one glob syntax for silences and log paths", () => {
  it.each(TABLE)("%s vs %s → %s", async (pattern, name, match) => {
    expect(silenceMatches(pattern, name)).toBe(match);
    const sil = { id: "abcd0001", pattern, reason: "", createdAt: 0, startsAt: 0, endsAt: 10 };
    expect(activeSilence([sil], name, 5, silenceMatches) !== undefined).toBe(match);
    const sub = fs.mkdtempSync(path.join(dir, "d"));
    fs.writeFileSync(path.join(sub, name), "");
    // A path without glob characters names its file as it is.
    const found = await expandPath(path.join(sub, pattern));
    expect(found.includes(path.join(sub, name))).toBe(match);
  });

  it("an empty pattern matches nothing (picomatch refuses it; the silence command then lists the checks)", () => {
    expect(silenceMatches("", "gpu")).toBe(false);
  });

  it("a `*` in a silence may match a `/` in a check name; in a log path it never crosses a directory", async () => {
    expect(silenceMatches("gpu*", "gpu/0")).toBe(true);
    fs.mkdirSync(path.join(dir, "gpu"));
    fs.writeFileSync(path.join(dir, "gpu", "0"), "");
    expect(await expandPath(path.join(dir, "gpu*"))).toEqual([]); // a directory is not a log file
    expect(await expandPath(path.join(dir, "gpu*", "0"))).toEqual([path.join(dir, "gpu", "0")]);
  });
});
