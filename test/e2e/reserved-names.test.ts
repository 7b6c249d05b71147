import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { startWebhook } from "../helpers/vendors/webhook.js";
import type { VendorServer } from "../helpers/vendors/http-vendor.js";
import { openEmailChannel, useField } from "./field-helpers.js";

// Names that are keys of Object.prototype (`__proto__`, `constructor`, `toString`, ...) are valid check and channel
// names. On plain objects the state of a check named `__proto__` went through the prototype setter and was never saved
// (its streak stayed at 1, it never escalated), and `constructor` read back Object's function as its "state".

const NAMES = ["__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"];

const field = useField({ open: true });
let hook: VendorServer;

beforeAll(async () => {
  hook = await startWebhook();
  const down = await freePort();
  const checks = NAMES.map(
    (n) => `  - name: "${n}"\n    type: tcp\n    host: 127.0.0.1\n    port: ${down}\n    timeout: 2s\n`,
  ).join("");
  // Step 1 goes to a webhook channel named `constructor` (with a rate limit, so its cross-run memory is used too);
  // step 3 to an email channel named `toString`.
  fs.writeFileSync(
    path.join(field.dir, "watchdog.yaml"),
    `host: names-box
state_file: ${field.dir}/state.json
channels:
  constructor:
    type: webhook
    url: ${hook.url}
    rate_limit: {max: 10, per: 1m}
${openEmailChannel("toString", field.smtp.port)}escalation:
  - after: 1
    notify: [constructor]
  - after: 3
    notify: [toString]
repeat_every: 0
checks:
${checks}`,
  );
});

afterAll(async () => {
  await hook.close();
});

const cfg = () => ["--config", path.join(field.dir, "watchdog.yaml")];

describe("checks and channels named like Object.prototype keys", () => {
  it("validate accepts them", async () => {
    const r = await runCli(["validate", ...cfg()]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("escalate at the 3rd failure like any other check, through channels named constructor and toString", async () => {
    for (let run = 1; run <= 3; run++) {
      const r = await runCli(["check", "--json", ...cfg()]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { checks: { check: string; failStreak: number }[] };
      // Every check's streak counts up: its state was saved and read back.
      for (const n of NAMES) expect(report.checks.find((c) => c.check === n)?.failStreak).toBe(run);
      expect(hook.delivered()).toHaveLength(1);
      expect(field.smtp.mails).toHaveLength(run === 3 ? 1 : 0);
    }
    // Step 1 (webhook `constructor`) named every check once; step 3 (email `toString`) did at run 3.
    const first = JSON.stringify(hook.delivered()[0]);
    for (const n of NAMES) expect(first).toContain(n);
    for (const n of NAMES) expect(field.smtp.mails[0]!.text).toContain(`CRITICAL ${n}`);

    const state = JSON.parse(fs.readFileSync(path.join(field.dir, "state.json"), "utf8"));
    expect(Object.keys(state.checks).sort()).toEqual([...NAMES].sort());
    for (const n of NAMES) expect(state.checks[n].incident.stepsFired).toEqual([0, 1]);
    expect(state.sent.constructor).toEqual({ ok: 1, failed: 0 });
    expect(state.sent.toString).toEqual({ ok: 1, failed: 0 });
    expect(state.channels.constructor.sentAt).toHaveLength(1);
  });

  it("status shows each of them with its own incident", async () => {
    const r = await runCli(["status", "--json", ...cfg()]);
    expect(r.code).toBe(0);
    const text = r.stdout;
    for (const n of NAMES) expect(text).toContain(`${n}@`);
  });
});
