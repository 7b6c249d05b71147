import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { formatTime } from "../../src/notify/render.js";
import { useField } from "../e2e/field-helpers.js";
import { freePort, startTcp } from "../system/servers.js";
import { check, CRON, footerIds, median, readState, T0, type Run, type StateFile } from "./harness.js";

// kill -9 of `watchdog check` at random moments: during start-up, probes, sends and saves. The test is bounded by a
// number of kills, not by time: each run has its own generous deadline (STEP_MS), and the whole test's limit is
// per-round time for a machine ten times slower than an idle laptop. KILL9_KILLS=500 soaks longer.
const KILLS = Math.max(20, Number(process.env.KILL9_KILLS ?? 60));
// A kill is tried every other run and lands inside the run about 5 times in 6: 4 x KILLS rounds is ample.
const MAX_ROUNDS = 4 * KILLS;
const ROUND_MS = 10_000;
// The service is down for 4 runs, then up for 2: each cycle opens an incident, climbs to step 2, recovers.
const DOWN = (i: number) => i % 6 < 4;

const field = useField({ open: true });

/** finished asserts a run ended by itself with exit 0 (not killed by its deadline), and returns it. */
function finished(run: Run): Run {
  expect(run.hung, "a run outlived its deadline").toBe(false);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/**
 * Delivered is what the mails said: for each incident (by its start, as rendered), which steps and whether it
 * recovered.
 */
function delivered(mails: { text?: string }[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const mail of mails) {
    const text = mail.text ?? "";
    // One section per item: a single-item mail is one section, a merged one starts each with "== ".
    const sections = text.split(/^== /m);
    for (const s of sections) {
      const kind = /\(escalation step (\d+)\)/.exec(s)?.[1] ?? (/\(recovered\)/.test(s) ? "recovered" : undefined);
      const since =
        /since (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d)/.exec(s)?.[1] ??
        /Outage: .*\((\d{4}-[^)]+)\)/.exec(s)?.[1];
      if (!kind || !since) continue;
      out.set(since, (out.get(since) ?? new Set()).add(kind === "recovered" ? "recovered" : `step${kind}`));
    }
  }
  return out;
}

it(
  `kill -9 at random moments (${KILLS} kills): state always parses, no incident lost, no step skipped, ` +
    `nothing sent more than twice`,
  async () => {
    const state = path.join(field.dir, "state.json");
    const config = path.join(field.dir, "watchdog.yaml");
    const port = await freePort();
    fs.writeFileSync(
      config,
      `state_file: ${state}
log_file: ${path.join(field.dir, "watchdog.log")}
channels:
  email:
    type: email
    host: 127.0.0.1
    port: ${field.smtp.port}
    from: watchdog@example.com
    to: [ops@example.com]
    timeout: 1m
escalation:
  - after: 1
    notify: [email]
  - after: 3
    notify: [email]
repeat_every: 0s
# This test is about crashes, not flap rules: a service going down every 6 runs would count as flapping.
flap: {enabled: false}
checks:
  - name: svc
    type: tcp
    port: ${port}
    timeout: 30s
`,
    );

    let service: Awaited<ReturnType<typeof startTcp>> | undefined;
    const setService = async (up: boolean) => {
      if (up && !service) service = await startTcp(port);
      if (!up && service) {
        await service.close();
        service = undefined;
      }
    };

    // Calibrate: how long a whole run lives on this machine, so kills land anywhere in it.
    const calibration: number[] = [];
    const calDir = path.join(field.dir, "cal");
    fs.mkdirSync(calDir);
    const calConfig = path.join(calDir, "watchdog.yaml");
    fs.writeFileSync(
      calConfig,
      fs
        .readFileSync(config, "utf8")
        .replace(state, path.join(calDir, "state.json"))
        .replace(path.join(field.dir, "watchdog.log"), path.join(calDir, "log")),
    );
    for (let i = 0; i < 3; i++) calibration.push(finished(await check(calConfig, T0 + i * CRON)).ms);
    field.smtp.mails.length = 0;
    // The span follows the machine's load: the median of the last runs that were not killed.
    const span = () => median(calibration.slice(-9)) * 1.2;

    const incidents = new Map<string, { startedAt: number; steps: Set<number> }>();
    const parseFailures: string[] = [];
    let kills = 0;
    let rounds = 0;
    try {
      let lastKilled = false;
      for (; rounds < MAX_ROUNDS && kills < KILLS; rounds++) {
        const i = rounds;
        await setService(!DOWN(i));
        // A killed run is followed by one that may finish, as cron's next run is: a kill between a send and the save
        // makes that next run send the message again, so nothing goes out more than twice. (Two kills in a row, each
        // in that window, would make three: at-least-once delivery cannot promise better.)
        const run = await check(config, T0 + i * CRON, lastKilled ? {} : { killAfterMs: Math.random() * span() });
        expect(run.hung, `round ${i}: the run outlived its deadline`).toBe(false);
        lastKilled = run.signal === "SIGKILL";
        if (lastKilled) kills += 1;
        else calibration.push(finished(run).ms);
        let s: StateFile | undefined;
        try {
          s = readState(state);
        } catch (err) {
          parseFailures.push(`round ${i}: ${(err as Error).message}`);
          continue;
        }
        if (s) expect(s.version).toBe(1);
        const inc = s?.checks.svc?.incident;
        if (inc) {
          const seen = incidents.get(inc.id) ?? { startedAt: inc.startedAt, steps: new Set<number>() };
          for (const k of inc.stepsFired) seen.steps.add(k);
          incidents.set(inc.id, seen);
        }
      }
      // Then let it settle without kills: the service is up, time moves on past every backoff.
      await setService(true);
      for (let j = 0; j < 5; j++) {
        finished(await check(config, T0 + (rounds + j) * CRON + j * 3_600_000));
        const s = readState(state)!;
        if (s.outbox.length === 0 && !s.checks.svc?.incident) break;
      }
    } finally {
      await setService(false);
    }

    expect(parseFailures).toEqual([]);
    expect(kills).toBe(KILLS);
    const final = readState(state)!;
    expect(final.outbox).toEqual([]);
    expect(final.dropped).toEqual([]);

    // Nothing sent more than twice (a kill between the send and the save repeats a message once).
    const counts = new Map<string, number>();
    for (const m of field.smtp.mails)
      for (const id of footerIds(m.text ?? "")) counts.set(id, (counts.get(id) ?? 0) + 1);
    const overSent = [...counts].filter(([, n]) => n > 2);
    console.log(
      `kill9: ${kills} of ${rounds} runs killed, ${incidents.size} incidents, ${counts.size} messages, ` +
        `${[...counts.values()].filter((n) => n === 2).length} sent twice`,
    );
    expect(overSent).toEqual([]);

    // Every incident the state ever recorded had each fired step delivered, and its recovery.
    const told = delivered(field.smtp.mails);
    expect(incidents.size).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const [id, inc] of incidents) {
      const got = told.get(formatTime(inc.startedAt)) ?? new Set();
      for (const k of inc.steps) if (!got.has(`step${k + 1}`)) missing.push(`${id}: step ${k + 1}`);
      if (inc.steps.has(1) && !inc.steps.has(0)) missing.push(`${id}: step 2 fired without step 1`);
      if (!got.has("recovered")) missing.push(`${id}: recovery`);
    }
    expect(missing).toEqual([]);
  },
  (MAX_ROUNDS + 10) * ROUND_MS,
);
