import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { alive } from "../helpers/proc.js";
import { CLI, runAsCron } from "./field-helpers.js";

// Restart hooks as cron runs them (env -i, cron's PATH), with services written the way AI services are: a server
// that loads its model before it binds, one that hangs (SIGSTOP) and keeps its port, a hook that cannot be executed.

let dir: string;
const pids: number[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-verify-"));
});

afterAll(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A Node server that "loads its model" for LOAD_MS, then binds PORT and answers "hi". */
const SERVER = `const load = Number(process.env.LOAD_MS || 0);
require("fs").writeFileSync(process.env.PIDFILE, String(process.pid));
setTimeout(() => require("net").createServer((s) => s.end("hi\\n")).listen(Number(process.env.PORT), "127.0.0.1"), load);
`;

/** setup writes a config whose one tcp check has the given restart block (YAML lines under `restart:`). */
async function setup(name: string, restart: string, extra = "") {
  const home = path.join(dir, name);
  fs.mkdirSync(home);
  const port = await freePort();
  fs.writeFileSync(path.join(home, "server.js"), SERVER);
  const config = path.join(home, "wd.yaml");
  fs.writeFileSync(
    config,
    `state_file: ${home}/state/state.json
host: box
${extra}channels:
  out: {type: console}
escalation:
  - after: 1
    notify: [out]
    restart: true
checks:
  - name: svc
    type: tcp
    host: 127.0.0.1
    port: ${port}
    timeout: 1s
    restart:
${restart.replace(/^/gm, "      ")}
`,
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
    expect(r.stdout).toContain(`cannot execute ${hook}: permission denied (fix: chmod +x ${hook}, or run it through its interpreter)`);
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
  }, 60_000);

  it("one that never comes back within verify_within did not help, and the message says how long it waited", async () => {
    const s = await setup("never", "command: HOOK\nshell: true\nverify_after: 0s\nverify_within: 3s");
    const hook = `cd ${s.home} && PORT=${s.port} LOAD_MS=600000 PIDFILE=server.pid nohup ${process.execPath} server.js &`;
    fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("HOOK", JSON.stringify(hook)));
    const r = await run(s.config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restart svc: restart did not help/);
    expect(r.stdout).toMatch(/still down after 3s/);
    pidOf(s.pidFile);
  }, 60_000);
});
