import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnLockHolder, startTimeOf } from "../helpers/lock-holder.js";
import { freePort } from "../helpers/net.js";
import { startCli, tempDir } from "../reliability/harness.js";

// A lock is honoured only when its owner is proven to be a watchdog run started at the recorded time: a lock holding
// a bare live pid (`1`) used to turn every run away with 75, forever.

let dir: string;
let config: string;
beforeAll(async () => {
  dir = tempDir("lock-cli");
  config = path.join(dir, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `channels: {out: {type: console}}\nescalation: [{after: 1, notify: [out]}]\nchecks:\n` +
      `  - {name: svc, type: tcp, port: ${await freePort()}, timeout: 1s}\n`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
let state = "";
/** checkWithLock runs check on a fresh state file whose lock holds CONTENT. */
async function checkWithLock(content: string) {
  state = `${dir}/s${n++}.json`;
  fs.writeFileSync(`${state}.lock`, content);
  return startCli(["--config", config, "--state", state, "check"]).done;
}

describe("a lock left by something that is not a watchdog run", () => {
  it.each([
    ["pid 1 and nothing else (alive, no start time)", () => "1\n"],
    ["pid 1 with a start time that is not its own", () => "1 999999999\n"],
  ])(
    "%s is taken over: the run goes on and alerts",
    async (_name, content) => {
      const r = await checkWithLock(content());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("CRITICAL svc");
      expect(fs.existsSync(`${state}.lock`)).toBe(false);
    },
    60_000,
  );

  it("a live program that is not watchdog, with its true start time, is taken over", async () => {
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const r = await checkWithLock(`${sleeper.pid} ${startTimeOf(sleeper.pid!)}\n`);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      sleeper.kill("SIGKILL");
    }
  }, 60_000);

  it("a live watchdog run with its true start time still holds it: 75", async () => {
    const holder = spawnLockHolder();
    try {
      const r = await checkWithLock(holder.line);
      expect(r.code).toBe(75);
      expect(r.stderr.trim()).toBe(`another watchdog check (pid ${holder.child.pid}) is running`);
    } finally {
      holder.child.kill("SIGKILL");
      fs.rmSync(`${state}.lock`, { force: true });
    }
  }, 60_000);
});
