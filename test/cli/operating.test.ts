import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { freePort as closedPort } from "../helpers/net.js";
import { spawnLockHolder } from "../helpers/lock-holder.js";

// These drive the built CLI (dist/watchdog.cjs, made by `npm test` before vitest runs).
let dir: string;
let children: ChildProcess[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-op-"));
});
afterEach(() => {
  for (const c of children) c.kill("SIGKILL");
  children = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

/** setup writes a config with two failing tcp checks (api, and worker depending on it) and a healthy-looking third. */
async function setup(extra = ""): Promise<string> {
  const port = await closedPort();
  const file = path.join(dir, "wd.yaml");
  fs.writeFileSync(
    file,
    `state_file: ${dir}/state/state.json
channels:
  out: {type: console}
escalation:
  - after: 1
    notify: [out]
  - after: 3
    notify: [out]
repeat_every: 0
checks:
  - name: api
    type: tcp
    host: 127.0.0.1
    port: ${port}
  - name: worker
    type: tcp
    host: 127.0.0.1
    port: ${port}
    depends_on: [api]
  - name: gpu-0
    type: tcp
    host: 127.0.0.1
    port: ${port}
${extra}`,
  );
  return file;
}
const env = () => ({ HOME: dir, WATCHDOG_CONFIG: "" });
const cli = (file: string, ...args: string[]) => runCli(["-c", file, ...args], { cwd: dir, env: env() });
const state = () => JSON.parse(fs.readFileSync(path.join(dir, "state/state.json"), "utf8"));

describe("watchdog status", () => {
  it("fits 80 columns without colour when not on a TTY, and --json carries the same facts", async () => {
    const file = await setup();
    await cli(file, "check");
    await cli(file, "check");
    const r = await cli(file, "status");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\u001b[");
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^api\s+CRITICAL\s+2\s/m);
    expect(r.stdout).toMatch(/^worker\s+CRITICAL\s+2\s.*held \(depends_on\)/m);
    expect(r.stdout).toContain("outbox: 0 waiting");
    const j = JSON.parse((await cli(file, "status", "--json")).stdout);
    expect(j.checks.map((c: { name: string; failStreak: number }) => `${c.name}:${c.failStreak}`)).toEqual([
      "api:2",
      "worker:2",
      "gpu-0:2",
    ]);
    expect(j.checks[0].incident.notified).toEqual(["out"]);
    expect(j.lastRun.startedAt).toMatch(/^\d{4}-/);
  });
});

describe("watchdog silence", () => {
  it("mutes matching checks: the state moves, nothing is sent; remove ends it", async () => {
    const file = await setup();
    const add = await cli(file, "silence", "add", "gpu-*", "--for", "2h", "--reason", "driver upgrade");
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/silenced gpu-0 for 2h, until .* \(id ([0-9a-f]{8})\)/);
    const id = /\(id ([0-9a-f]{8})\)/.exec(add.stdout)![1]!;
    const run = await cli(file, "check");
    expect(run.stdout).toContain("[watchdog] CRITICAL api");
    expect(run.stdout).not.toMatch(/CRITICAL gpu-0 on/);
    expect(state().checks["gpu-0"].failStreak).toBe(1);
    const list = await cli(file, "silence", "list");
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+gpu-\\*\\s+1h 59m left.*driver upgrade`));
    expect((await cli(file, "status")).stdout).toMatch(/^gpu-0\s+CRITICAL.*silenced 1h/m);
    const rm = await cli(file, "silence", "remove", id.slice(0, 4));
    expect(rm.code).toBe(0);
    expect((await cli(file, "silence", "list")).stdout).toContain("no active silences");
    // The silence has ended on a failing check: the ladder resumes with one notification for it.
    const after = await cli(file, "check");
    expect(after.stdout.match(/CRITICAL gpu-0 on/g)).toHaveLength(1);
    const hist = fs.readFileSync(path.join(dir, "state/history.jsonl"), "utf8");
    expect(hist).toMatch(/"type":"silence","action":"add".*"pattern":"gpu-\*"/);
    expect(hist).toMatch(/"type":"silence","action":"remove"/);
  });

  it.each([
    // A glob that matches nothing is an error that lists the checks.
    { args: ["nothing-*", "--for", "1h"], err: /"nothing-\*" matches no check; the checks are: api, worker, gpu-0/ },
    // A negative duration, "forever" and zero are refused: a silence always ends.
    { args: ["api", "--for", "-1h"], err: /--for "-1h" is not a positive duration/ },
    { args: ["api", "--for", "forever"], err: /--for "forever" is not a positive duration/ },
    { args: ["api", "--for", "0s"], err: /not a positive duration/ },
    { args: ["api", "--for", "31d"], err: /longer than 30d/ },
  ])("refuses $args", async ({ args, err }) => {
    const file = await setup();
    const r = await cli(file, "silence", "add", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(err);
    expect(fs.existsSync(path.join(dir, "state/state.json"))).toBe(false);
  });

  it("queues the command while another process holds the lock, and the next run applies it", async () => {
    const file = await setup();
    await cli(file, "check");
    const { child: holder, line } = spawnLockHolder();
    children.push(holder);
    fs.writeFileSync(path.join(dir, "state/state.json.lock"), line);
    const add = await cli(file, "silence", "add", "api", "--for", "1h");
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(`queued; the running watchdog (pid ${holder.pid}) applies it at its next run`);
    expect(state().silences).toEqual([]);
    holder.kill("SIGKILL");
    await new Promise((r) => holder.once("exit", r));
    const run = await cli(file, "check");
    expect(run.code).toBe(0);
    expect(state().silences.map((s: { pattern: string }) => s.pattern)).toEqual(["api"]);
    expect(fs.existsSync(path.join(dir, "state/state.json.commands"))).toBe(false);
  });
});

describe("watchdog ack", () => {
  it("stops further steps for the incident; the recovery still goes out", async () => {
    const port = await closedPort();
    const file = await setup();
    await cli(file, "check");
    const ack = await cli(file, "ack", "api", "--note", "on it");
    expect(ack.code).toBe(0);
    expect(ack.stdout).toContain("acknowledged api");
    expect(state().checks.api.incident.ack.note).toBe("on it");
    await cli(file, "check");
    const third = await cli(file, "check");
    // Step 2 (at the third failure) is not said for the acked api; gpu-0 still climbs.
    expect(third.stdout).not.toMatch(/CRITICAL api on/);
    expect(third.stdout).toMatch(/CRITICAL gpu-0 on/);
    // api comes back: point it at a listening port.
    const srv = net.createServer((s) => s.end());
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const live = (srv.address() as net.AddressInfo).port;
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, "utf8")
        .replace(new RegExp(`(name: api\\n    type: tcp\\n    host: 127.0.0.1\\n    port: )\\d+`), `$1${live}`),
    );
    const rec = await cli(file, "check");
    srv.close();
    expect(rec.stdout).toMatch(/Check: api \(recovered\)/);
    expect(state().checks.api.incident).toBeUndefined();
    expect(port).toBeGreaterThan(0);
  });

  it.each([
    // ok with no incident: nothing to acknowledge.
    { check: "api", first: true, err: /"api" is ok with no open incident|has not run yet/ },
    // Unknown name: the checks are listed.
    { check: "nope", first: false, err: /no check named "nope"; the checks are: api, worker, gpu-0/ },
  ])("refuses $check", async ({ check, err }) => {
    const file = await setup();
    const r = await cli(file, "ack", check);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(err);
  });

  it("refuses a check that is ok", async () => {
    const srv = net.createServer((s) => s.end());
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const file = path.join(dir, "ok.yaml");
    fs.writeFileSync(
      file,
      `state_file: ${dir}/state/state.json\nchannels: {out: {type: console}}\n` +
        `escalation: [{after: 1, notify: [out]}]\nchecks:\n` +
        `  - {name: up, type: tcp, host: 127.0.0.1, port: ${(srv.address() as net.AddressInfo).port}}\n`,
    );
    await cli(file, "check");
    srv.close();
    const r = await cli(file, "ack", "up");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"up" is ok with no open incident: nothing to acknowledge/);
  });
});

describe("watchdog history", () => {
  it("lists incidents and the per-check summary, skipping a corrupt line with a warning", async () => {
    const file = await setup();
    await cli(file, "check");
    const hist = path.join(dir, "state/history.jsonl");
    fs.appendFileSync(hist, "{not json\n");
    await cli(file, "check");
    const r = await cli(file, "history", "--since", "1d");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped an unreadable history line at .*history\.jsonl:\d+/);
    expect(r.stdout).toMatch(/^api\s+\d\d-\d\d \d\d:\d\d\s+ongoing\s+\S+\s+1\s/m);
    expect(r.stdout).toMatch(/^CHECK\s+INCIDENTS\s+DOWNTIME\s+MTTR\s+MOST COMMON CAUSE/m);
    const j = JSON.parse((await cli(file, "history", "--check", "worker", "--json")).stdout);
    expect(j.incidents.map((i: { check: string }) => i.check)).toEqual(["worker"]);
    expect(j.skippedLines).toBe(1);
    expect((await cli(file, "history", "--since", "forever")).code).toBe(2);
  });
});

describe("watchdog simulate", () => {
  it("prints at which run each channel is told, with the rendered text, and sends nothing", async () => {
    const file = await setup();
    const r = await cli(file, "simulate", "api", "--failures", "4", "--then-ok", "1", "--interval", "1m");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("simulate api: 4 critical runs then 1 ok, one every 1m");
    expect(r.stdout).toMatch(/run {3}1 .*CRITICAL\n {6}-> out \[step 1\]: \[watchdog\] CRITICAL api on /);
    expect(r.stdout).toMatch(/run {3}3 .*\n {6}-> out \[step 2\]/);
    expect(r.stdout).toMatch(/run {3}5 .*OK\n {6}-> out \[recovered\]: \[watchdog\] RECOVERED api on .* after 4m/);
    expect(r.stdout).toContain("Status: CRITICAL: simulated failure 1");
    expect(fs.existsSync(path.join(dir, "state"))).toBe(false);
    const bad = await cli(file, "simulate", "nope");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the checks are: api, worker, gpu-0");
  });
});

describe("watchdog init and schema", () => {
  it("writes the starter config, refuses to overwrite without --force, and it validates", async () => {
    const target = path.join(dir, "conf", "watchdog.yaml");
    const missing = await runCli(["init", "--path", target], { cwd: dir, env: env() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`directory ${path.dirname(target)} does not exist`);
    fs.mkdirSync(path.dirname(target));
    // A fake nvidia-smi on PATH adds a GPU check.
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "nvidia-smi"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const ok = await runCli(["init", "--path", target], {
      cwd: dir,
      env: { ...env(), PATH: `${path.join(dir, "bin")}:${process.env.PATH}` },
    });
    expect(ok.code).toBe(0);
    // The line is folded at 80 columns, where depends on the length of the temp path.
    expect(ok.stdout.replace(/\s+/g, " ")).toContain("with a GPU check");
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(target, "utf8")).toMatch(/^ {4}type: gpu\b/m);
    const again = await runCli(["init", "--path", target], { cwd: dir, env: env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists; use --force");
    const forced = await runCli(["init", "--path", target, "--force"], { cwd: dir, env: env() });
    expect(forced.code).toBe(0);
    expect(forced.stdout.replace(/\s+/g, " ")).toContain("GPU checks commented out");
    expect(fs.readFileSync(target, "utf8")).not.toMatch(/^ {4}type: gpu\b/m);
    // The starter names its secrets as ${VARS}: set each, as a user would.
    const vars = Object.fromEntries(
      [...fs.readFileSync(target, "utf8").matchAll(/\$\{(\w+)\}/g)].map((m) => [m[1]!, "x"]),
    );
    const v = await runCli(["validate", "-c", target], { cwd: dir, env: { ...env(), ...vars } });
    expect(v.stdout + v.stderr).toContain("config OK");
  });

  it("reports a directory that is not writable", async () => {
    let target: string;
    if (process.getuid?.() === 0)
      target = "/sys/watchdog.yaml"; // root may write anywhere but sysfs
    else {
      fs.mkdirSync(path.join(dir, "ro"), { mode: 0o555 });
      target = path.join(dir, "ro", "watchdog.yaml");
    }
    const r = await runCli(["init", "--path", target], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*watchdog\.yaml: (permission denied|read-only file system)/);
  });

  it("prints a JSON Schema with the config's fields", async () => {
    const r = await runCli(["schema"], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.$schema).toContain("json-schema.org");
    expect(Object.keys(s.properties)).toEqual(
      expect.arrayContaining(["checks", "channels", "escalation", "history_file", "flap", "heartbeat"]),
    );
  });
});

describe("depends_on in the config", () => {
  it.each([
    // An unknown name is an error at its position.
    { deps: { a: ["nope"], b: [] as string[] }, err: /checks\[0\]\.depends_on\[0\]: unknown check "nope"/ },
    // A cycle is an error that names it.
    { deps: { a: ["b"], b: ["a"] }, err: /dependency cycle: a -> b -> a/ },
  ])("$err", async ({ deps, err }) => {
    const file = path.join(dir, "c.yaml");
    const checks = Object.entries(deps).map(
      ([n, d]) => `  - {name: ${n}, type: tcp, host: 127.0.0.1, port: 1, depends_on: [${d.join(", ")}]}`,
    );
    fs.writeFileSync(
      file,
      `state_file: ${dir}/s.json\nchannels: {out: {type: console}}\nescalation: [{after: 1, notify: [out]}]\n` +
        `checks:\n${checks.join("\n")}\n`,
    );
    const r = await cli(file, "validate");
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(err);
  });
});

describe("watchdog install", () => {
  it("prints the cron line, or writes /etc/cron.d-style file with --write", async () => {
    const file = await setup();
    const p = await cli(file, "install", "--cron");
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(
      new RegExp(
        `^\\*/2 \\* \\* \\* \\* \\S+ -- \\S+watchdog\\.cjs check --config ${file.replace(/[.]/g, "\\.")} >/dev/null$`,
        "m",
      ),
    );
    const w = await cli(file, "install", "--cron", "--write", "--dest", dir);
    expect(w.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "watchdog"), "utf8")).toMatch(
      new RegExp(`^\\*/2 \\* \\* \\* \\* ${os.userInfo().username} `, "m"),
    );
    const no = await cli(file, "install", "--cron", "--write", "--dest", path.join(dir, "missing"));
    expect(no.code).toBe(1);
    expect(no.stderr).toContain("no such directory");
  });

  it("writes the systemd units pointing at this binary; systemd-analyze verify accepts them", async () => {
    const file = await setup();
    const units = path.join(dir, "units");
    fs.mkdirSync(units);
    const r = await cli(file, "install", "--systemd", "--dest", units, "--no-enable");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("systemctl enable --now watchdog.timer");
    const service = fs.readFileSync(path.join(units, "watchdog.service"), "utf8");
    expect(service).toMatch(/^ExecStart=\S+ -- \S+watchdog\.cjs check --config /m);
    expect(service).toContain("ProtectSystem=strict");
    const verify = spawnSync(
      "systemd-analyze",
      ["verify", ...["watchdog.service", "watchdog.timer", "watchdog-daemon.service"].map((u) => path.join(units, u))],
      { encoding: "utf8" },
    );
    if (verify.error) {
      console.warn(`skipped systemd-analyze verify: ${verify.error.message} (install the Debian package "systemd")`);
      return;
    }
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);
  });
});

describe("self-monitoring", () => {
  it("says in the next message that watchdog was not running, and pings the heartbeat after each run", async () => {
    const http = await import("node:http");
    const pings: string[] = [];
    const hb = http.createServer((req, res) => {
      pings.push(req.url ?? "");
      res.end("OK");
    });
    await new Promise<void>((r) => hb.listen(0, "127.0.0.1", r));
    const srv = net.createServer((s) => s.end());
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    const file = path.join(dir, "gap.yaml");
    fs.writeFileSync(
      file,
      `state_file: ${dir}/state/state.json\nexpected_interval: 2m\n` +
        `heartbeat: {url: "http://127.0.0.1:${(hb.address() as net.AddressInfo).port}/hb"}\n` +
        `channels: {out: {type: console}}\nescalation: [{after: 1, notify: [out]}]\nchecks:\n` +
        `  - {name: svc, type: tcp, host: 127.0.0.1, port: ${port}}\n`,
    );
    const T = 1_800_000_000_000;
    const at = (t: number) =>
      runCli(["-c", file, "check"], { cwd: dir, env: { ...env(), WATCHDOG_TEST_NOW: String(t) } });
    expect((await at(T)).code).toBe(0);
    await new Promise<void>((r) => srv.close(() => r()));
    // 20 minutes later (more than 3 x 2m) the service is down: the alert says watchdog itself was not running.
    const r = await at(T + 20 * 60_000);
    hb.close();
    expect(r.stdout).toContain("[watchdog] CRITICAL svc");
    expect(r.stdout).toMatch(/watchdog itself did not run for (19m 5\ds|20m)/);
    expect(pings).toEqual(["/hb", "/hb"]);
  });
});
