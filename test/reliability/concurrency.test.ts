import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { waitFor } from "../system/servers.js";
import { check, readState, startCli, T0, tempDir } from "./harness.js";

// The probe's server answers after HOLD ms: the run that gets the lock holds it that long.
const HOLD = 6000;

let dir: string;
let smtp: SmtpSink;
let slow: http.Server;
let config: string;
let state: string;

beforeAll(async () => {
  dir = tempDir("lock");
  smtp = await startSmtp();
  slow = http.createServer((_req, res) => setTimeout(() => res.writeHead(503).end("busy"), HOLD));
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  state = path.join(dir, "state.json");
  config = path.join(dir, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `state_file: ${state}
log_file: ${path.join(dir, "watchdog.log")}
channels:
  email: {type: email, host: 127.0.0.1, port: ${smtp.port}, from: wd@example.com, to: [ops@example.com], timeout: 5s}
escalation:
  - after: 1
    notify: [email]
checks:
  - name: slow-api
    type: http
    url: http://127.0.0.1:${(slow.address() as AddressInfo).port}/health
    timeout: 20s
`,
  );
});
afterAll(async () => {
  await smtp?.close();
  slow?.closeAllConnections();
  await new Promise((r) => slow?.close(r));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("20 checks started at once: exactly one does the work, the others exit 75 at once without waiting", async () => {
  const runs = await Promise.all(Array.from({ length: 20 }, () => check(config, T0)));
  const codes = runs.map((r) => r.code);
  expect(codes.filter((c) => c === 0)).toHaveLength(1);
  expect(codes.filter((c) => c === 75)).toHaveLength(19);
  const worker = runs.find((r) => r.code === 0)!;
  // The losers did not wait for the lock: each lived far less than the HOLD the winner spent probing.
  for (const r of runs.filter((x) => x.code === 75)) {
    expect(r.stderr).toMatch(/another watchdog check \(pid \d+\) is running/);
    expect(r.ms).toBeLessThan(HOLD - 1000);
  }
  console.log(`lock: winner ${Math.round(worker.ms)} ms; losers exited after ${runs.filter((x) => x.code === 75).map((r) => Math.round(r.ms)).sort((a, b) => a - b).join(", ")} ms`);
  // One run's work: one incident, one email.
  expect(smtp.mails).toHaveLength(1);
  expect(readState(state)!.checks["slow-api"]!.failStreak).toBe(1);
  expect(fs.existsSync(`${state}.lock`)).toBe(false);
}, 60_000);

it("a lock left by a killed run is taken over by the next run", async () => {
  const victim = startCli(["--config", config, "check"], { env: { WATCHDOG_TEST_NOW: String(T0 + 120_000) } });
  // Kill it while it holds the lock (it is waiting on the slow probe).
  await waitFor("the run to take the lock", () => (fs.existsSync(`${state}.lock`) ? true : undefined), 10_000);
  await new Promise((r) => setTimeout(r, 300));
  process.kill(victim.pid!, "SIGKILL");
  expect((await victim.done).signal).toBe("SIGKILL");
  expect(fs.readFileSync(`${state}.lock`, "utf8")).toContain(String(victim.pid));

  const next = await check(config, T0 + 240_000);
  expect(next.code, next.stderr).toBe(0);
  expect(fs.existsSync(`${state}.lock`)).toBe(false);
  expect(readState(state)!.checks["slow-api"]!.failStreak).toBe(2);
}, 60_000);
