import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { restartingConfig, runAsCron, T0, CRON } from "./field-helpers.js";

// SIGTERM reaches a cron run of `watchdog check` while its restart hook runs (a shutdown, `timeout`, a person): the
// run lets the hook finish, records the restart and saves, as the daemon does, so the next run does not alert and
// restart all over again.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-hookterm-"));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it(
  "SIGTERM during a restart hook: the hook finishes, " +
    "the restart is counted and saved, the next run does not repeat",
  async () => {
    const port = await freePort();
    const state = path.join(dir, "state", "state.json");
    // A slow hook that cannot bring the service up (its model is missing): it tells the test who runs it, then works.
    fs.writeFileSync(
      path.join(dir, "hook.sh"),
      `#!/bin/bash\necho $PPID > ${dir}/watchdog.pid\nfor i in $(seq 20); do sleep 0.1; done\ntouch ${dir}/hook-done\n`,
      { mode: 0o755 },
    );
    const config = path.join(dir, "wd.yaml");
    fs.writeFileSync(config, restartingConfig(state, port, `${dir}/hook.sh`));
    const line = `${process.execPath} ${CLI} -c ${config} check`;
    const run1 = runAsCron(line, { WATCHDOG_TEST_NOW: String(T0) });
    const pidFile = path.join(dir, "watchdog.pid");
    for (let i = 0; i < 600 && !fs.existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 50));
    await new Promise((res) => setTimeout(res, 100));
    process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGTERM");
    const r1 = await run1;
    expect(fs.existsSync(path.join(dir, "hook-done"))).toBe(true);
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/restart svc: /);
    const saved = JSON.parse(fs.readFileSync(state, "utf8"));
    expect(saved.checks.svc.incident.restarts).toBe(1);
    expect(fs.existsSync(`${state}.lock`)).toBe(false);
    // The next cron run, two minutes later: the alert is not sent again, the hook not run again.
    fs.rmSync(path.join(dir, "hook-done"));
    const r2 = await runAsCron(line, { WATCHDOG_TEST_NOW: String(T0 + CRON) });
    expect(r2.code).toBe(0);
    expect(fs.existsSync(path.join(dir, "hook-done"))).toBe(false);
    expect(r2.stdout).not.toMatch(/restart svc: /);
  },
  120_000,
);
