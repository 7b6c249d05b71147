import fs from "node:fs";
import type net from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { cronAt, installRestartLadder, listen, useField } from "./field-helpers.js";

// Flapping quiets a check that goes up and down; it never hides one that stays down. Driven as cron drives the built
// CLI (env -i, stdout thrown away, stderr as the only mail), two simulated minutes apart (WATCHDOG_TEST_NOW).
const field = useField();

describe("a flap that turns into an outage", () => {
  it("12 up/down cycles, then down for good: the alert and the restart come at the 3rd failing run", async () => {
    const { dir, smtp } = field;
    const port = await freePort();
    const { command, restarts } = await installRestartLadder(dir, smtp.port, "tts", port);
    let run = 0;
    const cron = async () => {
      const r = await cronAt(command, run++);
      expect({ code: r.code, mail: r.mail }).toEqual({ code: 0, mail: "" });
    };
    // 12 cycles: down one run, up the next.
    for (let i = 0; i < 12; i++) {
      await cron();
      const server: net.Server = await listen(port);
      try {
        await cron();
      } finally {
        await new Promise((r) => server.close(r));
      }
    }
    const subjects = () => smtp.mails.map((m) => m.subject ?? "");
    expect(subjects().filter((s) => s.startsWith("[watchdog] FLAPPING tts"))).toHaveLength(1);
    const flapped = smtp.mails.length;
    const restartsBefore = fs.existsSync(restarts) ? fs.readFileSync(restarts, "utf8").split("\n").length - 1 : 0;
    // Down for good: two runs stay quiet (it may still be a flap), the third is an outage.
    await cron();
    await cron();
    expect(smtp.mails.length).toBe(flapped);
    await cron();
    const outage = smtp.mails.slice(flapped);
    expect(outage).toHaveLength(1);
    expect(outage[0]!.subject).toMatch(/^\[watchdog\] CRITICAL tts on /);
    expect(outage[0]!.text).toContain("was flapping; down for 3 runs now");
    expect(outage[0]!.text).toContain("Restart: restart did not help");
    expect(fs.readFileSync(restarts, "utf8").split("\n").length - 1).toBe(restartsBefore + 1);
  });
});
