import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { cli, installEmailConfig, runAsCron, useField, writePrivate } from "./field-helpers.js";

// A model server restarted by "the system" (systemd Restart=always, docker restart): the test kills it and starts a
// new copy, with a new start time, which loads its model before it binds its port. Each run is the built CLI as cron
// runs it (env -i, stderr as the only mail), in real time; a run "later" sets WATCHDOG_TEST_NOW ahead of the clock.
const field = useField();
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

// The load time is read from a file, so every copy has the same command line, as a unit's restarts have.
const SERVER = `import sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
time.sleep(float(open(sys.argv[2]).read()))
HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
`;

// The interpreter itself, not a version manager's shim script: the copy must be python from the moment it starts.
const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();

/** Service is one slow-loading server on port: start() is the system starting a copy, stop() killing it. */
function service(dir: string, port: number) {
  const script = writePrivate(path.join(dir, "model_server.py"), SERVER);
  const loadFile = path.join(dir, "load-seconds");
  let child: ChildProcess | undefined;
  return {
    start(loadSeconds: number) {
      fs.writeFileSync(loadFile, String(loadSeconds));
      child = spawn(PYTHON, [script, String(port), loadFile], { stdio: "ignore" });
      children.push(child);
    },
    pid: () => child?.pid,
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise((resolve) => (c.once("exit", resolve), c.kill("SIGKILL")));
    },
  };
}

/** listening waits (bounded) until something accepts on port. */
async function listening(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** setup writes a config with one http check on port (`extra` adds keys to it) and installs its cron line. */
async function setup(name: string, extra = "") {
  const dir = path.join(field.dir, name);
  const port = await freePort();
  const { command, config } = await installEmailConfig(
    dir,
    field.smtp.port,
    `escalation: [{after: 1, notify: [email]}]
checks:
  - {name: ${name}, type: http, url: "http://127.0.0.1:${port}/health", timeout: 2s${extra}}
`,
  );
  /** cron runs the cron line now, or `aheadMs` later; it never mails (stderr) and exits 0. */
  const cron = async (aheadMs = 0) => {
    const r = await runAsCron(command, aheadMs ? { WATCHDOG_TEST_NOW: String(Date.now() + aheadMs) } : {});
    expect({ code: r.code, mail: r.mail }).toEqual({ code: 0, mail: "" });
  };
  const status = async (aheadMs = 0) =>
    (await cli(["status", "--config", config], aheadMs ? { WATCHDOG_TEST_NOW: String(Date.now() + aheadMs) } : {}))
      .stdout;
  const svc = service(dir, port);
  /** seenUp starts the service and lets a cron run see it pass: the start the next one is told apart from. */
  const seenUp = async () => {
    svc.start(0);
    await listening(port);
    await cron();
  };
  /** restart is the system restarting it: the copy killed, a new one that loads `loadSeconds` before it binds. */
  const restart = async (loadSeconds: number) => {
    await svc.stop();
    svc.start(loadSeconds);
  };
  return { dir, port, config, cron, status, svc, seenUp, restart };
}

const mailsAbout = (check: string) => field.smtp.mails.filter((m) => m.subject?.includes(` ${check} `));

describe("warm-up after a restart", () => {
  it("holds alerts while a restarted model loads, learns how long it took, and pages once that is over", async () => {
    const { port, config, cron, status, seenUp, restart } = await setup("tts");
    await seenUp();
    // The system restarts it: the new copy loads its model for 3 s before it binds. Run 1 is not an outage.
    await restart(3);
    await cron();
    expect(await status()).toMatch(/warming up: restarted \d+m?s ago/);
    await listening(port);
    await cron();
    expect(mailsAbout("tts")).toEqual([]);
    // A second restart, and this copy never comes back: held for as long as it took last time (and a margin)...
    await restart(600);
    await cron();
    expect(await status()).toMatch(/warming up: restarted \d+m?s ago, came back in \d+s last time/);
    const page = await cli(["status", "--config", config, "--html", "-"]);
    expect(page.stdout).toMatch(/warming up: restarted \d+m?s ago, came back in \d+s last time/);
    expect(mailsAbout("tts")).toEqual([]);
    // ...not for the whole start_grace (5m): a minute later it pages, and says why it pages now.
    await cron(60_000);
    await expect.poll(() => mailsAbout("tts").length).toBe(1);
    const text = mailsAbout("tts")[0]!.text;
    expect(text).toMatch(/restarted 1m( \d+s)? ago and has not come back \(it came back in \d+s last time\)/);
  });

  it("a service that never comes back pages once start_grace is over", async () => {
    const { cron, status, seenUp, restart } = await setup("llm", ", start_grace: 2m");
    await seenUp();
    await restart(600);
    await cron();
    await cron(60_000);
    expect(await status(60_000)).toMatch(/warming up: restarted 1m( \d+s)? ago/);
    expect(mailsAbout("llm")).toEqual([]);
    await cron(125_000);
    await expect.poll(() => mailsAbout("llm").length).toBe(1);
    expect(mailsAbout("llm")[0]!.text).toMatch(/restarted 2m( \d+s)? ago and has not come back/);
  });

  it("a new copy that hangs (SIGSTOP) is not warming up: it pages at once", async () => {
    const { port, cron, svc, seenUp, restart } = await setup("vad");
    await seenUp();
    await restart(0);
    await listening(port);
    process.kill(svc.pid()!, "SIGSTOP");
    await cron();
    await expect.poll(() => mailsAbout("vad").length).toBe(1);
    expect(mailsAbout("vad")[0]!.text).not.toContain("has not come back");
  });

  it("start_grace: 0s pages at the first failing run", async () => {
    const { cron, seenUp, restart } = await setup("asr", ", start_grace: 0s");
    await seenUp();
    await restart(600);
    await cron();
    await expect.poll(() => mailsAbout("asr").length).toBe(1);
    expect(mailsAbout("asr")[0]!.text).not.toContain("has not come back");
  });
});
