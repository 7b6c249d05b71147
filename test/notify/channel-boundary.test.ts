import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { channelTypes } from "../../src/notify/registry.js";
import { SRC, sourceFiles } from "../architecture/source.js";

// A channel is one file in src/notify/channels/ plus one line in src/notify/registry.ts. What the rest of the code
// needs of a channel goes through the registry's hooks (keep-alive, prints, defaults), never through a test of its
// type or an import of its file.

const outside = sourceFiles(SRC).filter(
  (f) =>
    !f.startsWith(path.join(SRC, "notify", "channels") + path.sep) && f !== path.join(SRC, "notify", "registry.ts"),
);

describe("channel code stays in its channel", () => {
  it("no file outside a channel's own and the registry compares a channel's type with a type name", () => {
    const names = Object.keys(channelTypes)
      .map((t) => t.replace(/[-]/g, "\\-"))
      .join("|");
    const test = new RegExp(`type\\s*[!=]==?\\s*["'](${names})["']|["'](${names})["']\\s*[!=]==?\\s*\\w+\\.type\\b`);
    const hits = outside
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .map((line, i) => [f, i + 1, line] as const),
      )
      .filter(([, , l]) => test.test(l));
    expect(hits.map(([f, n, l]) => `${path.relative(SRC, f)}:${n}: ${l.trim()}`)).toEqual([]);
  });

  it("no file outside the registry imports a channel's file", () => {
    const hits = outside.filter((f) => /from\s+["'][./]*(?:notify\/)?channels\//.test(readFileSync(f, "utf8")));
    expect(hits.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
