import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { SRC, sourceFiles, srcPath } from "./source.js";

// A file a reader can hold in mind: past 300 lines a file is split along what its parts are about (STYLE.md §2).
const MAX = 300;

/** lineCount is how many lines TEXT has (a last line without a newline counts). */
function lineCount(text: string): number {
  return (text.match(/\n/g)?.length ?? 0) + (text !== "" && !text.endsWith("\n") ? 1 : 0);
}

describe("file size in src/", () => {
  it(`no file of src/**/*.ts is over ${MAX} lines`, () => {
    const big = sourceFiles(SRC).flatMap((f) => {
      const n = lineCount(fs.readFileSync(f, "utf8"));
      return n > MAX ? [`src/${srcPath(f)}: ${n} lines`] : [];
    });
    expect(big, `files over ${MAX} lines (split them along what their parts are about):\n${big.join("\n")}`).toEqual(
      [],
    );
  });

  it("counts lines as wc -l does, a last line without a newline included", () => {
    expect([lineCount(""), lineCount("a\n"), lineCount("a\nb"), lineCount("a\nb\n")]).toEqual([0, 1, 2, 2]);
  });
});
