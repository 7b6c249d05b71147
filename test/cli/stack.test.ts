import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// The built CLI is one minified file; --debug's stack trace names the lines of src/*.ts, through its source map.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-stack-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a --debug stack trace", () => {
  it("names the src/*.ts files and lines it passed through; without --debug there is none", async () => {
    // The state file's folder is a regular file: the run cannot create it.
    fs.writeFileSync(path.join(dir, "afile"), "");
    const config = path.join(dir, "w.yaml");
    const lines = [`state_file: ${path.join(dir, "afile", "state.json")}`, `log_file: ${path.join(dir, "w.log")}`];
    fs.writeFileSync(config, `${lines.join("\n")}\nchecks:\n  - {name: t, type: tcp, port: 1, timeout: 1s}\n`);
    const env = { ...process.env, WATCHDOG_CONFIG: "" };
    const debug = await runCli(["--config", config, "check", "--debug"], { env });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\bat .*\/src\/state\/[\w-]+\.ts:\d+:\d+\)?$/m);
    expect(debug.stderr).not.toMatch(/watchdog\.cjs:\d+:\d+/);
    const plain = await runCli(["--config", config, "check"], { env });
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toMatch(/\.ts:\d+/);
  });
});
