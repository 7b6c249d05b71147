import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SRC, sourceFiles } from "./source.js";

// No line over 120 characters in src/, and in the tests, benchmarks and build scripts. Prettier (printWidth
// 120) breaks code, but not comments, string, template or regex literals, so this guard catches what it leaves.
// Characters are Unicode code points, so a line of Chinese text is measured as a reader sees it (mawk's `length` counts
// UTF-8 bytes and reports such lines; Prettier counts a CJK character as two columns and would join a split of them
// back). Tabs count as one character.

const MAX = 120;
const ROOT = path.resolve(SRC, "..");

/** DATA is the folder of test/ that holds real output kept verbatim (logs, vendors' answers), not code. */
const DATA = ["test/fixtures/"];

/** rootPath is FILE relative to the repository, with forward slashes. */
const rootPath = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");

/** overMax lists the long lines of FILES, each named relative to the repository. */
function overMax(files: string[]): string[] {
  return files.flatMap((f) => longLines(rootPath(f), fs.readFileSync(f, "utf8")));
}

/** longLines lists `FILE:LINE: N characters` for each line of TEXT over MAX characters. */
function longLines(file: string, text: string): string[] {
  return text.split(/\r?\n/).flatMap((line, i) => {
    const n = [...line].length;
    return n > MAX ? [`${file}:${i + 1}: ${n} characters`] : [];
  });
}

describe("line length in src/", () => {
  it(`no line of src/**/*.ts is over ${MAX} characters`, () => {
    const bad = overMax(sourceFiles(SRC));
    expect(bad, `lines over ${MAX} characters (wrap the comment or split the literal):\n${bad.join("\n")}`).toEqual([]);
  });

  it("the guard counts characters, not bytes, and names the file and line", () => {
    expect(longLines("a.ts", `ok\n${"x".repeat(MAX)}\n${"y".repeat(MAX + 1)}`)).toEqual([
      `a.ts:3: ${MAX + 1} characters`,
    ]);
    expect(longLines("b.ts", "显".repeat(MAX))).toEqual([]);
    expect(longLines("c.ts", "显".repeat(MAX + 1))).toEqual([`c.ts:1: ${MAX + 1} characters`]);
  });
});

describe("line length in test/, bench/ and scripts/", () => {
  it(`no line of test/**/*.ts, bench/*.{mjs,ts} or scripts/*.mjs is over ${MAX} characters`, () => {
    const files = [
      ...sourceFiles(path.join(ROOT, "test")),
      ...sourceFiles(path.join(ROOT, "bench"), /\.(mjs|ts)$/),
      ...sourceFiles(path.join(ROOT, "scripts"), /\.mjs$/),
    ].filter((f) => !DATA.some((dir) => rootPath(f).startsWith(dir)));
    expect(files.length).toBeGreaterThan(100);
    const bad = overMax(files);
    expect(bad, `lines over ${MAX} characters (wrap the comment or split the literal):\n${bad.join("\n")}`).toEqual([]);
  });
});
