import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, SRC, sourceFiles, srcPath, targetOf } from "./source.js";

/*
 * The layers of src/ (docs: issue 13): core/ (field primitives, the status vocabulary) is the ground floor; probes/
 * and notify/ build on it and never import config/; config/ composes its schema from probes/ and notify/ through
 * their registry files only. This test reads every import of src/ and names each one that crosses a line.
 */

const REGISTRIES = new Set(["probes/registry.ts", "notify/registry.ts"]);

/** crossing says what is wrong with FILE (src/-relative) importing TO, or undefined when the layers allow it. */
function crossing(file: string, to: string): string | undefined {
  const top = (p: string) => p.split("/")[0];
  if ((top(file) === "probes" || top(file) === "notify") && top(to) === "config")
    return `${top(file)}/ imports config/`;
  // A probe finds and describes; telling people is notify's. Text work both need (excerpt redaction) is in src/text.ts.
  if (top(file) === "probes" && top(to) === "notify") return "probes/ imports notify/";
  if (top(file) === "config" && (top(to) === "probes" || top(to) === "notify") && !REGISTRIES.has(to)) {
    return `config/ imports ${to}, not its registry`;
  }
  // The ground floor stands on nothing but itself and the pure helpers at src/ itself (duration.ts).
  if (top(file) === "core" && to.includes("/") && top(to) !== "core") return `core/ imports ${to}`;
  return undefined;
}

function violations(): string[] {
  return sourceFiles(SRC).flatMap((abs) => {
    const file = srcPath(abs);
    return importsOf(fs.readFileSync(abs, "utf8")).flatMap(({ spec }) => {
      const to = targetOf(abs, spec);
      const why = to === undefined ? undefined : crossing(file, to);
      return why ? [`${file}: ${spec} (${why})`] : [];
    });
  });
}

describe("layers of src/", () => {
  it("probes/ and notify/ never import config/; config/ takes probes/ and notify/ through their registries", () => {
    expect(violations()).toEqual([]);
  });

  it("the reader finds every form of import", () => {
    const text = [
      'import { a } from "../config/a.js";',
      'import type { B } from "../config/b.js";',
      "import {\n  c,\n  type D,\n} from '../config/c.js';",
      'export { e } from "../config/e.js";',
      'export * from "../config/f.js";',
      'import "../config/g.js";',
      'const h = await import("../config/h.js");',
      'const i = require("../config/i.js");',
      '// import { j } from "../config/j.js";',
      '/* import("../config/k.js") */',
      'const url = "https://example.com/x"; // a URL, not an import',
    ].join("\n");
    expect(
      importsOf(text)
        .map((i) => i.spec)
        .sort(),
    ).toEqual(["a", "b", "c", "e", "f", "g", "h", "i"].map((x) => `../config/${x}.js`));
  });

  it.each([
    ["probes/tcp.ts", "config/schema.ts", "probes/ imports config/"],
    ["notify/channels/email.ts", "config/fields.ts", "notify/ imports config/"],
    ["config/rules.ts", "probes/log/causes.ts", "config/ imports probes/log/causes.ts, not its registry"],
    ["config/schema.ts", "notify/options.ts", "config/ imports notify/options.ts, not its registry"],
    ["config/schema.ts", "probes/registry.ts", undefined],
    ["config/schema.ts", "notify/registry.ts", undefined],
    ["probes/tcp.ts", "core/fields.ts", undefined],
    ["core/fields.ts", "duration.ts", undefined],
    ["core/fields.ts", "config/schema.ts", "core/ imports config/schema.ts"],
  ])("%s importing %s: %s", (file, to, why) => {
    expect(crossing(file, to)).toBe(why);
  });
});
