import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { cli, CRON, cronAt, installRestartLadder, T0, useField, writePrivate } from "./field-helpers.js";

// A weekly maintenance window in the config, driven as cron drives the built CLI (env -i, stderr as the only mail),
// two simulated minutes apart. T0 is Sunday 2026-11-22 09:00 UTC: 17:00 in Shanghai, when the window opens.
const field = useField();

describe("a maintenance window", () => {
  it("holds alerts and restarts while open; a check still failing when it ends climbs the ladder", async () => {
    const { dir, smtp } = field;
    const port = await freePort();
    const { command, restarts, config } = await installRestartLadder(
      dir,
      smtp.port,
      "llm-chat",
      port,
      `maintenance:
  - name: weekly-upgrade
    checks: ["llm-*"]
    schedule: {days: [sun], at: "17:00"}
    timezone: Asia/Shanghai
    duration: 10m
`,
    );
    const cron = async (run: number) => {
      const r = await cronAt(command, run);
      expect({ code: r.code, mail: r.mail }).toEqual({ code: 0, mail: "" });
    };
    // Runs 0-4 (09:00-09:08 UTC) fall in the window: the service is down, nothing is sent or restarted.
    for (let run = 0; run < 5; run++) await cron(run);
    expect(smtp.mails).toHaveLength(0);
    expect(fs.existsSync(restarts)).toBe(false);
    const during = await cli(["status", "--config", config], { WATCHDOG_TEST_NOW: String(T0 + 4 * CRON) });
    expect(during.stdout).toContain("maintenance weekly-upgrade");
    expect(during.stdout).toMatch(/weekly-upgrade {2}llm-\* {2}OPEN: alerts and restarts held, (2m|1m \d+s) left/);
    const page = await cli(["status", "--config", config, "--html", "-"], { WATCHDOG_TEST_NOW: String(T0 + 4 * CRON) });
    expect(page.stdout).toContain("maintenance window weekly-upgrade");
    // Run 5 (09:10): the window has ended and the service is still down: step 1's notice and step 2's restart.
    await cron(5);
    await expect.poll(() => smtp.mails.length).toBe(1);
    expect(smtp.mails[0]!.subject).toMatch(/^\[watchdog\] CRITICAL llm-chat on /);
    expect(smtp.mails[0]!.text).toContain("refused the connection");
    expect(smtp.mails[0]!.text).toContain("a maintenance window ended with the check still failing (6 runs)");
    expect(fs.readFileSync(restarts, "utf8")).toBe("restarted\n");
    const after = await cli(["status", "--config", config, "--json"], { WATCHDOG_TEST_NOW: String(T0 + 5 * CRON) });
    const json = JSON.parse(after.stdout) as { maintenance: { active: boolean; startsAt: string }[] };
    expect(json.maintenance).toEqual([
      expect.objectContaining({ name: "weekly-upgrade", active: false, startsAt: "2026-11-29T09:00:00.000Z" }),
    ]);
  });

  it("simulate shows the runs the window holds", async () => {
    const { dir } = field;
    const config = writePrivate(
      path.join(dir, "sim.yaml"),
      `state_file: ${path.join(dir, "sim-state.json")}
channels: {ops: {type: console}}
escalation: [{after: 1, notify: [ops]}]
maintenance: [{name: nightly, checks: [api], schedule: "0 9 * * *", timezone: UTC, duration: 5m}]
checks: [{name: api, type: tcp, host: 127.0.0.1, port: 1}]
`,
    );
    const r = await cli(["simulate", "api", "--config", config, "--failures", "4", "--then-ok", "0"], {
      WATCHDOG_TEST_NOW: String(T0),
    });
    expect(r.stdout).toMatch(/… 3 runs held by maintenance window "nightly" until [^:]+:05[^\n]*nothing sent/);
    expect(r.stdout).toMatch(/run {3}4 {2}\+6m/);
  });
});
