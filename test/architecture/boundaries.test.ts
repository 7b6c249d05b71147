import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probes } from "../../src/probes/registry.js";

// Two guards of issue 13's layout. The engine (src/engine/) is pure: at run time it imports only its own files, and
// nothing from node:* even as a type, so that decide() stays a function of its inputs (the glob matcher of silences
// is handed in). A probe type is named only in its own file and the registry: what the rest of the code needs of a
// probe (validate's host checks, its run) goes through the registry's entry, never through `type === "gpu"`.

const SRC = path.resolve(__dirname, "../../src");

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? files(p) : /\.ts$/.test(d.name) && !d.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** imports lists each import/export-from/import()/require() of TEXT with whether it brings only types. */
function imports(text: string): { spec: string; typeOnly: boolean }[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of code.matchAll(/\b(import|export)\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s*["']([^"']+)["']/g)) {
    const names = m[3]!.replace(/[{}]/g, "").split(",").map((s) => s.trim()).filter(Boolean);
    const allTypes = names.length > 0 && names.every((n) => n.startsWith("type "));
    out.push({ spec: m[4]!, typeOnly: Boolean(m[2]) || (m[3]!.trim().startsWith("{") && allTypes) });
  }
  for (const m of code.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of code.matchAll(/\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g)) {
    out.push({ spec: m[1]!, typeOnly: false });
  }
  return out;
}

describe("the engine imports nothing at run time", () => {
  const engine = path.join(SRC, "engine");
  it("imports only its own files at run time, types from elsewhere, and never a node:* module", () => {
    const bad = files(engine).flatMap((f) =>
      imports(fs.readFileSync(f, "utf8")).flatMap(({ spec, typeOnly }) => {
        const own = spec.startsWith("./");
        if (spec.startsWith("node:") || (!typeOnly && !own)) return [`engine/${path.basename(f)}: ${spec}`];
        return [];
      }),
    );
    expect(bad).toEqual([]);
  });

  it("the guard sees what it must refuse", () => {
    expect(imports('import { matchGlob } from "../glob.js";')).toEqual([{ spec: "../glob.js", typeOnly: false }]);
    expect(imports('import type { X } from "../x.js";')[0]!.typeOnly).toBe(true);
    expect(imports('import { type X, type Y } from "../x.js";')[0]!.typeOnly).toBe(true);
    expect(imports('import { type X, y } from "../x.js";')[0]!.typeOnly).toBe(false);
    expect(imports('export { dict } from "../dict.js";')[0]!.typeOnly).toBe(false);
    expect(imports('const m = require("node:fs");')).toEqual([{ spec: "node:fs", typeOnly: false }]);
  });
});

describe("a probe type is named only in its own file and the registry", () => {
  const names = Object.keys(probes).join("|");
  const test = new RegExp(
    `type\\s*[!=]==?\\s*["'](${names})["']|["'](${names})["']\\s*[!=]==?\\s*[\\w.]+\\.type\\b|case\\s+["'](${names})["']\\s*:`,
  );
  /** allowed says whether FILE (src-relative) may name TYPE: the probe's own file or folder, or the registry. */
  const allowed = (file: string, type: string) =>
    file === "probes/registry.ts" || file === `probes/${type}.ts` || file.startsWith(`probes/${type}/`);

  it("no file outside compares a check's type with a probe type name", () => {
    const hits = files(SRC).flatMap((abs) => {
      const file = path.relative(SRC, abs).split(path.sep).join("/");
      return fs.readFileSync(abs, "utf8").split("\n").flatMap((line, i) => {
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
  const texts = ["src", "test", "bench", "scripts"].flatMap((d) => files(path.join(ROOT, d)));
  it("no comment cites a file outside it; every docs/ file cited exists", () => {
    const outside = texts.filter((f) => /\/work\/shared|reference\/[\w-]+\.md/.test(fs.readFileSync(f, "utf8")));
    expect(outside.map((f) => path.relative(ROOT, f))).toEqual([]);
    const cited = new Set(texts.flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/\bdocs\/([\w-]+\.md)/g)].map((m) => m[1]!)));
    expect([...cited].filter((d) => !fs.existsSync(path.join(ROOT, "docs", d)))).toEqual([]);
    expect(cited.size).toBeGreaterThan(0);
  });
});
