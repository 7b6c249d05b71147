import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, onPath } from "../src/on-path.js";
import { runCli } from "./helpers/cli.js";

// One look-up of a program on PATH, for `init` (nvidia-smi?), `validate` (restart hooks, plugins) and the embedded
// default's GPU check: an executable regular file, the first PATH directory that has one.
let dir = "";
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "on-path-"));
  for (const d of ["a", "b", "c", "home"]) fs.mkdirSync(path.join(dir, d));
  fs.writeFileSync(path.join(dir, "a", "tool"), "#!/bin/sh\n", { mode: 0o644 }); // not executable
  fs.writeFileSync(path.join(dir, "b", "tool"), "#!/bin/sh\n", { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "c", "tool"), "#!/bin/sh\n", { mode: 0o755 });
  fs.mkdirSync(path.join(dir, "a", "nvidia-smi")); // a directory of that name
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("findOnPath", () => {
  it("finds the first executable file, skipping what is not executable and empty entries", () => {
    const p = (...ds: string[]) => ds.map((d) => (d ? path.join(dir, d) : "")).join(":");
    expect(findOnPath("tool", p("", "a", "b", "c"))).toBe(path.join(dir, "b", "tool"));
    expect(findOnPath("tool", p("a"))).toBeUndefined();
    expect(findOnPath("tool", undefined)).toBeUndefined();
    expect(onPath("tool", p("c"))).toBe(true);
  });

  it("takes a name with a slash as it is", () => {
    expect(findOnPath(path.join(dir, "c", "tool"), "")).toBe(path.join(dir, "c", "tool"));
    expect(findOnPath(path.join(dir, "a", "tool"), path.join(dir, "b"))).toBeUndefined();
  });

  it("a directory named like the program is not the program (init wrote a GPU check for one)", async () => {
    expect(onPath("nvidia-smi", path.join(dir, "a"))).toBe(false);
    const target = path.join(dir, "home", "watchdog.yaml");
    const r = await runCli(["init", "--path", target], {
      cwd: dir,
      env: { HOME: path.join(dir, "home"), WATCHDOG_CONFIG: "", PATH: `${path.join(dir, "a")}:${process.env.PATH}` },
    });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(target, "utf8")).not.toMatch(/^ {4}type: gpu\b/m);
  });
});
