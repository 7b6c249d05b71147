import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { openEmailChannel, useField } from "./field-helpers.js";

// The pipeline end to end, through the built CLI: a TCP service that is down, a real SMTP server,
// a restart hook that brings the service up, and the recovery notice.

const field = useField({ open: true });
let port: number;
let pidFile: string;

beforeAll(async () => {
  port = await freePort();
  pidFile = path.join(field.dir, "service.pid");
  // The "service": a TCP server started detached by the restart hook, as systemctl would.
  fs.writeFileSync(
    path.join(field.dir, "start-service.cjs"),
    `const { spawn } = require("child_process");
const child = spawn(process.execPath, \
["-e", "require('net').createServer(s => s.end()).listen(${port}, '127.0.0.1')"], { detached: true, stdio: "ignore" });
require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
child.unref();
console.log("started service pid " + child.pid);
// Wait (bounded) until it answers, as a careful restart script does: verify_after need not guess how long a busy
// machine takes to start node.
let tries = 0;
(function poll() {
  const s = require("net").connect(${port}, "127.0.0.1", () => s.destroy());
  s.on("error", () => ++tries < 300 && setTimeout(poll, 50));
})();`,
  );
  fs.writeFileSync(
    path.join(field.dir, "watchdog.yaml"),
    `host: e2e-box
state_file: ${field.dir}/state/state.json
channels:
${openEmailChannel("email", field.smtp.port)}escalation:
  - after: 1
    notify: [email]
  - after: 3
    notify: [email]
    restart: true
repeat_every: 30m
recover_after: 1
checks:
  - name: tts-port
    type: tcp
    host: 127.0.0.1
    port: ${port}
    timeout: 2s
    runbook: "journalctl -u tts -n 50"
    restart:
      command: ["${process.execPath}", "${field.dir}/start-service.cjs"]
      timeout: 10s
      verify_after: 300ms
      limit: {max: 2, within: 30m}
`,
  );
});

afterAll(async () => {
  try {
    process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGKILL");
  } catch {
    // The service was never started.
  }
});

const cfg = () => ["--config", path.join(field.dir, "watchdog.yaml")];

describe("watchdog check, end to end", () => {
  it(
    "emails at run 1, stays quiet at run 2, " + "restarts at run 3 (and says it helped), sends recovery at run 4",
    async () => {
      const r1 = await runCli(["check", ...cfg()]);
      expect(r1.code).toBe(0);
      expect(r1.stdout).toMatch(/tts-port\s+CRITICAL\s+1/);
      expect(field.smtp.mails).toHaveLength(1);
      expect(field.smtp.mails[0]!.subject).toBe("[watchdog] CRITICAL tts-port on e2e-box");
      expect(field.smtp.mails[0]!.text).toContain("refused the connection");
      expect(field.smtp.mails[0]!.text).toContain("Runbook: journalctl -u tts -n 50");

      // --dry-run: probes, prints the would-be actions, writes and sends nothing.
      const stateFile = path.join(field.dir, "state", "state.json");
      const before = fs.readFileSync(stateFile);
      const dry = await runCli(["check", "--dry-run", ...cfg()]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("dry run");
      expect(fs.readFileSync(stateFile).equals(before)).toBe(true);
      expect(field.smtp.mails).toHaveLength(1);

      const r2 = await runCli(["check", ...cfg()]);
      expect(r2.code).toBe(0);
      expect(r2.stdout).toMatch(/tts-port\s+CRITICAL\s+2/);
      expect(field.smtp.mails).toHaveLength(1);

      // Dry run at the restart step shows the restart and the message it would send.
      const dry3 = await runCli(["check", "--dry-run", ...cfg()]);
      expect(dry3.stdout).toContain("would restart tts-port");
      expect(dry3.stdout).toContain("would send to email: [watchdog] CRITICAL tts-port on e2e-box");
      expect(fs.existsSync(pidFile)).toBe(false);

      const r3 = await runCli(["check", ...cfg()]);
      expect(r3.code).toBe(0);
      expect(r3.stdout).toContain("restart tts-port: restart helped");
      expect(field.smtp.mails).toHaveLength(2);
      expect(field.smtp.mails[1]!.text).toMatch(/Restart: restart helped \(exit 0 after/);
      expect(field.smtp.mails[1]!.text).toContain("started service pid");

      const r4 = await runCli(["check", ...cfg()]);
      expect(r4.code).toBe(0);
      expect(r4.stdout).toMatch(/tts-port\s+OK/);
      expect(field.smtp.mails).toHaveLength(3);
      expect(field.smtp.mails[2]!.subject).toMatch(/^\[watchdog\] RECOVERED tts-port on e2e-box after \d+(ms|s)/);
      expect(field.smtp.mails[2]!.text).toMatch(/Outage: \d/);
      expect(field.smtp.mails[2]!.text).toContain("1 restart made, 1 helped");

      const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      expect(state.checks["tts-port"].incident).toBeUndefined();
      expect(state.outbox).toEqual([]);
      expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
      const log = fs
        .readFileSync(path.join(field.dir, "state", "watchdog.log"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(log.filter((l) => l.event === "run")).toHaveLength(4);
      expect(log.filter((l) => l.event === "sent")).toHaveLength(3);
    },
  );
});
