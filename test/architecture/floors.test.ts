import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { importsOf, SRC, sourceFiles, srcPath, targetOf } from "./source.js";

/*
 * The floors of src/, lowest first (docs/ARCHITECTURE.md, "Layers"). A file may import its own floor and the floors
 * below it, never one above, types included: an arrow that runs back up ties a lower part to a higher one's changes.
 * No two files import each other, even through others.
 */
const FLOORS: readonly (readonly [floor: string, paths: readonly string[]])[] = [
  // The ground floor: primitives and the one-file helpers at src/ itself.
  [
    "core",
    [
      "core/",
      "deps.ts",
      "duration.ts",
      "errors.ts",
      "glob.ts",
      "lazy.ts",
      "on-path.ts",
      "run-command.ts",
      "run-command-output.ts",
      "text.ts",
    ],
  ],
  ["net", ["net/"]],
  ["probes", ["probes/"]],
  ["engine", ["engine/"]],
  ["notify", ["notify/"]],
  ["config", ["config/"]],
  ["history", ["history/"]],
  ["state", ["state/"]],
  ["actions", ["actions/"]],
  ["exporters", ["exporters/"]],
  ["run-check", ["run-check.ts", "run-deliver.ts"]],
  ["daemon", ["daemon/"]],
  ["cli", ["cli/", "logger.ts"]],
];

const ORDER = FLOORS.map(([f]) => f);

/** floorOf is the floor of FILE (src/-relative) as a number, 0 the ground; undefined when no floor names it. */
function floorOf(file: string): number | undefined {
  const hit = FLOORS.find(([, paths]) => paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)));
  return hit && ORDER.indexOf(hit[0]);
}

/** graph maps each file of src/ (src/-relative) to the src/ files it imports, types included. */
function graph(): Map<string, string[]> {
  return new Map(
    sourceFiles(SRC).map((abs) => {
      const tos = importsOf(fs.readFileSync(abs, "utf8")).flatMap(({ spec }) => targetOf(abs, spec) ?? []);
      return [srcPath(abs), [...new Set(tos)]] as const;
    }),
  );
}

/** upward lists each import of G that runs from a lower floor to a higher one, and each file with no floor. */
function upward(g: ReadonlyMap<string, readonly string[]>): string[] {
  return [...g].flatMap(([file, tos]) => {
    const from = floorOf(file);
    if (from === undefined) return [`${file}: no floor names it`];
    return tos.flatMap((to) => {
      const up = floorOf(to);
      return up !== undefined && up > from ? [`${file} (${ORDER[from]}) imports ${to} (${ORDER[up]})`] : [];
    });
  });
}

/** cycles lists the files of each circle of G: files that reach one another by imports, or one importing itself. */
function cycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm: one depth-first walk; a node whose lowest reachable index is its own closes a component.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || g.get(v)?.includes(v)) out.push(component.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("floors of src/", () => {
  const g = graph();

  it("no import runs from a lower floor to a higher one, and every file has a floor", () => {
    expect(upward(g)).toEqual([]);
  });

  it("no circle of imports", () => {
    expect(cycles(g).map((c) => c.join(" <-> "))).toEqual([]);
  });

  it("the guard sees an upward import, a file with no floor, and a circle", () => {
    const bad = new Map([
      ["engine/decide.ts", ["config/schema.ts", "core/status.ts"]],
      ["config/schema.ts", ["engine/decide.ts"]],
      ["core/status.ts", []],
      ["attic/old.ts", []],
    ]);
    expect(upward(bad)).toEqual([
      "engine/decide.ts (engine) imports config/schema.ts (config)",
      "attic/old.ts: no floor names it",
    ]);
    expect(cycles(bad)).toEqual([["config/schema.ts", "engine/decide.ts"]]);
    expect(cycles(new Map([["a.ts", ["a.ts"]]]))).toEqual([["a.ts"]]);
    expect(floorOf("run-check.ts")).toBeGreaterThan(floorOf("notify/deliver.ts")!);
    expect(floorOf("core/fields.ts")).toBe(floorOf("duration.ts"));
  });
});
