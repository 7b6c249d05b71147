import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { svcRestartConfig } from "./field-helpers.js";

// The daemon e2e: the built CLI in a loop against a local TCP service that goes down and up, a SIGHUP with a broken
// then a changed config, SIGTERM; checked through its console channel output, /metrics, the history and the state.
let dir: string;
let daemon: ChildProcess | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-daemon-"));
});
afterEach(() => {
  daemon?.kill("SIGKILL");
  daemon = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** service is a TCP listener that can go down and come back on the same port. */
function service(port: number) {
  let srv: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  return {
    up: () =>
      new Promise<void>((resolve) => {
        srv = net.createServer((s) => {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.end();
        });
        srv.listen(port, "127.0.0.1", resolve);
      }),
    down: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!srv) return resolve();
        srv.close(() => resolve());
        srv = undefined;
      }),
  };
}

/** start runs the daemon and collects its output; `until` waits (bounded) for a pattern to appear after `from`. */
function start(config: string) {
  const child = spawn(process.execPath, [CLI, "-c", config, "daemon"], {
    env: { ...process.env, HOME: dir, WATCHDOG_CONFIG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  daemon = child;
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (c) => (out.stdout += c));
  child.stderr!.on("data", (c) => (out.stderr += c));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const until = async (re: RegExp, from = 0, stream: "stdout" | "stderr" = "stdout", ms = 60_000) => {
    for (let waited = 0; waited < ms; waited += 50) {
      const hit = re.exec(out[stream].slice(from));
      if (hit) return from + hit.index + hit[0].length;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${re} in ${stream}:\n${out.stdout}\n--- stderr:\n${out.stderr}`);
  };
  return { child, out, exited, until };
}

const configText = (state: string, port: number, metricsPort: number, extra = "") => `state_file: ${state}
interval: 300ms
channels:
  out: {type: console}
escalation:
  - after: 1
    notify: [out]
repeat_every: 0
metrics:
  listen: 127.0.0.1:${metricsPort}
checks:
  - name: svc
    type: tcp
    host: 127.0.0.1
    port: ${port}
    timeout: 1s
${extra}`;

describe("watchdog daemon", () => {
  it(
    "runs cycles, notifies down and up, " +
      "reloads on SIGHUP (keeping the old config when the new one is bad), stops on SIGTERM",
    async () => {
      const port = await freePort();
      const metricsPort = await freePort();
      const missing = await freePort();
      const svc = service(port);
      await svc.up();
      const state = path.join(dir, "state", "state.json");
      const config = path.join(dir, "wd.yaml");
      fs.writeFileSync(config, configText(state, port, metricsPort));
      const d = start(config);
      try {
        let at = await d.until(/run: 1 checked, all ok/);
        // The daemon holds the lock: a cron run is turned away with 75.
        const cron = await runCli(["-c", config, "check"], { env: { HOME: dir, WATCHDOG_CONFIG: "" } });
        expect(cron.code).toBe(75);
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(metrics).toMatch(/^watchdog_/m);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);

        await svc.down();
        at = await d.until(/\[watchdog\] CRITICAL svc on /, at);
        await svc.up();
        at = await d.until(/\[watchdog\] RECOVERED svc on /, at);

        // A silence given while the daemon holds the lock is queued and applied by its next run.
        const sil = await runCli(["-c", config, "silence", "add", "svc", "--for", "1h"], {
          env: { HOME: dir, WATCHDOG_CONFIG: "" },
        });
        expect(sil.stdout).toContain("queued");

        // A broken config: reported, the old one kept, the loop goes on.
        fs.writeFileSync(config, "checks: [{name: x, type: nope}]\n");
        d.child.kill("SIGHUP");
        await d.until(/config reload failed, keeping the old config: .*wd\.yaml:1:/, 0, "stderr");
        at = await d.until(/run: 1 checked, all ok/, d.out.stdout.length);

        // A changed config: a second check that fails at once.
        fs.writeFileSync(
          config,
          configText(
            state,
            port,
            metricsPort,
            `  - name: extra\n    type: tcp\n    host: 127.0.0.1\n    port: ${missing}\n`,
          ),
        );
        d.child.kill("SIGHUP");
        at = await d.until(/config reloaded/, at);
        at = await d.until(/\[watchdog\] CRITICAL extra on /, at);

        d.child.kill("SIGTERM");
        expect(await d.exited).toBe(0);
        expect(d.out.stdout).toContain("watchdog daemon: stopped");
        expect(fs.existsSync(`${state}.lock`)).toBe(false);

        const saved = JSON.parse(fs.readFileSync(state, "utf8"));
        expect(saved.checks.svc.status).toBe("ok");
        expect(saved.checks.extra.status).toBe("critical");
        expect(saved.silences.map((s: { pattern: string }) => s.pattern)).toEqual(["svc"]);
        expect(saved.lastRun.startedAt).toBeGreaterThan(0);
        const events = fs
          .readFileSync(path.join(dir, "state", "history.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        const types = events.map(
          (e: { type: string; check?: string; ok?: boolean }) =>
            `${e.type}${e.check ? `:${e.check}` : ""}${e.ok === false ? ":failed" : ""}`,
        );
        expect(types).toEqual(
          expect.arrayContaining([
            "incident_open:svc",
            "incident_close:svc",
            "transition:svc",
            "notify",
            "config_reload:failed",
            "config_reload",
            "silence",
            "incident_open:extra",
          ]),
        );
      } finally {
        await svc.down();
      }
    },
    180_000,
  );

  it("SIGTERM during a restart hook lets the hook finish and saves the run", async () => {
    const down = await freePort();
    const state = path.join(dir, "state", "state.json");
    const marker = path.join(dir, "hook-started");
    const config = path.join(dir, "wd.yaml");
    fs.writeFileSync(
      config,
      svcRestartConfig(
        state,
        "interval: 300ms\n",
        `type: tcp\nhost: 127.0.0.1\nport: ${down}\ntimeout: 1s`,
        `command: [sh, -c, "touch ${marker}; sleep 1"]\nverify_after: 0s`,
      ),
    );
    const d = start(config);
    for (let i = 0; i < 1200 && !fs.existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(marker)).toBe(true);
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
    expect(d.out.stdout).toMatch(/restarted svc/);
    const saved = JSON.parse(fs.readFileSync(state, "utf8"));
    expect(saved.checks.svc.incident.restarts).toBe(1);
    const restart = fs
      .readFileSync(path.join(dir, "state", "history.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((e: { type: string }) => e.type === "restart");
    expect(restart).toMatchObject({ check: "svc", exitCode: 0, signal: null, helped: false });
  }, 120_000);
});
