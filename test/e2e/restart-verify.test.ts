import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { alive } from "../helpers/proc.js";
import { CLI, runAsCron, svcRestartConfig } from "./field-helpers.js";

// Restart hooks as cron runs them (env -i, cron's PATH), with services written the way AI services are: a server
// that loads its model before it binds, one that hangs (SIGSTOP) and keeps its port, a hook that cannot be executed.

let dir: string;
const pids: number[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-verify-"));
});

afterAll(() => {
  // Every server a test started wrote its pid file, whether or not the test got as far as reading it.
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (name.endsWith(".pid")) pids.push(Number(fs.readFileSync(path.join(dir, name), "utf8")));
  }
  for (const pid of pids.filter((p) => Number.isInteger(p) && p > 1)) {
    try {
      process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A Node HTTP server that "loads its model" for LOAD_MS, then binds PORT and answers "hi". */
const SERVER = `const load = Number(process.env.LOAD_MS || 0);
require("fs").writeFileSync(process.env.PIDFILE, String(process.pid));
// A deadlocked server does not act on TERM either.
if (process.env.IGNORE_TERM) process.on("SIGTERM", () => {});
const serve = () => require("http").createServer((q, s) => s.end("hi\\n")).\
listen(Number(process.env.PORT), "127.0.0.1");
setTimeout(serve, load);
`;

/** setup writes a config whose one tcp check has the given restart block (YAML lines under `restart:`). */
async function setup(name: string, restart: string, type = "tcp") {
  const home = path.join(dir, name);
  fs.mkdirSync(home);
  const port = await freePort();
  fs.writeFileSync(path.join(home, "server.js"), SERVER);
  const config = path.join(home, "wd.yaml");
  fs.writeFileSync(
    config,
    svcRestartConfig(
      `${home}/state/state.json`,
      "host: box\n",
      `${type === "tcp" ? `type: tcp\nhost: 127.0.0.1\nport: ${port}` : `type: http\nurl: http://127.0.0.1:${port}/`}
timeout: 1s`,
      restart,
    ),
  );
  return { home, port, config, pidFile: path.join(home, "server.pid") };
}

const run = (config: string) => runAsCron(`${process.execPath} ${CLI} -c ${config} check`);

function pidOf(file: string): number {
  const pid = Number(fs.readFileSync(file, "utf8"));
  pids.push(pid);
  return pid;
}

describe("a hook that cannot be executed", () => {
  it("names the file and the fix (chmod +x), not a bare EACCES", async () => {
    const s = await setup("noexec", "command: [HOOK]");
    const hook = path.join(s.home, "restart.sh");
    fs.writeFileSync(hook, "#!/bin/sh\nexit 0\n", { mode: 0o644 });
    fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("HOOK", JSON.stringify(hook)));
    const r = await run(s.config);
    expect(r.code).toBe(0);
    expect(r.mail).toBe("");
    expect(r.stdout).toContain(
      `cannot execute ${hook}: permission denied (fix: chmod +x ${hook}, or run it through its interpreter)`,
    );
    expect(r.stdout).not.toMatch(/failed: EACCES/);
  }, 60_000);
});

describe("a service that loads its model before it binds", () => {
  it("is polled until it answers: the restart helped, and the message says how long it took", async () => {
    const s = await setup("slow", "command: HOOK\nshell: true\nverify_after: 0s\nverify_within: 30s");
    const hook = `cd ${s.home} && PORT=${s.port} LOAD_MS=4000 PIDFILE=server.pid nohup ${process.execPath} server.js &`;
    fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("HOOK", JSON.stringify(hook)));
    const r = await run(s.config);
    expect(r.code).toBe(0);
    expect(r.mail).toBe("");
    expect(r.stdout).toMatch(/restart svc: restart helped/);
    expect(r.stdout).toMatch(/back after \d+(\.\d)?s/);
    expect(alive(pidOf(s.pidFile))).toBe(true);
    // The next run finds it up: the recovery counts the restart as one that helped.
    const next = await run(s.config);
    expect(next.stdout).toMatch(/1 restart made, 1 helped/);
  }, 60_000);

  it(
    "one that never comes back within verify_within did not help, " + "and the message says how long it waited",
    async () => {
      const s = await setup("never", "command: HOOK\nshell: true\nverify_after: 0s\nverify_within: 3s");
      const hook =
        `cd ${s.home} && PORT=${s.port} LOAD_MS=600000 PIDFILE=server.pid ` + `nohup ${process.execPath} server.js &`;
      fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("HOOK", JSON.stringify(hook)));
      const r = await run(s.config);
      pidOf(s.pidFile);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/restart svc: restart did not help/);
      expect(r.stdout).toMatch(/still down after 3s/);
    },
    60_000,
  );
});

describe("a hung service that keeps its port", () => {
  /** startHung starts the service as a person would have, waits until it answers, then freezes it (SIGSTOP). */
  async function startHung(s: { home: string; port: number }, ignoreTerm = false): Promise<number> {
    const child = spawn(process.execPath, ["server.js"], {
      cwd: s.home,
      env: { PORT: String(s.port), PIDFILE: "old.pid", ...(ignoreTerm ? { IGNORE_TERM: "1" } : {}) },
      detached: true,
      stdio: "ignore",
    });
    child.unref();
    pids.push(child.pid!);
    for (let i = 0; i < 200 && !(await answers(s.port)); i++) await new Promise((r) => setTimeout(r, 50));
    process.kill(child.pid!, "SIGSTOP");
    return child.pid!;
  }

  /** setupNohup is setup's http check restarted by the `nohup ... &` hook people write; RESTART adds restart keys. */
  async function setupNohup(name: string, restart: string) {
    const s = await setup(name, `command: HOOK\nshell: true\n${restart}`, "http");
    const hook = `cd ${s.home} && PORT=${s.port} PIDFILE=server.pid nohup ${process.execPath} server.js &`;
    fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("HOOK", JSON.stringify(hook)));
    return s;
  }
  /** STOP_HUNG ends what holds the port before the hook; HELD lets the hook run into it and gives up after 3s. */
  const STOP_HUNG = "stop_hung: true\nstop_grace: 1s\nverify_after: 0s\nverify_within: 20s";
  const HELD = "verify_after: 0s\nverify_within: 3s";

  it(
    "stop_hung ends what holds the check's port (TERM, " + "then KILL) before the nohup hook starts a new copy",
    async () => {
      const s = await setupNohup("hung", STOP_HUNG);
      const old = await startHung(s);
      const r = await run(s.config);
      expect(r.code).toBe(0);
      expect(r.mail).toBe("");
      expect(r.stdout).toMatch(/restart svc: restart helped/);
      expect(r.stdout).toContain(`stopped first: pid ${old} (node) listening on port ${s.port}`);
      expect(alive(old)).toBe(false);
      expect(alive(pidOf(s.pidFile))).toBe(true);
      expect(await answers(s.port)).toBe(true);
    },
    60_000,
  );

  it("one that ignores TERM is KILLed after stop_grace, and the message says so", async () => {
    const s = await setupNohup("deaf", STOP_HUNG);
    const old = await startHung(s, true);
    const r = await run(s.config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restart svc: restart helped/);
    expect(r.stdout).toContain(`stopped first: pid ${old} (node) listening on port ${s.port} (KILL after 1s)`);
    expect(alive(old)).toBe(false);
    pidOf(s.pidFile);
  }, 60_000);

  it("without stop_hung the new copy cannot bind: the message names who holds the port and what to set", async () => {
    const s = await setupNohup("held", HELD);
    const old = await startHung(s);
    const r = await run(s.config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restart svc: restart did not help/);
    expect(r.stdout).toContain(`port ${s.port} is still held by pid ${old} (node): set restart.stop_hung: true`);
  }, 60_000);

  it("in zh-CN, what was stopped first and who still holds the port are said in Chinese", async () => {
    const zh = (f: string) =>
      fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("host: box\n", "host: box\nlocale: zh-CN\n"));
    const held = await setupNohup("held-zh", HELD);
    zh(held.config);
    const stuck = await startHung(held);
    const r = await run(held.config);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`端口 ${held.port} 仍被 pid ${stuck}（node）占用：设置 restart.stop_hung: true`);
    expect(r.stdout).not.toContain("is still held by");

    const deaf = await setupNohup("deaf-zh", STOP_HUNG);
    zh(deaf.config);
    const old = await startHung(deaf, true);
    const k = await run(deaf.config);
    expect(k.code).toBe(0);
    expect(k.stdout).toContain(`已先停止监听端口 ${deaf.port} 的进程 pid ${old}（node）（等待 1秒 后 KILL）`);
    expect(k.stdout).not.toContain("stopped first");
    pidOf(deaf.pidFile);
  }, 90_000);

  it("a stop command runs before the hook, and the message says so", async () => {
    const s = await setupNohup("stopcmd", "stop: STOP\nverify_after: 0s\nverify_within: 20s");
    const stop = JSON.stringify(`kill -KILL $(cat ${s.home}/old.pid)`);
    fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("STOP", stop));
    const old = await startHung(s);
    const r = await run(s.config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restart svc: restart helped/);
    expect(r.stdout).toContain("stop command exited 0");
    expect(alive(old)).toBe(false);
    expect(alive(pidOf(s.pidFile))).toBe(true);
  }, 60_000);
});

/** answers says whether something on port accepts a connection and answers. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    sock.setTimeout(500, () => sock.destroy());
    sock.on("connect", () => sock.write("GET / HTTP/1.0\r\n\r\n"));
    sock.on("data", () => {
      sock.destroy();
      resolve(true);
    });
    sock.on("error", () => resolve(false));
    sock.on("close", () => resolve(false));
  });
}

describe("watchdog validate", () => {
  it("refuses stop_hung on a check without a port, and warns when verify_within outlasts run_timeout", async () => {
    const home = path.join(dir, "validate");
    fs.mkdirSync(home);
    const config = path.join(home, "wd.yaml");
    fs.writeFileSync(
      config,
      `state_file: ${home}/state.json
run_timeout: 60s
channels:
  out: {type: console}
checks:
  - name: web
    type: tcp
    host: 127.0.0.1
    port: 9
    restart: {command: [/bin/true], verify_within: 5m}
  - name: tts
    type: process
    match: tts-server
    restart: {command: [/bin/true], stop_hung: true}
`,
    );
    const r = await runAsCron(`${process.execPath} ${CLI} -c ${config} validate 2>&1`);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/wd\.yaml:\d+:\d+: checks\[1\]\.restart\.stop_hung: .*only tcp and http checks/);
    // Without the error, the warning is said (and the config is valid).
    fs.writeFileSync(config, fs.readFileSync(config, "utf8").replace(/ {2}- name: tts[^]*$/, ""));
    const w = await runAsCron(`${process.execPath} ${CLI} -c ${config} validate 2>&1`);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/wd\.yaml:\d+:\d+: checks\[0\]\.restart\.verify_within: .*run_timeout/);
  }, 60_000);
});
