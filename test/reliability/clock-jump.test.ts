import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { useField } from "../e2e/field-helpers.js";
import { freePort, startTcp } from "../system/servers.js";
import { check, CRON, readState, startCli, T0 } from "./harness.js";

// The system clock moving back an hour between runs (NTP step, a wrong RTC fixed by hand): no negative durations
// anywhere, no step fired twice, the incident still climbs and recovers.

const HOUR = 3_600_000;
const field = useField({ open: true });

/** negatives lists every numeric field of a JSON value whose name speaks of a duration or age and is below 0. */
function negatives(value: unknown, at = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => negatives(v, `${at}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      typeof v === "number" && v < 0 && /ms$|Ms$|duration|outage|age|seconds|streak|elapsed/i.test(k)
        ? [`${at}.${k} = ${v}`]
        : negatives(v, `${at}.${k}`),
    );
  }
  return [];
}

it("the clock moves back an hour mid-incident: no negative durations, no re-fired steps", async () => {
  const port = await freePort();
  const state = path.join(field.dir, "state.json");
  const history = path.join(field.dir, "history.jsonl");
  const prom = path.join(field.dir, "watchdog.prom");
  const config = path.join(field.dir, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `state_file: ${state}
log_file: ${path.join(field.dir, "watchdog.log")}
history_file: ${history}
metrics: {textfile: ${prom}}
channels:
  email: {type: email, host: 127.0.0.1, port: ${field.smtp.port}, from: wd@example.com, to: [ops@example.com]}
escalation:
  - after: 1
    notify: [email]
  - after: 3
    notify: [email]
repeat_every: 30m
checks:
  - {name: svc, type: tcp, port: ${port}, timeout: 30s}
`,
  );
  // Runs every 2 minutes by the (simulated) wall clock, which is stepped back an hour before the third run.
  const times = [T0, T0 + CRON, T0 + 2 * CRON - HOUR, T0 + 3 * CRON - HOUR, T0 + 4 * CRON - HOUR];
  const outputs: string[] = [];
  let service: Awaited<ReturnType<typeof startTcp>> | undefined;
  try {
    for (const [i, now] of times.entries()) {
      if (i === 4) service = await startTcp(port);
      const r = await check(config, now, { args: ["--json"] });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as unknown;
      expect(negatives(report)).toEqual([]);
      for (const args of [["status", "--json"], ["status"], ["history", "--json", "--since", "30d"]]) {
        const s = await startCli(["--config", config, ...args], { env: { WATCHDOG_TEST_NOW: String(now) } }).done;
        expect(s.code, s.stderr).toBe(0);
        outputs.push(s.stdout);
        if (args.includes("--json")) expect(negatives(JSON.parse(s.stdout))).toEqual([]);
        else expect(s.stdout).not.toMatch(/(^|[\s(])-\d+(\.\d+)?(ms|s|m|h|d)\b/m);
      }
      const saved = readState(state)!;
      expect(negatives(saved)).toEqual([]);
      if (i === 3) expect(saved.checks.svc!.incident!.stepsFired).toEqual([0, 1]);
    }
  } finally {
    await service?.close();
  }
  // Step 1 once, step 2 once (at the third failing run, whatever the clock said), then the recovery.
  const kinds = field.smtp.mails.map((m) => /\((escalation step \d|recovered)/.exec(m.text ?? "")?.[1]);
  expect(kinds).toEqual(["escalation step 1", "escalation step 2", "recovered"]);
  const recovered = field.smtp.mails[2]!.text ?? "";
  expect(recovered).not.toMatch(/Outage: -/);
  // The history and metrics say the same.
  const events = fs
    .readFileSync(history, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(negatives(events)).toEqual([]);
  const close = events.find((e) => e.type === "incident_close");
  expect(close?.outageMs).toBeGreaterThanOrEqual(0);
  for (const line of fs.readFileSync(prom, "utf8").split("\n")) {
    if (/^watchdog_(check_duration_seconds|run_duration_seconds|check_failure_streak)/.test(line))
      expect(Number(line.split(" ").pop())).toBeGreaterThanOrEqual(0);
  }
  expect(readState(state)!.checks.svc!.incident).toBeUndefined();
}, 120_000);
