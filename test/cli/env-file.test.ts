import { describe, expect, it } from "vitest";
import { parseEnvFile } from "../../src/cli/env-file.js";

// systemd's EnvironmentFile= rules (src/basic/env-file.c), one case a row: what systemd hands the unit.
describe("parseEnvFile reads a file as systemd does", () => {
  it.each([
    // Unquoted: taken as written, blanks inside kept, trailing blanks dropped, nothing expanded.
    ["A=pa ss  \n", { A: "pa ss" }],
    ["A=abc$xyz\n", { A: "abc$xyz" }],
    ["A=it's\n", { A: "it's" }],
    ["A=`id` $(id > /tmp/x)\n", { A: "`id` $(id > /tmp/x)" }],
    // A quote opens quoting only at the start of a value.
    ["A='a \"b\" $c'\n", { A: 'a "b" $c' }],
    ['A="a \\"b\\" \\$c \\n \\\\"\n', { A: 'a "b" $c \\n \\' }],
    // Blanks around the name and after = are dropped; a backslash escapes one character; \ + newline continues.
    ["  A = v\n", { A: "v" }],
    ["A=a\\ \\#b\n", { A: "a #b" }],
    ["A=one\\\ntwo\n", { A: "onetwo" }],
    ['A="x"y\n', { A: "xy" }],
    // Comments (# and ;) and lines without = are skipped; the last assignment wins; no final newline is fine.
    ["# A=1\n; B=2\nnoise\nC=3\nC=4", { C: "4" }],
    ["A=\nB=''\n", { A: "", B: "" }],
    ["A=x\r\nB=y\r\n", { A: "x", B: "y" }],
  ])("%j", (text, want) => {
    const got = Object.fromEntries(parseEnvFile(text).map((a) => [a.name, a.value]));
    expect(got).toEqual(want);
  });

  it("names the line each assignment starts on", () => {
    expect(parseEnvFile("# c\n\nA=1\nexport B=2\n").map((a) => [a.name, a.line])).toEqual([
      ["A", 3],
      ["export B", 4],
    ]);
  });
});
