import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probes } from "../../src/probes/registry.js";
import { importsOf, SRC, sourceFiles, srcPath } from "./source.js";

// Two guards of issue 13's layout. The engine (src/engine/) is pure: at run time it imports only its own files, and
// nothing from node:* even as a type, so that decide() stays a function of its inputs (the glob matcher of silences
// is handed in). A probe type is named only in its own file and the registry: what the rest of the code needs of a
// probe (validate's host checks, its run) goes through the registry's entry, never through `type === "gpu"`.

describe("the engine imports nothing at run time", () => {
  const engine = path.join(SRC, "engine");
  it("imports only its own files at run time, types from elsewhere, and never a node:* module", () => {
    const bad = sourceFiles(engine).flatMap((f) =>
      importsOf(fs.readFileSync(f, "utf8")).flatMap(({ spec, typeOnly }) => {
        const own = spec.startsWith("./");
        if (spec.startsWith("node:") || (!typeOnly && !own)) return [`engine/${path.basename(f)}: ${spec}`];
        return [];
      }),
    );
    expect(bad).toEqual([]);
  });

  it("the guard sees what it must refuse", () => {
    expect(importsOf('import { matchGlob } from "../glob.js";')).toEqual([{ spec: "../glob.js", typeOnly: false }]);
    expect(importsOf('import type { X } from "../x.js";')[0]!.typeOnly).toBe(true);
    expect(importsOf('import { type X, type Y } from "../x.js";')[0]!.typeOnly).toBe(true);
    expect(importsOf('import { type X, y } from "../x.js";')[0]!.typeOnly).toBe(false);
    expect(importsOf('export { dict } from "../dict.js";')[0]!.typeOnly).toBe(false);
    expect(importsOf('const m = require("node:fs");')).toEqual([{ spec: "node:fs", typeOnly: false }]);
  });
});

describe("a probe type is named only in its own file and the registry", () => {
  const names = Object.keys(probes).join("|");
  const test = new RegExp(
    `type\\s*[!=]==?\\s*["'](${names})["']|` +
      `["'](${names})["']\\s*[!=]==?\\s*[\\w.]+\\.type\\b|` +
      `case\\s+["'](${names})["']\\s*:`,
  );
  /** allowed says whether FILE (src-relative) may name TYPE: the probe's own file or folder, or the registry. */
  const allowed = (file: string, type: string) =>
    file === "probes/registry.ts" || file === `probes/${type}.ts` || file.startsWith(`probes/${type}/`);

  it("no file outside compares a check's type with a probe type name", () => {
    const hits = sourceFiles(SRC).flatMap((abs) => {
      const file = srcPath(abs);
      return fs
        .readFileSync(abs, "utf8")
        .split("\n")
        .flatMap((line, i) => {
          const m = test.exec(line);
          const type = m && (m[1] ?? m[2] ?? m[3])!;
          return type && !allowed(file, type) ? [`${file}:${i + 1}: ${line.trim()}`] : [];
        });
    });
    expect(hits).toEqual([]);
  });

  it("the guard sees what it must refuse", () => {
    expect(test.test('    if (c.type === "gpu") {')).toBe(true);
    expect(test.test('  case "exec":')).toBe(true);
    expect(test.test('if ("log" !== check.type) return;')).toBe(true);
    expect(test.test('const protocol = url.protocol === "https:";')).toBe(false);
  });
});

describe("facts the code relies on are in the repository", () => {
  const ROOT = path.resolve(SRC, "..");
  const texts = ["src", "test", "bench", "scripts"].flatMap((d) => sourceFiles(path.join(ROOT, d), /\.(ts|mjs|cjs)$/));
  it("no comment cites a file outside it; every docs/ file cited exists", () => {
    const outside = texts.filter((f) => /\/work\/shared|reference\/[\w-]+\.md/.test(fs.readFileSync(f, "utf8")));
    expect(outside.map((f) => path.relative(ROOT, f))).toEqual([]);
    const cited = new Set(
      texts.flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/\bdocs\/([\w-]+\.md)/g)].map((m) => m[1]!)),
    );
    expect([...cited].filter((d) => !fs.existsSync(path.join(ROOT, "docs", d)))).toEqual([]);
    expect(cited.size).toBeGreaterThan(0);
  });
});
