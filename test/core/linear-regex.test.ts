import { describe, expect, it } from "vitest";
import { compileLinear, linearOf, linearSyntaxError } from "../../src/core/linear-regex.js";

describe("compileLinear", () => {
  it("matches as JavaScript does on ordinary patterns, lookbehind included", () => {
    const oom = compileLinear("(?<!running )out of memory");
    expect(oom.test("CUDA out of memory")).toBe(true);
    expect(oom.test("If you are running out of memory, lower the batch")).toBe(false);
    expect(compileLinear("Killed process \\d+").test("Out of memory: Killed process 6154 (python)")).toBe(true);
    expect(compileLinear("^Killed$").test("Killed")).toBe(true);
    expect(compileLinear("error", "i").test("ERROR")).toBe(true);
  });

  it("find gives the start of the next match from a position; ^ and $ are per line with the m flag", () => {
    const re = compileLinear("^\\d+$", "m");
    const text = "abc\n123\nx\n45\n";
    expect(re.find(text, 0)).toBe(4);
    expect(re.find(text, 5)).toBe(10);
    expect(re.find(text, 11)).toBe(-1);
  });

  it("takes linear time where a backtracking engine takes for ever", () => {
    // Exponential for JavaScript's RegExp (2^40 ways to split the a's): this test would never end there.
    expect(compileLinear("(\\w+\\s?)+ failed$").test(`${"a".repeat(40)}! failed`)).toBe(false);
    expect(compileLinear("return code\\s*=?\\s*-11\\b").test(`return code${" ".repeat(65_000)}`)).toBe(false);
  });

  it.each([
    ["error(?! ignored)", "`(?!`"],
    ["(?=x)y", "`(?=`"],
    ["(\\w+) again \\1", "`\\1`"],
  ])("refuses %s, saying why", (src, what) => {
    const why = linearSyntaxError(src);
    expect(why).toContain("not supported by the linear-time matcher");
    expect(why).toContain(what);
    expect(() => compileLinear(src)).toThrow(/lookahead and backreferences/);
  });

  it.each(["\\p{L}+ failed", "\\x{e9}", "[[:digit:]]+abc", "\\Qa.b\\E", "end\\z"])(
    "refuses %s, which JavaScript reads as plain letters (the prefilter would look for the wrong literal)",
    (src) => {
      expect(() => new RegExp(src)).not.toThrow();
      expect(linearSyntaxError(src)).toMatch(/means one thing to RE2 and another to JavaScript/);
    },
  );

  it("accepts an escaped backslash before such a letter, and says how to write a code point", () => {
    expect(linearSyntaxError("C:\\\\path")).toBeUndefined();
    expect(linearSyntaxError("caf\\u00e9")).toMatch(/write the character itself/);
  });

  it("linearOf compiles a RegExp once", () => {
    const re = /CUDA error: (?:an )?illegal/;
    expect(linearOf(re)).toBe(linearOf(re));
    expect(linearSyntaxError(re.source)).toBeUndefined();
  });
});
