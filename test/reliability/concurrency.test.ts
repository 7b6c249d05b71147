import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { waitFor } from "../system/servers.js";
import { check, readState, startCli, T0, tempDir, type Run } from "./harness.js";

// The probe's server holds every request until the test releases it: the run that gets the lock holds it exactly as
// long as the test needs (no race against a fixed delay that a busy machine can outlast).
// Deadlines below are for a machine ten times slower than an idle laptop; nothing asserts how fast a run is.
const SLOW_MACHINE_MS = 120_000;

let dir: string;
let smtp: SmtpSink;
let slow: http.Server;
let config: string;
let state: string;
/** Requests the server holds; `holding` false answers them (and every later one) at once. */
const held: http.ServerResponse[] = [];
let holding = true;
const release = () => {
  holding = false;
  for (const res of held.splice(0)) res.writeHead(503).end("busy");
};

beforeAll(async () => {
  dir = tempDir("lock");
  smtp = await startSmtp();
  slow = http.createServer((_req, res) => (holding ? held.push(res) : res.writeHead(503).end("busy")));
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  state = path.join(dir, "state.json");
  config = path.join(dir, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `state_file: ${state}
log_file: ${path.join(dir, "watchdog.log")}
run_timeout: 10m
channels:
  email: {type: email, host: 127.0.0.1, port: ${smtp.port}, from: wd@example.com, to: [ops@example.com], timeout: 1m}
escalation:
  - after: 1
    notify: [email]
checks:
  - name: slow-api
    type: http
    url: http://127.0.0.1:${(slow.address() as AddressInfo).port}/health
    timeout: 5m
`,
  );
});
afterAll(async () => {
  release();
  await smtp?.close();
  slow?.closeAllConnections();
  await new Promise((r) => slow?.close(r));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it(
  "20 checks at once: exactly one does the work, the others exit 75 while it still holds the lock",
  async () => {
    holding = true;
    const finished: Run[] = [];
    const runs = Array.from({ length: 20 }, () => check(config, T0).then((r) => (finished.push(r), r)));
    // The winner sits in its probe (the server holds the request); the 19 others must all end meanwhile.
    await waitFor("19 runs to give up on the lock", () => (finished.length >= 19 ? true : undefined), SLOW_MACHINE_MS);
    expect(held.length, "the winner's probe is still waiting: it holds the lock").toBe(1);
    expect(fs.existsSync(`${state}.lock`)).toBe(true);
    for (const r of finished) {
      expect(r.code, r.stderr).toBe(75);
      expect(r.stderr).toMatch(/another watchdog check \(pid \d+\) is running/);
    }
    release();
    const all = await Promise.all(runs);
    expect(all.map((r) => r.code).filter((c) => c === 0)).toHaveLength(1);
    // One run's work: one incident, one email.
    expect(smtp.mails).toHaveLength(1);
    expect(readState(state)!.checks["slow-api"]!.failStreak).toBe(1);
    expect(fs.existsSync(`${state}.lock`)).toBe(false);
  },
  2 * SLOW_MACHINE_MS,
);

it(
  "a lock left by a killed run is taken over by the next run",
  async () => {
    holding = true;
    const victim = startCli(["--config", config, "check"], { env: { WATCHDOG_TEST_NOW: String(T0 + 120_000) } });
    // Kill it while it holds the lock: its probe's request has reached the server, which holds it.
    await waitFor(
      "the run to probe while holding the lock",
      () => (held.length > 0 ? true : undefined),
      SLOW_MACHINE_MS,
    );
    expect(fs.existsSync(`${state}.lock`)).toBe(true);
    process.kill(victim.pid!, "SIGKILL");
    expect((await victim.done).signal).toBe("SIGKILL");
    expect(fs.readFileSync(`${state}.lock`, "utf8")).toContain(String(victim.pid));
    release();

    const next = await check(config, T0 + 240_000);
    expect(next.code, next.stderr).toBe(0);
    expect(fs.existsSync(`${state}.lock`)).toBe(false);
    expect(readState(state)!.checks["slow-api"]!.failStreak).toBe(2);
  },
  2 * SLOW_MACHINE_MS,
);
