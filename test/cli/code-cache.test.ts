import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";

// dist/watchdog.cjs (scripts/loader.cjs) runs the bundle through V8's code cache in .cache/ beside it. A copy of the
// two files in a folder of this test, so that its cache is the test's own.
let dir: string;
let cli: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-code-cache-"));
  for (const f of ["watchdog.cjs", "watchdog-main.cjs"])
    fs.copyFileSync(path.join(path.dirname(CLI), f), path.join(dir, f));
  cli = path.join(dir, "watchdog.cjs");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const version = () => execFileSync(process.execPath, [cli, "--version"], { encoding: "utf8" }).trim();
const cacheFiles = () => fs.readdirSync(path.join(dir, ".cache")).map((f) => path.join(dir, ".cache", f));

describe("the code cache", () => {
  it("is written by a run, and one that V8 refuses or others can write is replaced, never trusted", () => {
    const expected = JSON.parse(fs.readFileSync("package.json", "utf8")).version;
    expect(version()).toBe(expected);
    const [file] = cacheFiles();
    expect(file).toBeDefined();
    fs.writeFileSync(file!, "not V8's code cache");
    expect(version()).toBe(expected);
    expect(fs.readFileSync(file!, "utf8")).not.toBe("not V8's code cache");
    fs.chmodSync(file!, 0o666);
    expect(version()).toBe(expected);
    expect(cacheFiles()).toEqual([file]);
    expect(fs.statSync(file!).mode & 0o022).toBe(0);
  });
});
