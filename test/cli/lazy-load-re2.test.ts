import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadedModules } from "./loaded-modules.js";

// re2js (linear-time matching of log lines) is a file of its own in the build, required on first use: a cron run
// whose log has nothing new, or no line with a pattern's literal, must not read it.
const RE2 = "./lazy/re2js.cjs";

describe("what a log check loads", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "wd-lazy-re2-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("re2js only when a new line holds a pattern's literal", async () => {
    const log = path.join(dir, "app.log");
    const config = path.join(dir, "watchdog.yaml");
    writeFileSync(log, "");
    writeFileSync(
      config,
      `state_file: ${path.join(dir, "state.json")}\nchecks:\n` +
        `  - {name: applog, type: log, path: ${log}, from: start, patterns: ['CUDA out of memory']}\n`,
    );
    const env = { XDG_CACHE_HOME: path.join(dir, "cache") };
    const check = () => loadedModules(["check", "--config", config], { env });
    // The first run validates the config (the patterns are compiled for the linear-time engine then).
    expect((await check()).code).toBe(0);
    appendFileSync(log, "INFO all is well\n".repeat(1000));
    const quiet = await check();
    expect(quiet.code).toBe(0);
    expect(quiet.modules).not.toContain(RE2);
    appendFileSync(log, "torch.cuda.OutOfMemoryError: CUDA out of memory.\n");
    const hit = await check();
    expect(hit.stdout.replace(/\s+/g, " ")).toMatch(/1 new matching line/);
    expect(hit.modules).toContain(RE2);
  });
});
